import { byCodeUnit, sha256Hex } from '../cache/tree-files.js';
import { carriesOwnBanner, manifestFileFor, MANIFEST_NAME, readManifest, type OutputManifest } from './manifest.js';
import { assertSafeOutputPath, readOutputFile, type OutputFile } from './output-files.js';
import { OutputError } from './output-error.js';
import type { GenerationInputs } from './generation-inputs.js';

/** A generated file whose path is already taken on disk by other contents. */
export interface StaleFile extends OutputFile {
  readonly current: string;
  /** false when the file on disk is not ours (not listed in the manifest, or without our exact banner) */
  readonly owned: boolean;
}

/**
 * How the output directory must change to hold exactly the generated files. Ownership comes from the
 * manifest generate wrote last time (see manifest.ts): nothing outside it is ever listed as extra.
 */
export interface OutputPlan {
  /** absent on disk */
  readonly missing: readonly OutputFile[];
  /** present with other contents */
  readonly stale: readonly StaleFile[];
  /** listed in the previous manifest, unchanged since, and no longer generated: safe to remove */
  readonly extra: ReadonlyArray<{ readonly path: string; readonly current: string }>;
  /** listed in the previous manifest and no longer generated, but edited since: left in place */
  readonly edited: readonly string[];
  readonly unchanged: number;
}

/**
 * Compares the generated files (plus the manifest describing them) with what `outDir` holds, reading
 * only; the basis of generate and check.
 */
export async function planOutput(outDir: string, files: readonly OutputFile[], inputs?: GenerationInputs): Promise<OutputPlan> {
  const sorted = [...files].sort((a, b) => byCodeUnit(a.path, b.path));
  for (const file of sorted) assertSafeOutputPath(file.path);
  if (sorted.some((file) => file.path === MANIFEST_NAME)) throw new OutputError(`generator produced a file named ${MANIFEST_NAME}, which is reserved`);
  const previous = await readManifest(outDir);
  const missing: OutputFile[] = [];
  const stale: StaleFile[] = [];
  let unchanged = 0;
  for (const file of [...sorted, manifestFileFor(sorted, inputs)]) {
    const current = await readOutputFile(outDir, file.path);
    if (current === undefined) missing.push(file);
    else if (current !== file.contents) stale.push({ ...file, current, owned: ownsFile(previous, file.path, current) });
    else unchanged += 1;
  }
  const { extra, edited } = await retiredFiles(outDir, previous, new Set(sorted.map((file) => file.path)));
  return { missing, stale, extra, edited, unchanged };
}

/**
 * A file on disk is ours to overwrite when it holds bytes the manifest says we wrote, or carries our
 * exact banner at a path the manifest lists (a hand edit of a "do not edit" file). Before any manifest
 * exists, the exact banner alone decides, so output from earlier versions is still updated.
 */
function ownsFile(previous: OutputManifest | undefined, path: string, current: string): boolean {
  if (path === MANIFEST_NAME) return true; // readManifest already refused a foreign file of that name
  if (previous === undefined) return carriesOwnBanner(current);
  const recorded = previous.files.get(path);
  return recorded !== undefined && (recorded === sha256Hex(current) || carriesOwnBanner(current));
}

async function retiredFiles(outDir: string, previous: OutputManifest | undefined, expected: ReadonlySet<string>) {
  const extra: Array<{ path: string; current: string }> = [];
  const edited: string[] = [];
  for (const [path, hash] of [...(previous?.files ?? [])].sort(([a], [b]) => byCodeUnit(a, b))) {
    if (expected.has(path)) continue;
    const current = await readRetired(outDir, path);
    if (current === undefined) continue;
    if (current !== null && sha256Hex(current) === hash) extra.push({ path, current });
    else edited.push(path);
  }
  return { extra, edited };
}

/** undefined: gone already; null: replaced by something that is not a plain file (never ours). */
async function readRetired(outDir: string, path: string): Promise<string | undefined | null> {
  try {
    return await readOutputFile(outDir, path);
  } catch (error) {
    if (error instanceof OutputError) return null;
    throw error;
  }
}

export function planIsClean(plan: OutputPlan): boolean {
  return plan.missing.length === 0 && plan.stale.length === 0 && plan.extra.length === 0;
}
