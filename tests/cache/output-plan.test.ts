import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planIsClean, planOutput } from '../../codegen/output/output-changes.js';
import { driftFromPlan } from '../../codegen/output/drift-report.js';
import { applyOutputPlan } from '../../codegen/output/write-output.js';
import { BANNER_FIRST_LINE } from '../../codegen/emit/banner.js';
import { manifestFileFor } from '../../codegen/output/manifest.js';
import { makeTempDir, manifestName, removeTempDirs, snapshotTree } from './fixtures.js';

const banner = `${BANNER_FIRST_LINE}\n`;
const file = (path: string, body: string) => ({ path, contents: `${banner}${body}\n` });

/** An output dir holding `files`; those named in `listed` are recorded in its manifest as written by generate. */
function outDirWith(files: Record<string, string>, listed: readonly string[] = []): string {
  const dir = makeTempDir();
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
  if (listed.length > 0) {
    const manifest = manifestFileFor(listed.map((path) => ({ path, contents: files[path] as string })));
    writeFileSync(join(dir, manifestName), manifest.contents);
  }
  return dir;
}

afterAll(removeTempDirs);

/**
 * An earlier generation: index.ts current, a.ts stale, old/gone.ts no longer generated (all three in its
 * manifest); mine.ts the user's; theirs.ts carries the banner but generate never recorded writing it.
 */
const previousOutput = {
  'index.ts': `${banner}export * from "./a.js";\n`,
  'a.ts': `${banner}export const a = 0;\n`,
  'old/gone.ts': `${banner}export const gone = 1;\n`,
  'mine.ts': 'export const handWritten = true;\n',
  'theirs.ts': `${banner}export const copied = true;\n`,
};
const previouslyListed = ['index.ts', 'a.ts', 'old/gone.ts'];

describe('generated output plan', () => {
  const generated = [file('index.ts', 'export * from "./a.js";'), file('a.ts', 'export const a = 1;'), file('deep/b.ts', 'export const b = 2;')];

  it('sorts the output dir into unchanged, stale, missing and extra generated files; unlisted files are not ours', async () => {
    const dir = outDirWith(previousOutput, previouslyListed);
    const plan = await planOutput(dir, generated);
    expect(plan.unchanged).toBe(1);
    expect(plan.stale.map((f) => `${f.path} ${f.owned}`)).toEqual(['a.ts true', `${manifestName} true`]);
    expect(plan.missing.map((f) => f.path)).toEqual(['deep/b.ts']);
    expect(plan.extra.map((f) => f.path)).toEqual(['old/gone.ts']);
    expect(planIsClean(plan)).toBe(false);

    const drift = driftFromPlan(plan);
    expect(drift.map((d) => `${d.kind} ${d.path}`)).toEqual([`stale ${manifestName}`, 'stale a.ts', 'missing deep/b.ts', 'extra old/gone.ts']);
    expect(drift[1]?.diff).toContain('-export const a = 0;\n+export const a = 1;');
    expect(drift[1]?.diff).toContain('--- a/a.ts\ton disk');
  });

  it('writes only what changed, removes retired files it wrote and the folders they leave empty, keeps the rest', async () => {
    const dir = outDirWith(previousOutput, previouslyListed);
    const past = new Date('2020-01-01T00:00:00Z');
    utimesSync(join(dir, 'index.ts'), past, past);
    const changes = await applyOutputPlan(dir, await planOutput(dir, generated));
    expect(changes).toEqual({ created: ['deep/b.ts'], updated: ['a.ts', manifestName], removed: ['old/gone.ts'], keptEdited: [], unchanged: 1 });
    expect(statSync(join(dir, 'index.ts')).mtime.getTime()).toBe(past.getTime());
    expect(existsSync(join(dir, 'old'))).toBe(false);
    expect(readFileSync(join(dir, 'mine.ts'), 'utf8')).toBe('export const handWritten = true;\n');
    expect(readFileSync(join(dir, 'theirs.ts'), 'utf8')).toBe(previousOutput['theirs.ts']);
    expect(readFileSync(join(dir, manifestName), 'utf8')).toBe(manifestFileFor(generated).contents);
    expect(planIsClean(await planOutput(dir, generated))).toBe(true);
    expect(Object.keys(snapshotTree(dir)).filter((path) => path.includes('.tmp-'))).toEqual([]);
  });

  it.each([
    ['lacks the exact banner', { 'a.ts': '// generated — do not edit\nexport const mine = 1;\n' }, []],
    ['carries the banner but is not in the manifest', { 'a.ts': `${banner}export const mine = 1;\n`, 'index.ts': `${banner}export * from "./a.js";\n` }, ['index.ts']],
  ])('refuses to overwrite a file that %s, writing nothing', async (_case, files: Record<string, string>, listed: string[]) => {
    const dir = outDirWith(files, listed);
    const before = snapshotTree(dir);
    await expect(applyOutputPlan(dir, await planOutput(dir, generated))).rejects.toThrow(/a\.ts: exists and was not written by adcp-codegen/);
    expect(snapshotTree(dir)).toEqual(before);
  });

  it('refuses a manifest file that is not its own, naming it', async () => {
    const dir = outDirWith({ [manifestName]: '{"files": {"../../etc/passwd": "x"}}' });
    await expect(planOutput(dir, generated)).rejects.toThrow(/\.adcp-codegen-manifest\.json: exists but is not an adcp-codegen output manifest/);
  });

  it.each(['../escape.ts', '/abs.ts', 'a/../../b.ts', 'a\\b.ts'])('rejects the unsafe generated path %s', async (path) => {
    await expect(planOutput(makeTempDir(), [file(path, '')])).rejects.toThrow(/unsafe output path/);
  });
});
