import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliOnTty, runCliProcess, runCliProcessAsync, ttyAvailable } from '../helpers/cli.js';
import {
  writeAsGenerated,
  latestPointerRoute,
  lockFileName,
  makeProject,
  makeTempDir,
  readJson,
  releaseRoutes,
  releaseTarball,
  removeTempDirs,
  rewriteCachedFile,
  snapshotTree,
} from '../cache/fixtures.js';
import { startReleaseServer, type ReleaseServer, type Route } from '../cache/release-server.js';
import { sharedSchemasRoot } from '../helpers/shared.js';
import { foreignFiles } from '../helpers/foreign-files.js';

interface JsonReport {
  ok: boolean;
  adcpVersion: string;
  cache: Array<{ path: string; kind: string; detail: string }>;
  generated: Array<{ path: string; kind: string; diff: string }>;
}

const payload = 'core/mcp-webhook-payload.json';
const taskType = 'enums/task-type.json';

function check(project: string, ...args: string[]) {
  return runCliProcess(['check', ...args], { cwd: project });
}

/**
 * Adds `member` to the cached task-type enum (mid-array, as AdCP releases do) with the manifest tool
 * entry a release ships alongside it, and updates the lock for both.
 */
function addTaskType(project: string, member: string): void {
  const schema = readJson<{ enum: string[]; enumDescriptions: Record<string, string> }>(join(project, 'schemas', 'cache', taskType));
  schema.enum.splice(2, 0, member);
  schema.enumDescriptions[member] = 'Media-buy domain: Pause delivery of a media buy';
  rewriteCachedFile(project, taskType, `${JSON.stringify(schema, null, 2)}\n`);
  const manifest = readJson<{ tools: Record<string, unknown> }>(join(project, 'schemas', 'cache', 'manifest.json'));
  manifest.tools[member] = {
    protocol: 'media-buy',
    mutating: true,
    request_schema: 'media-buy/update-media-buy-request.json',
    response_schema: 'media-buy/update-media-buy-response.json',
    async_response_schemas: [],
    specialisms: [],
  };
  rewriteCachedFile(project, 'manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
}

afterAll(removeTempDirs);

describe('adcp-codegen check', () => {
  it('exits 0 on the repository: cache matches the lock, generated code matches the schemas', () => {
    const run = runCliProcess(['check']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^check: in sync — AdCP 3\.1\.19/);
    expect(run.status).toBe(0);
  });

  it('prints a machine-readable report with --json', () => {
    const run = check(makeProject({ generated: true }), '--json');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report).toMatchObject({ ok: true, adcpVersion: '3.1.19', cache: [], generated: [] });
  });

  it('exits 1 naming every cached file changed (one byte), added or removed since the lock', () => {
    const project = makeProject({ generated: true });
    const file = join(project, 'schemas', 'cache', payload);
    const original = readFileSync(file, 'utf8');
    const at = original.indexOf('"description": "') + '"description": "'.length;
    const flipped = original[at] === 'X' ? 'Y' : 'X';
    writeFileSync(file, `${original.slice(0, at)}${flipped}${original.slice(at + 1)}`);
    writeFileSync(join(project, 'schemas', 'cache', 'core', 'extra.json'), '{}');
    rmSync(join(project, 'schemas', 'cache', 'enums', 'task-status.json'));
    const run = check(project);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`changed +schemas/cache/${payload}: sha256 [0-9a-f]{64}, lock says [0-9a-f]{64}`));
    expect(run.stdout).toMatch(/added +schemas\/cache\/core\/extra\.json: file is not in the lock/);
    expect(run.stdout).toMatch(/removed +schemas\/cache\/enums\/task-status\.json: file in the lock is missing/);
    expect(run.stdout).toMatch(/^check: 3 cache mismatches/m);
  });

  it('reports a garbled cached schema as drift from the lock (exit 1), with the generator error beside it', () => {
    const project = makeProject({ generated: true });
    writeFileSync(join(project, 'schemas', 'cache', taskType), '{"enum": [');
    const run = check(project, '--json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport & { generationError: string };
    expect(report.cache.map((m) => `${m.kind} ${m.path}`)).toEqual([`changed ${taskType}`]);
    expect(report.generationError).toMatch(/task-type\.json/);
  });

  it('exits 1 naming stale (with a unified diff), missing and no-longer-generated files; user files are ignored', () => {
    const project = makeProject({ generated: true });
    const out = join(project, 'src', 'generated');
    writeFileSync(join(out, 'index.ts'), `${readFileSync(join(out, 'index.ts'), 'utf8')}export const handEdit = 1;\n`);
    rmSync(join(out, 'task-statuses.ts'));
    writeAsGenerated(out, 'retired.ts', '// generated — do not edit\nexport {};\n');
    writeFileSync(join(out, 'user-notes.ts'), 'export const mine = 1;\n');
    writeFileSync(join(out, 'other-tool.ts'), '// Code generated by protoc-gen-ts_proto. DO NOT EDIT.\nexport {};\n');
    const run = check(project);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/stale +src\/generated\/index\.ts/);
    expect(run.stdout).toContain('--- a/src/generated/index.ts\ton disk');
    expect(run.stdout).toContain('+++ b/src/generated/index.ts\tgenerated');
    expect(run.stdout).toContain('-export const handEdit = 1;');
    expect(run.stdout).toMatch(/missing +src\/generated\/task-statuses\.ts/);
    expect(run.stdout).toMatch(/extra +src\/generated\/retired\.ts/);
    expect(run.stdout).toMatch(/stale +src\/generated\/\.adcp-codegen-manifest\.json/);
    expect(run.stdout).not.toContain('user-notes.ts');
    expect(run.stdout).not.toContain('other-tool.ts');
    expect(run.stdout).toMatch(/0 cache mismatches, 4 generated files out of date/);
  });

  it('exits 0 beside other generators\' files and hand-written notes: only files in its manifest are its own', () => {
    const project = makeProject({ generated: true });
    const out = join(project, 'src', 'generated');
    for (const [path, contents] of Object.entries(foreignFiles)) writeFileSync(join(out, path), contents);
    const run = check(project);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^check: in sync/);
    expect(run.status).toBe(0);
  });

  it('exits 1 and names a new task-type member added to the cache (lock updated too)', () => {
    const project = makeProject({ generated: true });
    addTaskType(project, 'pause_media_buy');
    const run = check(project);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/0 cache mismatches, \d+ generated files? out of date/);
    expect(run.stdout).toMatch(/stale +src\/generated\/task-types\.ts/);
    expect(run.stdout).toMatch(/^\+ +'pause_media_buy',$/m);
  });

  it.each([
    ['a missing cache', ['--schemas', 'nowhere/cache'], /nowhere\/cache: schema cache not found/],
    ['a missing lock', ['--lock', 'schemas/none.lock.json'], /schemas\/none\.lock\.json: lock file not found/],
  ])('exits 2 on %s with one line naming it', (_name, args, message) => {
    const project = makeProject({ generated: true });
    const run = check(project, ...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with a JSON error when --json is given and the lock is garbled', () => {
    const project = makeProject({ generated: true });
    writeFileSync(join(project, 'schemas', lockFileName), '{"lockfileVersion":');
    const before = snapshotTree(project);
    const run = check(project, '--json');
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ ok: false, error: expect.stringMatching(/lock file is not valid JSON/) });
    expect(snapshotTree(project)).toEqual(before);
  });
});

