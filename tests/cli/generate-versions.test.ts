// Several AdCP versions in one project ("versions" in adcp-codegen.config.json): real CLI child
// processes in one temp project holding 3.0.26, 3.1.19 and 3.2.0-beta.5 side by side, each synced
// from its published tree, generated into its own folder, checked, diffed and selected with --only.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { releaseRoutes, releaseTarball, removeTempDirs } from '../cache/fixtures.js';
import { startReleaseServer, type ReleaseServer } from '../cache/release-server.js';
import { runCliProcess, runCliProcessAsync, type CliRun } from '../helpers/cli.js';
import { sharedSchemasRoot } from '../helpers/shared.js';

const VERSIONS = ['3.0.26', '3.1.19', '3.2.0-beta.5'] as const;
const OUTS = ['src/adcp/v3_0', 'src/adcp/v3_1', 'src/adcp/v3_2'] as const;
const CACHES = ['schemas/3.0/cache', 'schemas/3.1/cache', 'schemas/3.2/cache'] as const;
const CONFIG = {
  versions: VERSIONS.map((version, index) => ({ schemas: CACHES[index], out: OUTS[index], version })),
};

// A release site nothing listens on: any download attempt fails instead of reaching the network.
const OFFLINE = { ...process.env, NO_COLOR: '1', ADCP_RELEASE_BASE_URL: 'http://127.0.0.1:9/' };

const temps: string[] = [];
let project: string;
let generated: CliRun;
const synced: CliRun[] = [];

function tempProject(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-versions-'));
  temps.push(dir);
  if (config !== undefined) writeConfig(dir, 'adcp-codegen.config.json', config);
  return dir;
}

function writeConfig(dir: string, name: string, config: unknown): void {
  writeFileSync(join(dir, name), typeof config === 'string' ? config : JSON.stringify(config));
}

const cli = (cwd: string, ...args: string[]): CliRun => runCliProcess(args, { cwd, env: OFFLINE });

interface TargetJson {
  label: string;
  ok: boolean;
  adcpVersion: string;
  outDir: string;
  generated: { kind: string; path: string }[];
  verifiedBy: string;
}

function checkJson(run: CliRun): { ok: boolean; targets: TargetJson[] } {
  return JSON.parse(run.stdout) as { ok: boolean; targets: TargetJson[] };
}

beforeAll(() => {
  project = tempProject(CONFIG);
  for (const version of VERSIONS) synced.push(cli(project, 'sync', '--only', version, '--from', join(sharedSchemasRoot, version)));
  generated = cli(project, 'generate');
}, 120_000);

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('"versions": sync, generate and check side by side', () => {
  it('sync --only puts each release into its own cache and lock', () => {
    VERSIONS.forEach((version, index) => {
      const run = synced[index] as CliRun;
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`[${version}] sync: AdCP ${version} from dir:`);
      const lockPath = join(project, CACHES[index] as string, '..', 'adcp-schemas.lock.json');
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).adcpVersion).toBe(version);
    });
  });

  it('generate writes every version into its own folder, lines prefixed and one summary per target', () => {
    expect(generated.stderr).toBe('');
    expect(generated.status).toBe(0);
    const summaries = generated.stdout.split('\n').filter((line) => line.includes('generate: '));
    expect(summaries).toHaveLength(3);
    VERSIONS.forEach((version, index) => {
      expect(summaries[index]).toMatch(new RegExp(`^\\[${version.replace(/\./g, '\\.')}\\] generate: \\d+ files from ${CACHES[index]} → ${OUTS[index]}: `));
      expect(generated.stdout).toContain(`[${version}] created  ${OUTS[index]}/index.ts\n`);
      expect(existsSync(join(project, OUTS[index] as string, 'index.ts'))).toBe(true);
    });
    expect(existsSync(join(project, 'src/generated'))).toBe(false);
  });

  it('the outputs differ by release: buy_products is a task type of 3.2 only', () => {
    const taskTypes = OUTS.map((out) => readFileSync(join(project, out, 'task-types.ts'), 'utf8'));
    expect(taskTypes[2]).toContain("'buy_products'");
    expect(taskTypes[1]).not.toContain('buy_products');
    expect(taskTypes[0]).not.toContain('buy_products');
    expect(readFileSync(join(project, OUTS[0], 'version.ts'), 'utf8')).toContain('3.0.26');
  });

  it('check: every target in sync, each under a heading naming it (exit 0)', () => {
    const run = cli(project, 'check');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    VERSIONS.forEach((version, index) => expect(run.stdout).toContain(`== ${version} (${OUTS[index]}) ==\ncheck: in sync — AdCP ${version}:`));
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('check: 3 of 3 targets in sync; all in sync');
  });

  it('check --json: { ok, targets: [{ label, ...report }] }', () => {
    const run = cli(project, 'check', '--json');
    expect(run.status).toBe(0);
    const report = checkJson(run);
    expect(report.ok).toBe(true);
    expect(report.targets.map(({ label, ok, adcpVersion, outDir }) => ({ label, ok, adcpVersion, outDir }))).toEqual(
      VERSIONS.map((version, index) => ({ label: version, ok: true, adcpVersion: version, outDir: OUTS[index] })),
    );
    expect(report.targets.every((target) => target.verifiedBy === 'recorded-hashes')).toBe(true);
  });

  it('an edit to one target is drift of that target only (exit 1), in text and json', () => {
    const file = join(project, OUTS[1], 'task-types.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, `${original}// edited\n`);
    try {
      const text = cli(project, 'check');
      expect(text.status).toBe(1);
      expect(text.stdout).toContain(`check: generated output in ${OUTS[1]} is out of date`);
      expect(text.stdout).not.toContain(`generated output in ${OUTS[0]}`);
      expect(text.stdout).not.toContain(`generated output in ${OUTS[2]}`);
      expect(text.stdout.trimEnd().split('\n').at(-1)).toBe('check: 2 of 3 targets in sync; out of sync: 3.1.19');
      const json = cli(project, 'check', '--json');
      expect(json.status).toBe(1);
      const report = checkJson(json);
      expect(report.ok).toBe(false);
      expect(report.targets.map(({ label, ok }) => [label, ok])).toEqual([['3.0.26', true], ['3.1.19', false], ['3.2.0-beta.5', true]]);
      const drifted = report.targets[1]?.generated.map((drift) => drift.path).filter((path) => !path.endsWith('manifest.json'));
      expect(drifted).toEqual(['task-types.ts']);
      const others = cli(project, 'check', '--only', '3.0.26,3.2.0-beta.5');
      expect(others.status).toBe(0);
    } finally {
      writeFileSync(file, original);
    }
    expect(cli(project, 'check').status).toBe(0);
  });
});

