// Several AdCP versions in a user's project built from the packed tarball: `npx adcp-codegen generate`
// writes 3.0.26, 3.1.19 and 3.2.0-beta.5 side by side; seller code is typed by the binding it passes
// (tsc accepts `buy_products` through 3.2 and refuses it through 3.1.19, naming it); a 3.1.19 cache
// with one status added and one task type removed regenerates into a binding whose validator and
// lifecycle take the new status and whose types lose the removed task type; everything type-checks
// with skipLibCheck off under @types/node 20 and the newest @types/node; and under npm's linked
// (isolated, .store) layout the generated code compiles and runs, importing only the package's
// public entry points. Real processes only: npm, the package's CLI, tsc, node.
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedSchemasRoot } from '../helpers/shared.js';
import { consumerCompilerOptions } from '../helpers/consumer-tsconfig.js';
import {
  installIntoFreshProject,
  lockedVersion,
  makeWorkDir,
  packRepository,
  step,
  writeJson,
  writeText,
  type PackedTarball,
} from './packed-project.js';

const VERSIONS = [
  { version: '3.0.26', folder: 'src/adcp/v3_0' },
  { version: '3.1.19', folder: 'src/adcp/v3_1' },
  { version: '3.2.0-beta.5', folder: 'src/adcp/v3_2' },
] as const;
const V3_1 = 'src/adcp/v3_1';
const V3_2 = 'src/adcp/v3_2';
/** Added to the copied 3.1.19 task-status enum; no AdCP release has it. */
const ADDED_STATUS = 'suspended';
/** Removed from the copied 3.1.19 task-type enum; elsewhere only descriptions mention it, and generation accepts the removal. */
const REMOVED_TASK_TYPE = 'log_event';

let workDir: string;
let tarball: PackedTarball;
let project: string;
const timings: string[] = [];

beforeAll(() => {
  workDir = makeWorkDir();
  tarball = timed('pack', () => packRepository(workDir));
  project = timed('install (hoisted)', () => installIntoFreshProject(workDir, tarball.path));
  writeJson(join(project, 'tsconfig.base.json'), strictCompilerOptions());
}, 240_000);