interface UpstreamJson {
  ok: boolean;
  cache: unknown[];
  generated: unknown[];
  upstream: { summary: string; differs: boolean; pinnedVersion: string; upstreamVersion: string; diff: { verdict: string; taskTypes: { added: string[] } } };
}

/** Hand-edits one generated file, so the pinned side drifts. */
function editGenerated(project: string): void {
  const index = join(project, 'src', 'generated', 'index.ts');
  writeFileSync(index, `${readFileSync(index, 'utf8')}export const handEdit = 1;\n`);
}

describe('adcp-codegen check --upstream', () => {
  const upstream = (version: string) => join(sharedSchemasRoot, version);

  it('exits 0 when in sync and upstream is the pinned release, the verdict line first', () => {
    const run = check(makeProject({ generated: true }), '--upstream', upstream('3.1.19'));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('upstream 3.1.19 vs pinned 3.1.19: no changes');
    expect(lines[1]).toMatch(/^check: in sync — AdCP 3\.1\.19/);
    expect(run.stdout).toContain('Verdict: no changes');
  });

  it('exits 1 when upstream changes the webhook surface, naming the verdict and counts in one line, then the report', () => {
    const run = check(makeProject({ generated: true }), '--upstream', upstream('3.2.0-beta.5'));
    expect(run.status).toBe(1);
    const [first, second] = run.stdout.split('\n');
    expect(first).toMatch(/^upstream 3\.2\.0-beta\.5 vs pinned 3\.1\.19: breaking for senders and receivers — 9 task types added, .*result schemas changed$/);
    expect(second).toMatch(/^check: in sync/);
    expect(run.stdout).toContain('  + sync_agent_notification_configs');
  });

  it('puts the comparison under "upstream" with --json; ok follows the exit code', () => {
    const run = check(makeProject({ generated: true }), '--upstream', upstream('3.0.26'), '--json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as UpstreamJson;
    expect(report).toMatchObject({ ok: false, cache: [], generated: [] });
    expect(report.upstream).toMatchObject({ differs: true, pinnedVersion: '3.1.19', upstreamVersion: '3.0.26' });
    expect(report.upstream.summary).toMatch(/^upstream 3\.0\.26 vs pinned 3\.1\.19: breaking for senders and receivers — 4 task types removed/);
    expect(report.upstream.diff.verdict).toBe('breaking for senders and receivers');
  });

  it('exits 1 for another release even when nothing changes for the webhook surface', () => {
    const dir = join(makeTempDir(), '3.1.20');
    cpSync(upstream('3.1.19'), dir, { recursive: true });
    for (const file of ['index.json', 'manifest.json']) {
      writeFileSync(join(dir, file), readFileSync(join(dir, file), 'utf8').replaceAll('"3.1.19"', '"3.1.20"'));
    }
    const run = check(makeProject({ generated: true }), '--upstream', dir, '--json');
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as UpstreamJson;
    expect(report.upstream.diff.verdict).toBe('no changes');
    expect(report.upstream).toMatchObject({ differs: true, summary: 'upstream 3.1.20 vs pinned 3.1.19: no changes to the webhook surface, but another release' });
  });

  it('exits 1 on pinned drift even when upstream has no changes', () => {
    const project = makeProject({ generated: true });
    editGenerated(project);
    const run = check(project, '--upstream', upstream('3.1.19'));
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe('upstream 3.1.19 vs pinned 3.1.19: no changes');
    expect(run.stdout).toMatch(/stale +src\/generated\/index\.ts/);
  });

  it('exits 1 with the cache drift when the drifted cache cannot even be compared', () => {
    const project = makeProject({ generated: true });
    writeFileSync(join(project, 'schemas', 'cache', taskType), '{"enum": [');
    const run = check(project, '--upstream', upstream('3.1.19'));
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(`upstream: not compared: schemas/cache: ${taskType} is not valid JSON`);
    expect(run.stdout).toMatch(new RegExp(`changed +schemas/cache/${taskType}: sha256`));
    const json = JSON.parse(check(project, '--upstream', upstream('3.1.19'), '--json').stdout) as { ok: boolean; upstream: unknown };
    expect(json).toMatchObject({ ok: false, upstream: { error: `schemas/cache: ${taskType} is not valid JSON` } });
  });

  it.each([
    ['a missing directory', ['--upstream', '/nonexistent/upstream'], /^adcp-codegen: check --upstream: \/nonexistent\/upstream: schema source not found/],
    ['a directory that is not a schema tree', ['--upstream', '.'], /^adcp-codegen: check --upstream: \.: not an AdCP schema snapshot/],
    ['a bad release site', ['--upstream', 'latest', '--base-url', 'ftp://x'], /^adcp-codegen: --base-url: not an http\(s\) URL$/],
  ])('exits 2 on %s, with one line (and a JSON error with --json)', (_name, args, message) => {
    const project = makeProject({ generated: true });
    const run = check(project, ...args);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(message);
    const json = check(project, ...args, '--json');
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toEqual({ ok: false, error: expect.any(String) });
  });

  describe('from a release site on loopback', () => {
    let server: ReleaseServer;

    beforeAll(async () => {
      server = await startReleaseServer(
        new Map<string, Route>([
          latestPointerRoute('3.1.19'),
          ...releaseRoutes('/protocol', '3.1.19', releaseTarball('3.1.19')),
          ...releaseRoutes('/protocol', '3.2.0-beta.5', releaseTarball('3.2.0-beta.5')),
        ]),
      );
    });
    afterAll(() => server.close());

    it('compares with "latest" (latest_stable) and with a bare version, on the site from ADCP_RELEASE_BASE_URL', async () => {
      const project = makeProject({ generated: true });
      const env = { ADCP_RELEASE_BASE_URL: server.baseUrl, CI: 'true' };
      const [latest, beta] = await Promise.all([
        runCliProcessAsync(['check', '--upstream', 'latest'], { cwd: project, env }),
        runCliProcessAsync(['check', '--upstream', '3.2.0-beta.5', '--json'], { cwd: project, env }),
      ]);
      expect(latest.stderr).toBe('');
      expect(latest.status).toBe(0);
      expect(latest.stdout.split('\n')[0]).toBe('upstream 3.1.19 vs pinned 3.1.19: no changes');
      expect(latest.stdout).toContain(`to   ${server.baseUrl}/protocol/3.1.19.tgz`);
      expect(beta.status).toBe(1);
      const report = JSON.parse(beta.stdout) as UpstreamJson;
      expect(report.upstream.diff.taskTypes.added).toHaveLength(9);
      expect(server.requests).toContain('/protocol/3.2.0-beta.5.tgz.sha256');
    });

    it('compares with a tarball URL and exits 2 when it is not published', async () => {
      const project = makeProject({ generated: true });
      const found = await runCliProcessAsync(['check', '--upstream', `${server.baseUrl}/protocol/3.2.0-beta.5.tgz`], { cwd: project });
      expect(found.stderr).toBe('');
      expect(found.status).toBe(1);
      expect(found.stdout.split('\n')[0]).toMatch(/^upstream 3\.2\.0-beta\.5 vs pinned 3\.1\.19: breaking for senders and receivers/);
      const missing = await runCliProcessAsync(['check', '--upstream', `${server.baseUrl}/protocol/9.9.9.tgz?token=hunter5`], { cwd: project });
      expect(missing.status).toBe(2);
      expect(missing.stderr.trim()).toBe(`adcp-codegen: check --upstream: ${server.baseUrl}/protocol/9.9.9.tgz: not found (HTTP 404): no such release`);
    });
  });
});

describe.skipIf(!ttyAvailable)('adcp-codegen check on a terminal', () => {
  it('colours the diff of a drifted file, never with NO_COLOR', async () => {
    const project = makeProject({ generated: true });
    editGenerated(project);
    const coloured = await runCliOnTty(['check'], { cwd: project });
    expect(coloured.status).toBe(1);
    expect(coloured.stdout).toContain('\u001b[31m-export const handEdit = 1;');
    const plain = await runCliOnTty(['check'], { cwd: project, env: { NO_COLOR: '1' } });
    expect(plain.stdout).toContain('-export const handEdit = 1;');
    expect(plain.stdout).not.toContain('\u001b[');
  });
});

describe('adcp-codegen check fast path (inputs and outputs recorded in the manifest)', () => {
  interface FastReport extends JsonReport {
    verifiedBy: string;
  }
  const checkJson = (project: string) => {
    const run = check(project, '--json');
    return { status: run.status, report: JSON.parse(run.stdout) as FastReport };
  };

  it('passes without regenerating when cache, generator and generated files are unchanged', () => {
    const { status, report } = checkJson(makeProject({ generated: true }));
    expect(status).toBe(0);
    expect(report.verifiedBy).toBe('recorded-hashes');
  });

  it('fails when one byte of a generated file changed, and regenerates to report it', () => {
    const project = makeProject({ generated: true });
    const file = join(project, 'src', 'generated', 'task-types.ts');
    const original = readFileSync(file, 'utf8');
    const at = original.lastIndexOf("'");
    writeFileSync(file, `${original.slice(0, at - 1)}${original[at - 1] === 'x' ? 'y' : 'x'}${original.slice(at)}`);
    const { status, report } = checkJson(project);
    expect(status).toBe(1);
    expect(report.verifiedBy).toBe('generation');
    expect(report.generated.map((d) => `${d.kind} ${d.path}`)).toContain('stale task-types.ts');
  });

  it('fails when one byte of a cached schema changed', () => {
    const project = makeProject({ generated: true });
    const file = join(project, 'schemas', 'cache', payload);
    const original = readFileSync(file, 'utf8');
    const at = original.indexOf('"description": "') + '"description": "'.length;
    writeFileSync(file, `${original.slice(0, at)}${original[at] === 'X' ? 'Y' : 'X'}${original.slice(at + 1)}`);
    const { status, report } = checkJson(project);
    expect(status).toBe(1);
    expect(report.verifiedBy).toBe('generation');
    expect(report.cache.map((m) => `${m.kind} ${m.path}`)).toEqual([`changed ${payload}`]);
  });

  it('does not trust a manifest whose file list was edited after generate sealed it', () => {
    const project = makeProject({ generated: true });
    writeAsGenerated(join(project, 'src', 'generated'), 'retired.ts', '// generated — do not edit\nexport {};\n');
    const { status, report } = checkJson(project);
    expect(status).toBe(1);
    expect(report.verifiedBy).toBe('generation');
  });
});
