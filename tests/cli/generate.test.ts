import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCliProcess } from '../helpers/cli.js';
import { makeProject, makeTempDir, readJson, removeTempDirs, rewriteCachedFile, snapshotTree } from '../cache/fixtures.js';

const generatedDir = join(repoRoot, 'src', 'generated');
const banner = '// generated — do not edit\n';

function generate(project: string, ...args: string[]) {
  return runCliProcess(['generate', ...args], { cwd: project });
}

function fileSnapshot(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotTree(dir)).filter(([path]) => !path.endsWith('/')));
}

afterAll(removeTempDirs);

describe('adcp-codegen generate', () => {
  it('leaves the committed src/generated untouched when run on the repository', () => {
    const run = runCliProcess(['generate']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/0 created, 0 updated, 0 removed/);
    const status = spawnSync('git', ['status', '--porcelain', 'src/generated'], { cwd: repoRoot, encoding: 'utf8' });
    expect(status.stdout).toBe('');
  });

  it('uses the cache shipped in the package when the project has none', () => {
    const empty = makeTempDir();
    const run = generate(empty, '--out', 'src/adcp');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`from ${join(repoRoot, 'schemas', 'cache')}`);
    expect(fileSnapshot(join(empty, 'src', 'adcp'))).toEqual(fileSnapshot(generatedDir));
  });

  it('writes only changed files, removes stale generated files, keeps user files', () => {
    const project = makeProject({ generated: true });
    const out = join(project, 'src', 'generated');
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(out, 'index.ts'), past, past);
    const edited = Object.keys(fileSnapshot(out)).find((path) => path !== 'index.ts') as string;
    writeFileSync(join(out, edited), `${readFileSync(join(out, edited), 'utf8')}// hand edit\n`);
    writeFileSync(join(out, 'retired.ts'), `${banner}export {};\n`);
    writeFileSync(join(out, 'user-notes.ts'), 'export const mine = 1;\n');

    const run = generate(project);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`updated  src/generated/${edited}`);
    expect(run.stdout).toContain('removed  src/generated/retired.ts');
    expect(run.stdout).toMatch(/0 created, 1 updated, 1 removed/);
    expect(statSync(join(out, 'index.ts')).mtime.getTime()).toBe(past.getTime());
    expect(readFileSync(join(out, 'user-notes.ts'), 'utf8')).toBe('export const mine = 1;\n');
    const { ['user-notes.ts']: userFile, ...rest } = fileSnapshot(out);
    expect(userFile).toBeDefined();
    expect(rest).toEqual(fileSnapshot(generatedDir));
  });

  describe('bad input: exit 2, one line naming the file and the cause, nothing written', () => {
    const payload = 'core/mcp-webhook-payload.json';

    function expectRejected(project: string, message: RegExp, args: string[] = []): void {
      const before = snapshotTree(project);
      const run = generate(project, ...args);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toBe('');
      expect(snapshotTree(project)).toEqual(before);
    }

    it('a missing schema cache', () => {
      expectRejected(makeProject({ generated: true }), /nowhere: schema cache not found/, ['--schemas', 'nowhere']);
    });

    it('a garbled schema file', () => {
      const project = makeProject({ generated: true });
      rewriteCachedFile(project, payload, '{"type": "object",');
      expectRejected(project, new RegExp(`${payload.replace(/[./]/g, '\\$&')}.*(JSON|json)`));
    });

    it('a missing schema file', () => {
      const project = makeProject({ generated: true });
      rmSync(join(project, 'schemas', 'cache', 'enums', 'task-type.json'));
      expectRejected(project, /task-type\.json/);
    });

    it('an unresolved $ref', () => {
      const project = makeProject({ generated: true });
      const original = readFileSync(join(project, 'schemas', 'cache', payload), 'utf8');
      rewriteCachedFile(project, payload, original.replace('/schemas/3.1.19/enums/task-type.json', '/schemas/3.1.19/enums/no-such-enum.json'));
      expectRejected(project, /no-such-enum\.json/);
    });

    it('an unknown schema keyword', () => {
      const project = makeProject({ generated: true });
      const schema = readJson(join(project, 'schemas', 'cache', payload));
      rewriteCachedFile(project, payload, JSON.stringify({ ...schema, frobnicate: true }, null, 2));
      expectRejected(project, /mcp-webhook-payload\.json.*unknown schema keyword "frobnicate"/);
    });
  });
});
