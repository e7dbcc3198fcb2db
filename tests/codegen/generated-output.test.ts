// Generates the three reference releases (plus a mutated 3.1.19 whose envelope requires one more
// field), then checks the output with ONE real tsc run: every version compiles strict, and the
// compile-fail fixtures fail with the expected diagnostics. Also: determinism, banners, formatting.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFiles, type GeneratedFile } from '../../codegen/pipeline.js';
import { PRETTIER_OPTIONS } from '../../codegen/emit/format-worker.js';
import { bindingEntryFrom, copySchemas, editJson, makeTempDir, repoRoot, runTsc, schemaDir, VERSIONS, writeFiles, type Diagnostic, type Version } from './helpers.js';

let workDir: string;
const generated = new Map<Version, GeneratedFile[]>();
let diagnostics: Diagnostic[];

const FIXTURES: Record<string, string> = {
  'task-type.fail.ts': `import type { SpecWebhookTaskType } from '../v3.1.19/index.js';
export const bad: SpecWebhookTaskType = 'not_a_task';
`,
  'operation-id.fail.ts': `import { buildMcpWebhookPayload } from '../v3.1.19/index.js';
export const payload = buildMcpWebhookPayload({ task_id: 't1', task_type: 'create_media_buy', status: 'working' });
`,
  'operation-id-3.0.ok.ts': `import { buildMcpWebhookPayload } from '../v3.0.26/index.js';
export const payload = buildMcpWebhookPayload({ task_id: 't1', task_type: 'create_media_buy', status: 'working' });
`,
  'result-shape.fail.ts': `import { buildMcpWebhookPayload } from '../v3.1.19/index.js';
export const payload = buildMcpWebhookPayload({
  operation_id: 'op_1',
  task_id: 't1',
  task_type: 'create_media_buy',
  status: 'completed',
  result: { status: 'completed', media_buy_id: 42, confirmed_at: null, revision: 1, packages: [] },
});
`,
  'result-shape.ok.ts': `import { buildMcpWebhookPayload, type ForecastPoint, type McpWebhookPayload, type WebhookResult } from '../v3.1.19/index.js';
export const completed = buildMcpWebhookPayload({
  operation_id: 'op_1',
  task_id: 't1',
  task_type: 'create_media_buy',
  status: 'completed',
  result: { status: 'completed', media_buy_id: 'mb_1', confirmed_at: null, revision: 1, packages: [] },
});
export const working = buildMcpWebhookPayload({ operation_id: 'op_1', task_id: 't1', task_type: 'create_media_buy', status: 'working', result: { percentage: 40 } });
export const canceled = buildMcpWebhookPayload({ operation_id: 'op_1', task_id: 't1', task_type: 'sync_accounts', status: 'canceled', result: { anything: true } });
export const delivery: WebhookResult<'media_buy_delivery', 'completed'>['media_buy_deliveries'] = [];
export const generic: McpWebhookPayload = completed;
// A number constrained only by an untyped {maximum: 1} next to ForecastRange stays a number.
export const coverage: ForecastPoint['metrics'] = { coverage_rate: { mid: 0.5 } };
export const wider: McpWebhookPayload<'create_media_buy'> = completed;
`,
  'future-required.fail.ts': `import { buildMcpWebhookPayload } from '../vmutated/index.js';
export const payload = buildMcpWebhookPayload({ operation_id: 'op_1', task_id: 't1', task_type: 'log_event', status: 'completed' });
`,
};

