// The project config file, as a user project meets it: real CLI child processes in temp projects
// with no flags where the config says enough, flags overriding the config, one clear line for a
// check with nothing generated, diff exit codes by verdict, and shipped releases read offline.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.js';
import { sharedSchemasRoot } from '../helpers/shared.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function project(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-config-'));
  temps.push(dir);
  if (config !== undefined) writeFileSync(join(dir, 'adcp-codegen.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

// A release site nothing listens on: any download attempt fails instead of reaching the network.
const OFFLINE = { ...process.env, NO_COLOR: '1', ADCP_RELEASE_BASE_URL: 'http://127.0.0.1:9/' };
const cli = (cwd: string, ...args: string[]) => runCliProcess(args, { cwd, env: OFFLINE });

describe('adcp-codegen.config.json', () => {
  it('generate and check need no flags: "out" comes from the config', () => {
    const dir = project({ out: 'src/adcp' });
    const generated = cli(dir, 'generate');
    expect(generated.stderr).toBe('');
    expect(generated.status).toBe(0);
    expect(existsSync(join(dir, 'src/adcp/index.ts'))).toBe(true);
    expect(existsSync(join(dir, 'src/generated'))).toBe(false);
    const checked = cli(dir, 'check');
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
    expect(checked.stdout).toMatch(/^check: in sync .* generated files in src\/adcp up to date\n$/);
  });

  it('a flag overrides the config', () => {
    const dir = project({ out: 'src/adcp' });
    expect(cli(dir, 'generate', '--out', 'lib/types').status).toBe(0);
    expect(existsSync(join(dir, 'lib/types/index.ts'))).toBe(true);
    expect(existsSync(join(dir, 'src/adcp'))).toBe(false);
    expect(cli(dir, 'check', '--out', 'lib/types').status).toBe(0);
  });

  it('reads "schemas" (relative to the config file) and reports drift against it', () => {
    const dir = project({ schemas: 'vendor/adcp/cache', out: 'gen' });
    cpSync(join(import.meta.dirname, '../../schemas/cache'), join(dir, 'vendor/adcp/cache'), { recursive: true });
    cpSync(join(import.meta.dirname, '../../schemas/adcp-schemas.lock.json'), join(dir, 'vendor/adcp/adcp-schemas.lock.json'));
    expect(cli(dir, 'generate').stdout).toContain('from vendor/adcp/cache → gen');
    const taskType = join(dir, 'vendor/adcp/cache/enums/task-type.json');
    writeFileSync(taskType, readFileSync(taskType, 'utf8').replace('"create_media_buy"', '"create_media_buy_x"'));
    const run = cli(dir, 'check');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('enums/task-type.json');
  });

  it('check without config and without the default out dir prints one line naming the right command', () => {
    const dir = project();
    const run = cli(dir, 'check');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'adcp-codegen: check: src/generated: no generated code there; run `adcp-codegen generate --out <dir>` first, then pass the same --out to check or record it as "out" in adcp-codegen.config.json',
    ]);
  });

  it('a config that names the out dir gets the exact command', () => {
    const run = cli(project({ out: 'src/adcp' }), 'check');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('adcp-codegen: check: src/adcp: no generated code there; run `adcp-codegen generate --out src/adcp` first\n');
  });

  it.each([
    ['not JSON', '{ out: src }', /adcp-codegen\.config\.json: not valid JSON/],
    ['an unknown key', { output: 'src' }, /unknown key "output" \(known: schemas, lock, out, version, versions\)/],
    ['a non-string path', { out: 3 }, /"out" must be a non-empty string/],
    ['a bad version', { version: 'v3' }, /"version" "v3" is not an AdCP release version/],
  ])('refuses %s with one line and exit 2', (_name, config, message) => {
    const run = cli(project(config), 'generate');
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('--config names another file; a missing one is an error', () => {
    const dir = project();
    writeFileSync(join(dir, 'ci.json'), JSON.stringify({ out: 'ci-out' }));
    expect(cli(dir, 'generate', '--config', 'ci.json').status).toBe(0);
    expect(existsSync(join(dir, 'ci-out/index.ts'))).toBe(true);
    const missing = cli(dir, 'generate', '--config', 'nope.json');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json: cannot read the config file \(ENOENT\)/);
  });

  it('sync takes "version" and "schemas" from the config', () => {
    const dir = project({ version: '3.0.26', schemas: 'schemas/cache' });
    const run = cli(dir, 'sync', '--from', join(sharedSchemasRoot, '3.0.26'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'schemas/adcp-schemas.lock.json'), 'utf8')).adcpVersion).toBe('3.0.26');
    const none = cli(project(), 'sync', '--from', join(sharedSchemasRoot, '3.0.26'));
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/pass --version <version>/);
  });
});

describe('adcp-codegen diff --fail-on and shipped releases', () => {
  const beta = join(sharedSchemasRoot, '3.2.0-beta.5');
  const older = join(sharedSchemasRoot, '3.0.26');

  it('reads a release shipped in the package offline (the release site is unreachable here)', () => {
    const run = cli(project(), 'diff', '--from', '3.1.19', '--to', join(sharedSchemasRoot, '3.1.19'), '--json');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { verdict: string; from: { source: string; adcpVersion: string } };
    expect(report.from).toEqual({ source: '3.1.19', adcpVersion: '3.1.19' });
    expect(report.verdict).toBe('no changes');
  });

  it('a version not shipped still goes to the release site', () => {
    const run = cli(project(), 'diff', '--from', '3.0.26', '--to', '3.1.19');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/127\.0\.0\.1:9/);
  });

  it('--from defaults to the project\'s pinned cache', () => {
    const run = cli(project(), 'diff', '--to', beta, '--json');
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { from: { adcpVersion: string } }).from.adcpVersion).toBe('3.1.19');
  });

  it('--fail-on breaking exits 1 on a breaking verdict and 0 on no changes', () => {
    const dir = project();
    const breaking = cli(dir, 'diff', '--from', '3.1.19', '--to', beta, '--fail-on', 'breaking');
    expect(breaking.stdout).toMatch(/Verdict: breaking/);
    expect(breaking.status).toBe(1);
    expect(cli(dir, 'diff', '--from', '3.1.19', '--to', beta).status).toBe(0);
    expect(cli(dir, 'diff', '--from', '3.1.19', '--to', '3.1.19', '--fail-on', 'breaking').status).toBe(0);
    expect(cli(dir, 'diff', '--from', '3.1.19', '--to', '3.1.19', '--fail-on', 'additive').status).toBe(0);
  });

  it('--fail-on additive exits 1 on any change; breaking does not on an additive-only verdict', () => {
    const dir = project();
    const json = cli(dir, 'diff', '--from', older, '--to', '3.1.19', '--json');
    const verdict = (JSON.parse(json.stdout) as { verdict: string }).verdict;
    expect(verdict).not.toBe('no changes');
    expect(cli(dir, 'diff', '--from', older, '--to', '3.1.19', '--fail-on', 'additive').status).toBe(1);
    expect(cli(dir, 'diff', '--from', older, '--to', '3.1.19', '--fail-on', 'breaking').status).toBe(verdict.startsWith('breaking') ? 1 : 0);
  });

  it('refuses an unknown --fail-on level', () => {
    const run = cli(project(), 'diff', '--from', '3.1.19', '--to', '3.1.19', '--fail-on', 'major');
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('adcp-codegen: diff: --fail-on "major": expected breaking or additive\n');
  });
});
