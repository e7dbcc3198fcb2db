import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCliProcess } from '../helpers/cli.js';
import {
  makeProject,
  makeTempDir,
  manifestName,
  readJson,
  removeTempDirs,
  rewriteCachedFile,
  sha256,
  snapshotTree,
  writeAsGenerated,
} from '../cache/fixtures.js';
import { foreignFiles } from '../helpers/foreign-files.js';

const generatedDir = join(repoRoot, 'src', 'generated');
const banner = '// generated — do not edit\n';

function generate(project: string, ...args: string[]) {
  return runCliProcess(['generate', ...args], { cwd: project });
}

function fileSnapshot(dir: string): Record<string, string> {
  return Object.fromEntries(Object.entries(snapshotTree(dir)).filter(([path]) => !path.endsWith('/')));
}

/**
 * The repo's generated files as a project outside the repository gets them: the same bytes, except that the
 * runtime entry is imported from the package (`adcp-codegen/binding`) and the manifest records those hashes.
 */
function asInUserProject(dir: string): Record<string, string> {
  return withoutManifest(fileTexts(dir, (text) => text.replaceAll("from '../runtime/binding/index.js'", "from 'adcp-codegen/binding'")));
}

function withoutManifest(files: Record<string, string>): Record<string, string> {
  const { [manifestName]: _manifest, ...code } = files;
  return code;
}

/** Each file's sha256 after `rewrite`, keyed like snapshotTree. */
function fileTexts(dir: string, rewrite: (text: string) => string = (text) => text): Record<string, string> {
  return Object.fromEntries(
    Object.keys(fileSnapshot(dir)).map((path) => [path, createHash('sha256').update(rewrite(readFileSync(join(dir, path), 'utf8'))).digest('hex')]),
  );
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
    const written = fileSnapshot(join(empty, 'src', 'adcp'));
    expect(withoutManifest(written)).toEqual(asInUserProject(generatedDir));
    expect(Object.keys(written).sort()).toEqual(Object.keys(fileSnapshot(generatedDir)).sort());
  });

  it('writes only changed files, removes stale generated files, keeps user files', () => {
    const project = makeProject({ generated: true });
    const out = join(project, 'src', 'generated');
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(out, 'index.ts'), past, past);
    const edited = Object.keys(fileSnapshot(out)).find((path) => path.endsWith('.ts') && path !== 'index.ts') as string;
    writeFileSync(join(out, edited), `${readFileSync(join(out, edited), 'utf8')}// hand edit\n`);
    writeAsGenerated(out, 'retired.ts', `${banner}export {};\n`);
    writeFileSync(join(out, 'user-notes.ts'), 'export const mine = 1;\n');

    const run = generate(project);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`updated  src/generated/${edited}`);
    expect(run.stdout).toContain('removed  src/generated/retired.ts');
    expect(run.stdout).toContain(`updated  src/generated/${manifestName}`);
    expect(run.stdout).toMatch(/0 created, 2 updated, 1 removed/);
    expect(statSync(join(out, 'index.ts')).mtime.getTime()).toBe(past.getTime());
    expect(readFileSync(join(out, 'user-notes.ts'), 'utf8')).toBe('export const mine = 1;\n');
    const { ['user-notes.ts']: userFile, ...rest } = fileSnapshot(out);
    expect(userFile).toBeDefined();
    expect(withoutManifest(rest)).toEqual(asInUserProject(generatedDir));
  });

  describe('ownership: only files listed in its manifest, with the bytes it wrote, are ever replaced or removed', () => {
    it('leaves other generators\' files and hand-written notes in the output folder untouched, at any depth', () => {
      const project = makeProject({ generated: true });
      const out = join(project, 'src', 'generated');
      for (const [path, contents] of Object.entries(foreignFiles)) {
        writeFileSync(join(out, path), contents);
        mkdirSync(join(out, 'nested', 'deeper'), { recursive: true });
        writeFileSync(join(out, 'nested', 'deeper', path), contents);
      }
      const before = snapshotTree(project);

      const run = generate(project);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/0 created, 0 updated, 0 removed/);
      expect(snapshotTree(project)).toEqual(before);
    });

    it('with --out . in a project root, writes its files and touches nothing else (node_modules included)', () => {
      const project = makeProject();
      const others = {
        'node_modules/some-lib/index.ts': '// generated — do not edit\nexport {};\n',
        'node_modules/.cache/codegen/out.ts': '// Code generated by protoc-gen-ts_proto. DO NOT EDIT.\n',
        'src/schema.graphql.ts': foreignFiles['graphql.ts'] as string,
        'NOTES.txt': foreignFiles['NOTES.txt'] as string,
        'package.json': '{ "name": "buyer-app" }\n',
      };
      for (const [path, contents] of Object.entries(others)) {
        mkdirSync(join(project, path, '..'), { recursive: true });
        writeFileSync(join(project, path), contents);
      }
      const before = snapshotTree(project);

      const first = generate(project, '--out', '.');
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const second = generate(project, '--out', '.');
      expect(second.status).toBe(0);
      expect(second.stdout).toMatch(/0 created, 0 updated, 0 removed/);

      const after = snapshotTree(project);
      const written = Object.keys(fileSnapshot(generatedDir));
      for (const [path, hash] of Object.entries(before)) expect(after[path], path).toBe(hash);
      expect(Object.keys(after).filter((path) => !(path in before)).sort()).toEqual(written.sort());
    });

    it('removes a retired file it wrote; keeps (and warns about) one edited since; never removes an unlisted one', () => {
      const project = makeProject({ generated: true });
      const out = join(project, 'src', 'generated');
      const retired = `${banner}export const retired = 1;\n`;
      writeAsGenerated(out, 'old/retired.ts', retired);
      writeAsGenerated(out, 'edited.ts', `${banner}export const edited = 1;\n`);
      writeFileSync(join(out, 'edited.ts'), `${banner}export const edited = 2; // kept by hand\n`);
      writeFileSync(join(out, 'unlisted.ts'), `${readFileSync(join(out, 'index.ts'), 'utf8')}`);

      const run = generate(project);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('removed  src/generated/old/retired.ts');
      expect(run.stdout).toMatch(/0 created, 1 updated, 1 removed/);
      expect(run.stderr).toMatch(/warning: src\/generated\/edited\.ts: no longer generated but edited since/);
      expect(existsSync(join(out, 'old'))).toBe(false);
      expect(readFileSync(join(out, 'edited.ts'), 'utf8')).toContain('kept by hand');
      expect(existsSync(join(out, 'unlisted.ts'))).toBe(true);
      const manifest = readJson<{ files: Record<string, string> }>(join(out, manifestName));
      expect(Object.keys(manifest.files).sort()).toEqual(Object.keys(fileSnapshot(generatedDir)).filter((path) => path !== manifestName).sort());
      expect(manifest.files['index.ts']).toBe(sha256(readFileSync(join(out, 'index.ts'))));

      const again = generate(project);
      expect(again.stderr).toBe('');
      expect(again.stdout).toMatch(/0 created, 0 updated, 0 removed/);
    });

    it('refuses to overwrite a file at one of its paths that it did not write, naming it, and writes nothing', () => {
      const project = makeProject({ generated: true });
      const out = join(project, 'src', 'generated');
      writeFileSync(join(out, 'task-types.ts'), foreignFiles['webhook.pb.ts'] as string);
      const before = snapshotTree(project);
      const run = generate(project);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/src\/generated\/task-types\.ts: exists and was not written by adcp-codegen/);
      expect(snapshotTree(project)).toEqual(before);
    });
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