describe('"versions": --only', () => {
  it('generate --only <version> touches that target only', () => {
    const run = cli(project, 'generate', '--only', '3.1.19');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\[3\.1\.19\] generate: \d+ files from schemas\/3\.1\/cache → src\/adcp\/v3_1: 0 created, 0 updated, 0 removed, \d+ unchanged\n$/);
  });

  it('selects by out folder, repeated or as a comma list, in config order', () => {
    const byOut = checkJson(cli(project, 'check', '--json', '--only', OUTS[2]));
    expect(byOut.targets.map((target) => target.label)).toEqual(['3.2.0-beta.5']);
    const repeated = checkJson(cli(project, 'check', '--json', '--only', '3.2.0-beta.5', '--only', '3.0.26'));
    expect(repeated.targets.map((target) => target.label)).toEqual(['3.0.26', '3.2.0-beta.5']);
    const comma = checkJson(cli(project, 'check', '--json', '--only', '3.2.0-beta.5,src/adcp/v3_0'));
    expect(comma.targets.map((target) => target.label)).toEqual(['3.0.26', '3.2.0-beta.5']);
  });

  it.each(['generate', 'check', 'sync', 'diff'])('%s --only <unknown>: exit 2 naming the known targets', (command) => {
    const run = cli(project, command, '--only', '9.9.9', ...(command === 'diff' ? ['--to', '3.1.19'] : []));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--only "9\.9\.9": no such target \(known: 3\.0\.26 \(src\/adcp\/v3_0\), 3\.1\.19 \(src\/adcp\/v3_1\), 3\.2\.0-beta\.5 \(src\/adcp\/v3_2\)\)\n$/);
  });

  it('--only without "versions" is bad input', () => {
    const run = cli(tempProject(), 'generate', '--only', '3.1.19');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('adcp-codegen: generate: --only needs "versions" in the project config\n');
  });

  it.each([
    ['generate', '--schemas', 'schemas/3.0/cache'],
    ['generate', '--out', 'lib'],
    ['check', '--out', 'lib'],
    ['check', '--lock', 'x.json'],
  ])('%s %s with "versions": exit 2 pointing at --only', (command, flag, value) => {
    const run = cli(project, command, flag, value);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      `adcp-codegen: ${command}: ${flag} cannot be combined with "versions" in the project config; pick a target with --only <version|out> (or --config another file)\n`,
    );
  });

  it('check --upstream needs --only to leave one target', () => {
    const several = cli(project, 'check', '--upstream', join(sharedSchemasRoot, '3.1.19'));
    expect(several.status).toBe(2);
    expect(several.stderr).toMatch(/^adcp-codegen: check: --upstream compares one pinned cache; pick one target with --only \(known: 3\.0\.26 /);
    const one = cli(project, 'check', '--only', '3.1.19', '--upstream', join(sharedSchemasRoot, '3.1.19'), '--json');
    expect(one.stderr).toBe('');
    expect(one.status).toBe(0);
    const report = JSON.parse(one.stdout) as { ok: boolean; targets: { label: string; upstream: { differs: boolean } }[] };
    expect(report.targets).toEqual([expect.objectContaining({ label: '3.1.19', upstream: expect.objectContaining({ differs: false }) })]);
  });
});

