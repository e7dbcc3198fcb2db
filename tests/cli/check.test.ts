import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.js';
import { lockFileName, makeProject, readJson, removeTempDirs, rewriteCachedFile, snapshotTree } from '../cache/fixtures.js';

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
    writeFileSync(join(out, 'retired.ts'), '// generated — do not edit\nexport {};\n');
    writeFileSync(join(out, 'user-notes.ts'), 'export const mine = 1;\n');
    const run = check(project);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/stale +src\/generated\/index\.ts/);
    expect(run.stdout).toContain('--- a/src/generated/index.ts\ton disk');
    expect(run.stdout).toContain('+++ b/src/generated/index.ts\tgenerated');
    expect(run.stdout).toContain('-export const handEdit = 1;');
    expect(run.stdout).toMatch(/missing +src\/generated\/task-statuses\.ts/);
    expect(run.stdout).toMatch(/extra +src\/generated\/retired\.ts/);
    expect(run.stdout).not.toContain('user-notes.ts');
    expect(run.stdout).toMatch(/0 cache mismatches, 3 generated files out of date/);
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
