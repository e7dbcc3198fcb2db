// `check --upstream SRC`: the pinned cache diffed against an upstream release (directory, tarball,
// tarball URL, version or `latest`), for the verdict line and the exit code.
import type { ReleaseSite } from '../../../codegen/cache/release-site.js';
import type { UpstreamComparison } from '../../../codegen/diff/index.js';
import { CliError } from '../cli-error.js';
import { releaseProgress } from '../codegen-support.js';

export type UpstreamResult =
  | { readonly comparison: UpstreamComparison }
  /** The pinned cache itself could not be read as a snapshot (it drifted, or is broken). */
  | { readonly pinnedError: string };

export interface UpstreamOptions {
  /** The pinned cache as the user should read it (relative to cwd when inside it). */
  readonly pinnedDir: string;
  readonly pinnedVersion: string;
  readonly cwd: string;
  readonly site: ReleaseSite;
}

export async function compareUpstream(spec: string, options: UpstreamOptions): Promise<UpstreamResult> {
  const diff = await import('../../../codegen/diff/index.js');
  // Upstream first: its errors are always bad input (exit 2), whatever state the pinned cache is in.
  const progress = releaseProgress('upstream');
  let upstream;
  try {
    upstream = await diff.openSnapshot(spec, { cwd: options.cwd, site: options.site, progress });
  } catch (error) {
    if (error instanceof diff.SnapshotError) throw new CliError(`check --upstream: ${error.message}`, 2);
    throw error;
  } finally {
    progress.finish();
  }
  let pinned;
  try {
    pinned = await diff.openSnapshot(options.pinnedDir, { cwd: options.cwd });
  } catch (error) {
    if (error instanceof diff.SnapshotError) return { pinnedError: error.message };
    throw error;
  }
  return { comparison: diff.compareWithUpstream(diff.diffSnapshots(pinned, upstream), options.pinnedVersion) };
}