beforeAll(async () => {
  workDir = makeTempDir('codegen-output');
  for (const version of VERSIONS) {
    const dir = path.join(workDir, `v${version}`);
    const files = await generateFiles({ schemasDir: schemaDir(version), bindingEntry: bindingEntryFrom(dir) });
    generated.set(version, files);
    writeFiles(dir, files);
  }
  // A "future" release whose envelope also requires notification_id.
  const mutated = copySchemas('3.1.19', path.join(workDir, 'schemas-mutated'));
  editJson(path.join(mutated, 'core', 'mcp-webhook-payload.json'), (schema) => {
    (schema['required'] as string[]).push('notification_id');
  });
  const mutatedDir = path.join(workDir, 'vmutated');
  writeFiles(mutatedDir, await generateFiles({ schemasDir: mutated, bindingEntry: bindingEntryFrom(mutatedDir) }));
  rmSync(mutated, { recursive: true });
  writeFiles(path.join(workDir, 'fixtures'), Object.entries(FIXTURES).map(([name, contents]) => ({ path: name, contents })));
  diagnostics = runTsc(workDir);
}, 600_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function diagnosticsIn(relative: string): Diagnostic[] {
  const prefix = path.join(workDir, relative);
  return diagnostics.filter((diagnostic) => diagnostic.file.startsWith(prefix));
}

describe('generated code compiles under tsc --strict', () => {
  it.each(VERSIONS)('%s has no diagnostics', (version) => {
    expect(diagnosticsIn(`v${version}`)).toEqual([]);
    expect(generated.get(version)!.map((file) => file.path)).toContain('index.ts');
  });

  it('the envelope with one more required field compiles too', () => {
    expect(diagnosticsIn('vmutated')).toEqual([]);
  });

  it('compile-ok fixtures have no diagnostics', () => {
    expect(diagnosticsIn('fixtures/operation-id-3.0.ok.ts')).toEqual([]);
    expect(diagnosticsIn('fixtures/result-shape.ok.ts')).toEqual([]);
  });
});

describe('compile-fail', () => {
  it("assigning 'not_a_task' to SpecWebhookTaskType fails with TS2322", () => {
    const found = diagnosticsIn('fixtures/task-type.fail.ts');
    expect(found.map((d) => [d.line, d.code])).toEqual([[2, 2322]]);
    expect(found[0]!.text).toContain('"not_a_task"');
  });

  it('the 3.1 builder without operation_id fails with TS2345 naming operation_id', () => {
    const found = diagnosticsIn('fixtures/operation-id.fail.ts');
    expect(found.map((d) => [d.line, d.code])).toEqual([[2, 2345]]);
    expect(found[0]!.text).toContain("Property 'operation_id' is missing");
  });

  it('a wrong completed create_media_buy result fails at the result with TS2322', () => {
    const found = diagnosticsIn('fixtures/result-shape.fail.ts');
    // Closed result types put the error on the wrong member itself.
    expect(found.map((d) => [d.line, d.code])).toEqual([[7, 2322]]);
    expect(found[0]!.text).toBe("Type 'number' is not assignable to type 'string'.");
  });

  it('a field a later release makes required breaks existing call sites', () => {
    const found = diagnosticsIn('fixtures/future-required.fail.ts');
    expect(found.map((d) => [d.line, d.code])).toEqual([[2, 2345]]);
    expect(found[0]!.text).toContain("Property 'notification_id' is missing");
  });
});

describe('output rules', () => {
  it('is deterministic: a second run is byte-identical', async () => {
    const again = await generateFiles({ schemasDir: schemaDir('3.1.19'), bindingEntry: bindingEntryFrom(path.join(workDir, 'v3.1.19')) });
    expect(again).toEqual(generated.get('3.1.19'));
  });

  it('matches the committed src/generated', async () => {
    const committedDir = path.join(repoRoot, 'src', 'generated');
    const committed = readdirSync(committedDir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.ts'))
      .sort()
      .map((name) => ({ path: name.split(path.sep).join('/'), contents: readFileSync(path.join(committedDir, name), 'utf8') }));
    expect(committed).toEqual(await generateFiles({ schemasDir: schemaDir('3.1.19') }));
  });

  it.each(VERSIONS)('%s: every file starts with the banner and holds no absolute path', (version) => {
    for (const file of generated.get(version)!) {
      expect(file.contents.startsWith('// Generated by adcp-codegen (codegen/pipeline.ts) — generated — do not edit')).toBe(true);
      expect(file.contents).toContain(`// AdCP version: ${version}\n`);
      expect(file.contents).toMatch(/\n\/\/ Source schema files:/);
      expect(file.contents).not.toContain(repoRoot);
      expect(file.contents).not.toContain(schemaDir(version));
    }
  });

  it.each(VERSIONS)('%s: declares no numbered copies and no `any`', (version) => {
    const files = generated.get(version)!;
    const declared = new Set(files.flatMap((file) => [...file.contents.matchAll(/^export (?:interface|type|const|function) (\w+)/gm)].map((m) => m[1]!)));
    const numbered = [...declared].filter((name) => /\D\d+$/.test(name) && declared.has(name.replace(/\d+$/, '')));
    expect(numbered).toEqual([]);
    for (const file of files.filter((f) => !f.path.endsWith('validators.standalone.ts'))) {
      const code = file.contents
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/'(?:[^'\\\n]|\\.)*'/g, "''");
      expect(code, file.path).not.toMatch(/\bany\b/);
    }
  });

  it('3.1.19 files are prettier-formatted (a prettier fixpoint), except the ajv standalone code written as emitted', async () => {
    // ajv's standalone output for the webhook kinds and the results is machine code written as emitted (EmittedModule.unformatted).
    const unformatted = new Set(['notification-validators.standalone.ts', 'result-validators.standalone.ts']);
    for (const file of generated.get('3.1.19')!.filter((f) => !unformatted.has(f.path))) {
      expect(await prettier.format(file.contents, PRETTIER_OPTIONS), file.path).toBe(file.contents);
    }
  });

  it('records a sha256 for every schema file it read', () => {
    const version = generated.get('3.1.19')!.find((file) => file.path === 'version.ts')!.contents;
    expect(version).toContain("export const ADCP_VERSION = '3.1.19';");
    expect(version).toMatch(/'core\/mcp-webhook-payload\.json': '[0-9a-f]{64}'/);
    expect(version).toMatch(/'manifest\.json': '[0-9a-f]{64}'/);
  });
});

