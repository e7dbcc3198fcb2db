import { byCodeUnit } from '../cache/tree-files.js';
import { assertSafeOutputPath, readGeneratedOnDisk, readOutputFile, type OutputFile } from './output-files.js';

/** How the output directory must change to hold exactly the generated files. */
export interface OutputPlan {
  /** absent on disk */
  readonly missing: readonly OutputFile[];
  /** present with other contents */
  readonly stale: ReadonlyArray<OutputFile & { readonly current: string }>;
  /** carry the banner but the generator no longer produces them */
  readonly extra: ReadonlyArray<{ readonly path: string; readonly current: string }>;
  readonly unchanged: number;
}

/** Compares the generated files with what `outDir` holds, reading only; the basis of generate and check. */
export async function planOutput(outDir: string, files: readonly OutputFile[]): Promise<OutputPlan> {
  const sorted = [...files].sort((a, b) => byCodeUnit(a.path, b.path));
  for (const file of sorted) assertSafeOutputPath(file.path);
  const expected = new Set(sorted.map((file) => file.path));
  const missing: OutputFile[] = [];
  const stale: Array<OutputFile & { current: string }> = [];
  let unchanged = 0;
  for (const file of sorted) {
    const current = await readOutputFile(outDir, file.path);
    if (current === undefined) missing.push(file);
    else if (current !== file.contents) stale.push({ ...file, current });
    else unchanged += 1;
  }
  const extra = [...(await readGeneratedOnDisk(outDir))]
    .filter(([path]) => !expected.has(path))
    .map(([path, current]) => ({ path, current }))
    .sort((a, b) => byCodeUnit(a.path, b.path));
  return { missing, stale, extra, unchanged };
}

export function planIsClean(plan: OutputPlan): boolean {
  return plan.missing.length === 0 && plan.stale.length === 0 && plan.extra.length === 0;
}