afterAll(() => {
  console.log(`versions-consumer timings: ${timings.join(', ')}`);
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

function timed<T>(label: string, run: () => T): T {
  const started = performance.now();
  try {
    return run();
  } finally {
    timings.push(`${label} ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Strict consumer settings: the package's and the generated .d.ts are checked too (skipLibCheck off). */
function strictCompilerOptions(): object {
  return {
    compilerOptions: consumerCompilerOptions({ noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true, skipLibCheck: false }),
  };
}

function cli(dir: string, args: readonly string[]): string {
  return step('npx', ['--no', '--', 'adcp-codegen', ...args], { cwd: dir, timeoutMs: 120_000 }).stdout;
}

function generate(dir: string, schemas: string, out: string): string {
  return timed(`generate ${out}`, () => cli(dir, ['generate', '--schemas', schemas, '--out', out]));
}

interface TscRun {
  readonly status: number | null;
  readonly output: string;
}

/** tsc over `files` with the strict settings (and `emit` into build/ when asked); never throws. */
function tsc(dir: string, name: string, files: readonly string[], emit = false): TscRun {
  const config = `tsconfig.${name}.json`;
  const emitting = emit ? { compilerOptions: { noEmit: false, outDir: 'build', rootDir: '.' } } : {};
  writeJson(join(dir, config), { extends: './tsconfig.base.json', ...emitting, files });
  const run = timed(`tsc ${name}`, () =>
    step(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', config, '--pretty', 'false'], {
      cwd: dir,
      timeoutMs: 180_000,
      allowFailure: true,
    }),
  );
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

function expectCompiles(run: TscRun): void {
  expect(run.output.trim(), 'tsc reported diagnostics').toBe('');
  expect(run.status).toBe(0);
}

/** tsc failed, and every diagnostic is an error in `file` naming the string literal `literal`. */
function expectRefusedNaming(run: TscRun, file: string, literal: string): void {
  expect(run.status).not.toBe(0);
  const diagnostics = run.output.trim().split('\n').filter((line) => /error TS\d+/.test(line));
  expect(diagnostics.length, run.output).toBeGreaterThan(0);
  for (const diagnostic of diagnostics) expect(diagnostic.startsWith(`${file}(`), diagnostic).toBe(true);
  expect(diagnostics.some((diagnostic) => diagnostic.includes(`'"${literal}"'`)), run.output).toBe(true);
}

function generatedFiles(dir: string, folder: string): string[] {
  return readdirSync(join(dir, folder))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `${folder}/${name}`);
}

/** Every module specifier the generated files in `folder` import or re-export (static, side-effect and `import()`). */
function moduleSpecifiers(dir: string, folder: string): Set<string> {
  const patterns = [
    /^\s*(?:import|export)\b[^'"`;]*?\bfrom\s+['"]([^'"]+)['"]/gm,
    /^\s*import\s+['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const found = new Set<string>();
  for (const file of generatedFiles(dir, folder)) {
    const source = readFileSync(join(dir, file), 'utf8');
    for (const pattern of patterns) for (const match of source.matchAll(pattern)) found.add(match[1]!);
  }
  return found;
}

/** The package's public entry points as import specifiers, read off the installed package.json `exports`. */
function publicEntryPoints(dir: string): Set<string> {
  const manifest = JSON.parse(readFileSync(join(dir, 'node_modules/adcp-codegen/package.json'), 'utf8')) as { exports: Record<string, unknown> };
  return new Set(
    Object.keys(manifest.exports)
      .filter((subpath) => !subpath.endsWith('.json'))
      .map((subpath) => (subpath === '.' ? 'adcp-codegen' : `adcp-codegen/${subpath.slice(2)}`)),
  );
}

/** Relative imports stay inside the folder; everything else is node: or one of the package's public entry points. */
function expectOnlyPublicImports(dir: string, folder: string): void {
  const specifiers = [...moduleSpecifiers(dir, folder)];
  const relativeOnes = specifiers.filter((specifier) => specifier.startsWith('.'));
  expect(relativeOnes.filter((specifier) => !/^\.\/[\w.-]+\.js$/.test(specifier))).toEqual([]);
  expect(relativeOnes.filter((specifier) => !existsSync(join(dir, folder, specifier.replace(/\.js$/, '.ts'))))).toEqual([]);
  const entries = publicEntryPoints(dir);
  const packageOnes = specifiers.filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('node:'));
  expect(packageOnes.length).toBeGreaterThan(0);
  expect(packageOnes.filter((specifier) => !entries.has(specifier))).toEqual([]);
}

/** Seller code announcing a task of `taskType` through the binding generated into `folder`. */
function sellerSource(folder: string, taskType: string): string {
  return `import { extractPushNotificationConfig, startTaskLifecycle, type WebhookSender } from 'adcp-codegen';
import { binding } from '../${folder}/index.js';

export function handle(sender: WebhookSender, params: unknown): object {
  const extracted = extractPushNotificationConfig(params, { binding });
  if (extracted?.kind === 'rejected') return { errors: extracted.errors };
  const task = startTaskLifecycle({ sender, binding, taskType: '${taskType}', pushConfig: extracted?.config, initialStatus: 'submitted' });
  task.update('working');
  return task.initialResponse;
}
`;
}

/**
 * Buyer code typed by the binding generated into `folder`: the event union narrows `result` on task
 * type × status, so a create_media_buy completion reads `media_buy_id` without a cast; each
 * `@ts-expect-error` must be an error (an unused one fails the compile).
 */
function buyerSource(folder: string): string {
  return `import { createWebhookReceiver, staticKeySource } from 'adcp-codegen';
import { binding } from '../${folder}/index.js';

export const receiver = createWebhookReceiver({ binding, keys: staticKeySource([]), registration: { mode: 'rfc9421' } });
export const seen: string[] = [];
receiver.onAny((event) => {
  if (event.taskType === 'create_media_buy' && event.status === 'completed') {
    const id: string | undefined = event.result?.media_buy_id;
    seen.push(id ?? '');
    // @ts-expect-error no create_media_buy response declares "nope"
    seen.push(String(event.result?.nope));
  }
});
receiver.on('create_media_buy', 'completed', (event) => {
  seen.push(event.result?.media_buy_id ?? '');
});
`;
}

/**
 * A seller process on loopback: one lifecycle through the binding generated into `folder` announces
 * `status` to a local buyer endpoint; prints what the lifecycle answered, what the endpoint received,
 * whether that binding and the package's bundled (unedited 3.1.19) binding accept it, and whether the
 * folder's own builder and validator agree on an envelope with that status.
 */
function lifecycleCheckSource(folder: string, taskType: string, status: string): string {
  return `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  binding as bundled,
  createRfc9421Signer,
  createWebhookDelivery,
  createWebhookSender,
  generateSigningKey,
  startTaskLifecycle,
} from 'adcp-codegen';
import { binding, buildMcpWebhookPayload, validateMcpWebhookPayload } from '../${folder}/index.js';

const bodies: unknown[] = [];
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    response.writeHead(204).end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/hooks/buyer\`;

const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 1 } });
const key = generateSigningKey({ alg: 'ed25519', purpose: 'webhook-signing', kid: 'seller-1' });
const sender = createWebhookSender({ delivery, rfc9421: createRfc9421Signer({ key: key.privateJwk }) });
const task = startTaskLifecycle({ sender, binding, taskType: '${taskType}', pushConfig: { url, operation_id: 'op_1' }, initialStatus: 'submitted' });
const outcome = task.update('${status}');
const drain = await delivery.drain(10_000);
await delivery.close();
server.close();

const built = buildMcpWebhookPayload({ task_id: 'task_1', task_type: '${taskType}', status: '${status}', operation_id: 'op_1' });
const received = bodies[0];
console.log(JSON.stringify({
  version: binding.version,
  role: binding.statusRole('${status}'),
  outcome,
  drainTimedOut: drain.timedOut,
  receivedCount: bodies.length,
  received,
  receivedValid: binding.validateMcpWebhookPayload(received).ok,
  bundledVerdict: bundled.validateMcpWebhookPayload(received),
  builtValid: validateMcpWebhookPayload(built).ok,
  terminalAfter: task.terminal,
}));
`;
}

interface LifecycleReport {
  readonly version: string;
  readonly role: string | undefined;
  readonly outcome: { readonly queued: boolean };
  readonly drainTimedOut: boolean;
  readonly receivedCount: number;
  readonly received: { readonly status?: string; readonly task_type?: string; readonly operation_id?: string };
  readonly receivedValid: boolean;
  readonly bundledVerdict: { readonly ok: boolean; readonly errors?: readonly { readonly path: string }[] };
  readonly builtValid: boolean;
  readonly terminalAfter: boolean;
}

/** Compiles `check/<name>.ts` into build/ and runs it with node; returns its one-line JSON report. */
function runCheck(dir: string, name: string, source: string): LifecycleReport {
  writeText(join(dir, `check/${name}.ts`), source);
  expectCompiles(tsc(dir, `emit-${name}`, [`check/${name}.ts`], true));
  const { stdout } = timed(`node ${name}`, () => step(process.execPath, [`build/check/${name}.js`], { cwd: dir, timeoutMs: 30_000 }));
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LifecycleReport;
}

function readJson(path: string): { enum: string[]; enumDescriptions?: Record<string, string> } {
  return JSON.parse(readFileSync(path, 'utf8')) as { enum: string[]; enumDescriptions?: Record<string, string> };
}

/** Edits an enum schema (its `enum` and its `enumDescriptions`) in place. */
function editEnum(path: string, edit: (values: string[], descriptions: Record<string, string>) => void): void {
  const schema = readJson(path);
  const descriptions = schema.enumDescriptions ?? {};
  edit(schema.enum, descriptions);
  writeFileSync(path, `${JSON.stringify({ ...schema, enumDescriptions: descriptions }, null, 2)}\n`);
}

describe('three AdCP versions generated side by side from the installed package', () => {
  beforeAll(() => {
    for (const { version, folder } of VERSIONS) generate(project, join(sharedSchemasRoot, version), folder);
  }, 240_000);

  it.each(VERSIONS)('$folder holds the $version binding, importing nothing of the package but its public entry points', ({ version, folder }) => {
    const bindingTs = readFileSync(join(project, folder, 'binding.ts'), 'utf8');
    expect(bindingTs).toContain(`// AdCP version: ${version}`);
    expect(bindingTs).toMatch(/^export const binding: AdcpBinding</m);
    expect(readFileSync(join(project, folder, 'index.ts'), 'utf8')).toContain("export * from './binding.js';");
    expectOnlyPublicImports(project, folder);
  });

  describe('seller code announcing a buy_products task', () => {
    beforeAll(() => {
      writeText(join(project, 'seller/buy-products-v3_2.ts'), sellerSource(V3_2, 'buy_products'));
      writeText(join(project, 'seller/buy-products-v3_1.ts'), sellerSource(V3_1, 'buy_products'));
    });

    it('compiles through the 3.2.0-beta.5 binding', () => {
      expectCompiles(tsc(project, 'buy-products-v3_2', ['seller/buy-products-v3_2.ts']));
    }, 180_000);

    it('fails to compile through the 3.1.19 binding, tsc naming "buy_products"', () => {
      expectRefusedNaming(tsc(project, 'buy-products-v3_1', ['seller/buy-products-v3_1.ts']), 'seller/buy-products-v3_1.ts', 'buy_products');
    }, 180_000);
  });

  describe('buyer code receiving through each version\'s binding', () => {
    beforeAll(() => {
      for (const { folder } of VERSIONS) writeText(join(project, `buyer/receive-${folder.split('/').at(-1)}.ts`), buyerSource(folder));
    });

    it.each(VERSIONS)('$folder: an if on task type and status narrows result; an unknown member is refused', ({ folder }) => {
      expectCompiles(tsc(project, `buyer-${folder.split('/').at(-1)}`, [`buyer/receive-${folder.split('/').at(-1)}.ts`]));
    }, 180_000);
  });

  describe(`a copy of the 3.1.19 cache with status "${ADDED_STATUS}" added and task type "${REMOVED_TASK_TYPE}" removed, regenerated into ${V3_1}`, () => {
    const removedSeller = `seller/${REMOVED_TASK_TYPE}-v3_1.ts`;

    beforeAll(() => {
      writeText(join(project, removedSeller), sellerSource(V3_1, REMOVED_TASK_TYPE));
    });

    it(`before: seller code announcing ${REMOVED_TASK_TYPE} through the 3.1.19 binding compiles`, () => {
      expectCompiles(tsc(project, `${REMOVED_TASK_TYPE}-before`, [removedSeller]));
    }, 180_000);

    it('the edited cache regenerates into the same folder', () => {
      const cache = join(workDir, 'schemas-3.1.19-edited');
      cpSync(join(sharedSchemasRoot, '3.1.19'), cache, { recursive: true });
      editEnum(join(cache, 'enums/task-status.json'), (values, descriptions) => {
        expect(values).not.toContain(ADDED_STATUS);
        values.push(ADDED_STATUS);
        descriptions[ADDED_STATUS] = 'Task is held by the seller and resumes later';
      });
      editEnum(join(cache, 'enums/task-type.json'), (values, descriptions) => {
        expect(values).toContain(REMOVED_TASK_TYPE);
        values.splice(values.indexOf(REMOVED_TASK_TYPE), 1);
        delete descriptions[REMOVED_TASK_TYPE];
      });
      const stdout = generate(project, cache, V3_1);
      expect(stdout).toMatch(/^updated {2}src\/adcp\/v3_1\/binding\.ts$/m);
      const bindingTs = readFileSync(join(project, V3_1, 'binding.ts'), 'utf8');
      expect(bindingTs).toContain(`  ${ADDED_STATUS}: 'progress',`);
      expect(bindingTs).not.toContain(`  ${REMOVED_TASK_TYPE}: 'task',`);
    }, 180_000);

    it(`at run time the lifecycle sends "${ADDED_STATUS}" and the regenerated validator accepts it; the bundled 3.1.19 validator refuses it`, () => {
      const report = runCheck(project, 'added-status', lifecycleCheckSource(V3_1, 'create_media_buy', ADDED_STATUS));
      expect(report.version).toBe('3.1.19');
      expect(report.role).toBe('progress');
      expect(report.outcome.queued).toBe(true);
      expect(report.drainTimedOut).toBe(false);
      expect(report.receivedCount).toBe(1);
      expect(report.received).toMatchObject({ status: ADDED_STATUS, task_type: 'create_media_buy', operation_id: 'op_1' });
      expect(report.receivedValid).toBe(true);
      expect(report.builtValid).toBe(true);
      expect(report.bundledVerdict.ok).toBe(false);
      expect(report.bundledVerdict.errors?.map((issue) => issue.path)).toContain('/status');
      expect(report.terminalAfter).toBe(false);
    }, 180_000);

    it(`seller code announcing ${REMOVED_TASK_TYPE} through the regenerated binding fails to compile, tsc naming "${REMOVED_TASK_TYPE}"`, () => {
      expectRefusedNaming(tsc(project, `${REMOVED_TASK_TYPE}-after`, [removedSeller]), removedSeller, REMOVED_TASK_TYPE);
    }, 180_000);
  });

  describe('the whole project type-checks with skipLibCheck off', () => {
    const everything = (): string[] => [
      'seller/buy-products-v3_2.ts',
      'check/added-status.ts',
      ...VERSIONS.flatMap(({ folder }) => generatedFiles(project, folder)),
    ];

    function installedTypesNodeMajor(): number {
      const { version } = JSON.parse(readFileSync(join(project, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string };
      timings.push(`@types/node ${version}`);
      return Number.parseInt(version, 10);
    }

    it('with @types/node 20', () => {
      expect(installedTypesNodeMajor()).toBe(20);
      expectCompiles(tsc(project, 'all-types-node-20', everything()));
    }, 180_000);

    it('with the newest @types/node', () => {
      timed('install @types/node@latest', () =>
        step('npm', ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '@types/node@latest'], {
          cwd: project,
          timeoutMs: 180_000,
        }),
      );
      expect(installedTypesNodeMajor()).toBeGreaterThan(20);
      expectCompiles(tsc(project, 'all-types-node-latest', everything()));
    }, 240_000);
  });
});

describe('installed with npm --install-strategy=linked (isolated node_modules/.store)', () => {
  let linked: string;

  beforeAll(() => {
    linked = join(workDir, 'linked');
    writeJson(join(linked, 'package.json'), { name: 'adcp-consumer-linked', private: true, type: 'module' });
    timed('install (linked)', () =>
      step(
        'npm',
        [
          'install',
          '--install-strategy=linked',
          '--prefer-offline',
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          '--no-package-lock',
          tarball.path,
          `typescript@${lockedVersion('typescript')}`,
          `@types/node@${lockedVersion('@types/node')}`,
        ],
        { cwd: linked, timeoutMs: 180_000 },
      ),
    );
    writeJson(join(linked, 'tsconfig.base.json'), strictCompilerOptions());
    generate(linked, join(sharedSchemasRoot, '3.2.0-beta.5'), V3_2);
  }, 240_000);

  it('is really isolated: the package is a link into .store and its dependencies are not hoisted', () => {
    const entries = new Set(readdirSync(join(linked, 'node_modules')));
    expect(entries.has('.store')).toBe(true);
    expect(readdirSync(join(linked, 'node_modules/.store')).some((name) => name.startsWith('adcp-codegen@'))).toBe(true);
    expect(step('readlink', [join(linked, 'node_modules/adcp-codegen')], { cwd: linked }).stdout).toMatch(/^\.store\/adcp-codegen@/);
    for (const dependency of ['ajv', 'ajv-formats', 'commander', 'prettier']) expect(entries.has(dependency), `${dependency} is hoisted`).toBe(false);
  });

  it('the generated 3.2.0-beta.5 output imports only the package public entry points', () => {
    expectOnlyPublicImports(linked, V3_2);
  });

  it('the generated output compiles with skipLibCheck off and runs: a lifecycle through its binding reaches a loopback buyer and validates', () => {
    const report = runCheck(linked, 'linked', lifecycleCheckSource(V3_2, 'buy_products', 'working'));
    expect(report.version).toBe('3.2.0-beta.5');
    expect(report.outcome.queued).toBe(true);
    expect(report.drainTimedOut).toBe(false);
    expect(report.receivedCount).toBe(1);
    expect(report.received).toMatchObject({ status: 'working', task_type: 'buy_products', operation_id: 'op_1' });
    expect(report.receivedValid).toBe(true);
    expect(report.builtValid).toBe(true);
    expect(report.bundledVerdict.ok).toBe(false);
  }, 180_000);
});
