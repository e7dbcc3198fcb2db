import { mkdir, readdir, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MANIFEST_NAME } from './manifest.js';
import { readOutputFile, type OutputFile } from './output-files.js';
import { OutputError } from './output-error.js';
import type { OutputPlan } from './output-changes.js';

export interface OutputChanges {
  readonly created: readonly string[];
  readonly updated: readonly string[];
  readonly removed: readonly string[];
  /** no longer generated, but edited since generate wrote them: left in place and no longer ours */
  readonly keptEdited: readonly string[];
  readonly unchanged: number;
}

/**
 * Throws OutputError when applying `plan` would overwrite a file adcp-codegen did not write; checks
 * every plan of a run first so that one refused folder leaves all of them untouched.
 */
export function assertPlanWritable(outDir: string, plan: OutputPlan): void {
  const foreign = plan.stale.find((file) => !file.owned);
  if (foreign !== undefined) {
    throw new OutputError(
      `${join(outDir, foreign.path)}: exists and was not written by adcp-codegen (not in its ${MANIFEST_NAME} with the exact banner); move it or choose another --out`,
    );
  }
}

/**
 * Applies a plan: writes only missing or changed files (each via a temp file and a rename, so no file
 * is ever half-written), removes the files the previous manifest lists that are unchanged since and no
 * longer generated, then writes the new manifest. A file that is not ours is never overwritten or
 * removed; the manifest goes last, so an interrupted run leaves the previous record of ownership.
 */
export async function applyOutputPlan(outDir: string, plan: OutputPlan): Promise<OutputChanges> {
  assertPlanWritable(outDir, plan);
  const writes = [...plan.missing, ...plan.stale];
  for (const file of writes.filter((file) => file.path !== MANIFEST_NAME)) await writeAtomically(outDir, file);
  for (const file of plan.extra) await removeGenerated(outDir, file);
  for (const file of writes.filter((file) => file.path === MANIFEST_NAME)) await writeAtomically(outDir, file);
  return {
    created: plan.missing.map((file) => file.path),
    updated: plan.stale.map((file) => file.path),
    removed: plan.extra.map((file) => file.path),
    keptEdited: plan.edited,
    unchanged: plan.unchanged,
  };
}

async function writeAtomically(outDir: string, file: OutputFile): Promise<void> {
  const target = join(outDir, file.path);
  const temp = `${target}.tmp-${process.pid}`;
  try {
    await mkdir(dirname(target), { recursive: true });
    await writeFile(temp, file.contents);
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw new OutputError(`${target}: cannot write (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/**
 * Removes a retired generated file when it still holds the bytes planned on, then any folders that
 * removal left empty (never `outDir` itself).
 */
async function removeGenerated(outDir: string, file: { readonly path: string; readonly current: string }): Promise<void> {
  const { path } = file;
  if ((await readOutputFile(outDir, path)) !== file.current) return;
  await rm(join(outDir, path), { force: true });
  let dir = dirname(path);
  while (dir !== '.' && dir !== '') {
    const absolute = join(outDir, dir);
    if ((await readdir(absolute)).length > 0) return;
    await rmdir(absolute);
    dir = dirname(dir);
  }
}