describe('"versions": generate writes nothing unless every target is writable', () => {
  it('a foreign file in the second target refuses the run before the first target is created', () => {
    const config = { versions: [{ schemas: CACHES[0], out: 'atomic/a' }, { schemas: CACHES[1], out: 'atomic/b' }] };
    writeConfig(project, 'atomic.json', config);
    mkdirSync(join(project, 'atomic/b'), { recursive: true });
    writeFileSync(join(project, 'atomic/b/index.ts'), 'export const mine = 1;\n');
    const run = cli(project, 'generate', '--config', 'atomic.json');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/atomic\/b\/index\.ts: exists and was not written by adcp-codegen/);
    expect(existsSync(join(project, 'atomic/a'))).toBe(false);
    expect(readFileSync(join(project, 'atomic/b/index.ts'), 'utf8')).toBe('export const mine = 1;\n');
  });

  it('an entry without "version" is labelled by its cache lock, else by its out folder', () => {
    writeConfig(project, 'labels.json', { versions: [{ schemas: CACHES[0], out: OUTS[0] }, { schemas: 'schemas/none/cache', out: 'src/none' }] });
    const run = cli(project, 'check', '--config', 'labels.json', '--only', 'nope');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/\(known: 3\.0\.26 \(src\/adcp\/v3_0\), src\/none \(src\/none\)\)\n$/);
    const missing = cli(project, 'generate', '--config', 'labels.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/schemas\/none\/cache: schema cache not found/);
    expect(existsSync(join(project, 'src/none'))).toBe(false);
  });
});

describe('"versions": config validation', () => {
  const entry = (schemas: string, out: string, extra: object = {}) => ({ schemas, out, ...extra });
  it.each([
    ['versions with top-level out', { out: 'src', versions: [entry('a', 'b')] }, /"versions" and top-level "out" exclude each other/],
    ['versions with top-level version', { version: '3.1.19', versions: [entry('a', 'b')] }, /"versions" and top-level "version" exclude each other/],
    ['an empty array', { versions: [] }, /versions: must hold at least one entry/],
    ['not an array', { versions: { a: 1 } }, /versions: must be an array/],
    ['an entry that is not an object', { versions: ['3.1.19'] }, /versions\[0\]: must be an object/],
    ['a missing out', { versions: [entry('a', 'b'), { schemas: 'c' }] }, /versions\[1\]\.out: must be a non-empty string/],
    ['an empty schemas', { versions: [entry('', 'b')] }, /versions\[0\]\.schemas: must be a non-empty string/],
    ['a non-string lock', { versions: [entry('a', 'b', { lock: 3 })] }, /versions\[0\]\.lock: must be a non-empty string/],
    ['a bad version', { versions: [entry('a', 'b', { version: 'v3' })] }, /versions\[0\]\.version: "v3" is not an AdCP release version/],
    ['an unknown key', { versions: [entry('a', 'b', { output: 'x' })] }, /versions\[0\]: unknown key "output" \(known: schemas, lock, out, version\)/],
    ['the same out twice', { versions: [entry('s/a/cache', 'o'), entry('s/b/cache', './o')] }, /versions\[1\] and versions\[0\]: same "out"/],
    ['the same schemas twice', { versions: [entry('s/a', 'o1'), entry('s/a/', 'o2')] }, /versions\[1\] and versions\[0\]: same "schemas"/],
    ['the same default lock', { versions: [entry('s/a', 'o1'), entry('s/b', 'o2')] }, /versions\[1\] and versions\[0\]: same lock file .*; set "lock" in one of them/],
    ['an out inside another', { versions: [entry('s/a/cache', 'src/adcp'), entry('s/b/cache', 'src/adcp/v3_1')] }, /versions\[1\]\.out: lies inside versions\[0\]\.out/],
  ])('refuses %s with one line and exit 2', (_name, config, message) => {
    const run = cli(tempProject(config), 'generate');
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it.each(['check', 'sync', 'diff'])('%s refuses a bad "versions" the same way', (command) => {
    const run = cli(tempProject({ versions: [entry('a', 'b'), { schemas: 'c' }] }), command, ...(command === 'diff' ? ['--to', '3.1.19'] : []));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/adcp-codegen\.config\.json: versions\[1\]\.out: must be a non-empty string\n$/);
  });

  it('two caches in one folder are fine with their own "lock"', () => {
    const dir = tempProject({ versions: [entry('s/a', 'o1'), entry('s/b', 'o2', { lock: 's/b.lock.json' })] });
    const run = cli(dir, 'generate');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/s\/a: schema cache not found/);
  });
});

