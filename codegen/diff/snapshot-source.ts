// `--from` / `--to` → an opened snapshot, through the cache's release loader: a directory, a local tarball
// or a tarball URL, held in memory (tarballs never unpacked to disk: no links, no absolute or `..` paths,
// size cap). A bare release version (`3.2.0-beta.5`) that is not a path means the published release tarball.
// A `.sha256` is checked when one is published; the diff installs nothing, so an unpublished one is no error.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { CacheError } from '../cache/cache-error.js';
import type { ReleaseSite } from '../cache/release-site.js';
import { describeReleaseSource, loadRelease, resolveReleaseSource, type ReleaseProgress, type ReleaseSource } from '../cache/release-source.js';
import { memoryFiles, SnapshotError } from './schema-files.js';
import { SchemaSnapshot } from './snapshot.js';

export type SnapshotSource = ReleaseSource;

export interface OpenSnapshotOptions {
  /** Relative paths resolve against this; default process.cwd(). */
  readonly cwd?: string;
  /** Where a bare release version is downloaded from (default: adcontextprotocol.org). */
  readonly site?: ReleaseSite;
  /** Download and extraction progress for tarball and URL sources. */
  readonly progress?: ReleaseProgress;
  /**
   * Releases already on disk, by version (e.g. the schema cache shipped in the package): a bare
   * version listed here is read from its directory, offline, instead of the release site.
   */
  readonly localReleases?: ReadonlyMap<string, string>;
}

/** Classifies a `--from`/`--to` value. Throws SnapshotError when it names nothing usable. */
export async function resolveSnapshotSource(spec: string, cwd = process.cwd(), site?: ReleaseSite): Promise<SnapshotSource> {
  return asSnapshotError(() => resolveReleaseSource(spec, cwd, site));
}

/** How a source appears in reports and messages: URLs lose their query string and credentials. */
export const describeSnapshotSource: (source: SnapshotSource) => string = describeReleaseSource;

export async function openSnapshot(spec: string, options: OpenSnapshotOptions = {}): Promise<SchemaSnapshot> {
  // A path the user names wins over a release of the same name, as in resolveReleaseSource.
  const named = options.localReleases?.get(spec);
  const localDir = named !== undefined && !existsSync(resolve(options.cwd ?? process.cwd(), spec)) ? named : undefined;
  const source: SnapshotSource = localDir !== undefined ? { kind: 'dir', path: localDir } : await resolveSnapshotSource(spec, options.cwd, options.site);
  // Paths are shown as the user wrote them; URLs without query string or credentials.
  const label = source.kind === 'url' ? undefined : spec;
  const release = await asSnapshotError(() => loadRelease(source, { ...options.progress, checksum: 'if-published', label }));
  return SchemaSnapshot.fromFiles(memoryFiles(release.files, release.label));
}

/** The cache module's errors are bad input too; the diff exposes one error type. */
async function asSnapshotError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof CacheError) throw new SnapshotError(error.message);
    throw error;
  }
}