describe('"versions": sync and diff per target', () => {
  it('sync flags naming one release need --only to pick exactly one target', () => {
    for (const flag of [['--from', join(sharedSchemasRoot, '3.0.26')], ['--version', '3.0.26'], ['--schemas', 'x']]) {
      const run = cli(project, 'sync', ...flag);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^adcp-codegen: sync: ${flag[0]} cannot be combined with "versions" .*--only`));
    }
  });

  it('sync --only with an entry-level lock and no entry version takes --version', () => {
    const dir = tempProject({ versions: [{ schemas: 'vendor/3.0', out: 'gen/3.0', lock: 'vendor/3.0.lock.json' }, { schemas: 'vendor/3.1', out: 'gen/3.1', version: '3.1.19' }] });
    const none = cli(dir, 'sync', '--only', 'gen/3.0', '--from', join(sharedSchemasRoot, '3.0.26'));
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/sync: no release named: no selected entry of "versions" sets "version"/);
    const run = cli(dir, 'sync', '--only', 'gen/3.0', '--version', '3.0.26', '--from', join(sharedSchemasRoot, '3.0.26'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('[gen/3.0] sync: AdCP 3.0.26 from dir:');
    expect(JSON.parse(readFileSync(join(dir, 'vendor/3.0.lock.json'), 'utf8')).adcpVersion).toBe('3.0.26');
    expect(existsSync(join(dir, 'vendor/3.1'))).toBe(false);
  });

  it('diff without --from needs --only when there are several targets', () => {
    const run = cli(project, 'diff', '--to', '3.1.19');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe(
      'adcp-codegen: diff: the project config has several "versions"; pass --from <source> or --only <target> to pick the default --from ' +
        '(targets: 3.0.26 (src/adcp/v3_0), 3.1.19 (src/adcp/v3_1), 3.2.0-beta.5 (src/adcp/v3_2))\n',
    );
  });

  it('diff --only <label> diffs from that target\'s cache', () => {
    const run = cli(project, 'diff', '--only', '3.0.26', '--to', join(sharedSchemasRoot, '3.0.26'), '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { verdict: string; from: { source: string; adcpVersion: string } };
    expect(report.from).toEqual({ source: CACHES[0], adcpVersion: '3.0.26' });
    expect(report.verdict).toBe('no changes');
  });

  it('diff between two pinned releases runs offline from their caches', () => {
    const run = cli(project, 'diff', '--from', '3.0.26', '--to', '3.2.0-beta.5', '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { verdict: string; from: { adcpVersion: string }; to: { adcpVersion: string } };
    expect([report.from.adcpVersion, report.to.adcpVersion]).toEqual(['3.0.26', '3.2.0-beta.5']);
    expect(report.verdict).toMatch(/^breaking/);
  });
});

describe('"versions": sync without --only', () => {
  let server: ReleaseServer;
  beforeAll(async () => {
    const routes = ['3.0.26', '3.1.19'].flatMap((version) => releaseRoutes('/protocol', version, releaseTarball(version)));
    server = await startReleaseServer(new Map(routes));
  });
  afterAll(async () => {
    await server.close();
    removeTempDirs();
  });

  it('fetches every entry that names a "version" into its own cache and lock, and says which it skipped', async () => {
    const dir = tempProject({
      versions: [
        { schemas: 'schemas/3.0/cache', out: 'gen/3.0', version: '3.0.26' },
        { schemas: 'schemas/local/cache', out: 'gen/local' },
        { schemas: 'schemas/3.1/cache', out: 'gen/3.1', version: '3.1.19' },
      ],
    });
    const run = await runCliProcessAsync(['sync', '--base-url', `${server.baseUrl}/`], { cwd: dir });
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('[gen/local] sync: skipped: its entry of "versions" sets no "version"');
    expect(run.stdout).toContain(`[3.0.26] sync: AdCP 3.0.26 from ${server.baseUrl}/protocol/3.0.26.tgz:`);
    expect(run.stdout).toContain(`[3.1.19] sync: AdCP 3.1.19 from ${server.baseUrl}/protocol/3.1.19.tgz:`);
    expect(run.stderr.split('\n').filter((line) => line !== '').every((line) => /^\[3\.(0\.26|1\.19)\] sync: warning: /.test(line))).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'schemas/3.0/adcp-schemas.lock.json'), 'utf8')).adcpVersion).toBe('3.0.26');
    expect(JSON.parse(readFileSync(join(dir, 'schemas/3.1/adcp-schemas.lock.json'), 'utf8')).adcpVersion).toBe('3.1.19');
    expect(existsSync(join(dir, 'schemas/local'))).toBe(false);
  });
});
