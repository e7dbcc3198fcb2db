import { join } from 'node:path';
import { CacheError } from './cache-error.js';
import { LATEST, resolveLatestRelease } from './latest-release.js';
import { buildLock, serializeLock } from './lock-file.js';
import { releaseSigning, type ReleaseSigning, type SignatureOutcome, type SignaturePolicy } from './release-signing.js';
import { releaseSite, type ReleaseSite } from './release-site.js';
import { loadRelease, type ReleaseProgress, type ReleaseSource } from './release-source.js';
import { assertReleaseVersion } from './release-version.js';
import { findSchemaDir, selectSchemaTree } from './schema-root.js';
import { swapInCache } from './swap.js';
import { describeSource, resolveSyncSource } from './sync-source.js';
import { assertReplaceableTargets } from './sync-target.js';
import { treeConsistencyProblems } from './tree-consistency.js';
import { byCodeUnit, hashTree, hashTreeOnDisk, isDirectory, type SchemaTree } from './tree-files.js';

export interface SyncOptions {
  /** A release version, or `latest`: the release site's `latest_stable`. */
  readonly version: string;
  /** URL, directory or tarball path; default: the published release tarball. */
  readonly from?: string | undefined;
  /** Expected sha256 of the tarball; default: `<url>.sha256` for URLs, `<path>.sha256` beside a local tarball if present. */
  readonly sha256?: string | undefined;
  readonly cacheDir: string;
  readonly lockPath: string;
  readonly cwd: string;
  /** Where releases are published (default: adcontextprotocol.org). */
  readonly site?: ReleaseSite | undefined;
  readonly progress?: ReleaseProgress | undefined;
  /** Sigstore signature policy (default: verify `.sig`/`.crt` when published, checksum-only trust otherwise). */
  readonly signature?: SignaturePolicy | undefined;
}

export interface SyncResult {
  readonly version: string;
  /** Set when `latest` was asked for: the pointer the version was read from. */
  readonly latestPointer?: string | undefined;
  readonly source: string;
  readonly fileCount: number;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
  /** Whether the release's Sigstore signature was verified, absent (checksum-only trust) or not applicable. */
  readonly signature: SignatureOutcome;
}

/**
 * Refreshes the schema cache and its lock to release `version`. The release is read and verified in
 * memory (checksum, Sigstore signature, archive entries, internal consistency) before anything on disk
 * changes; then cache and lock are swapped in together. Any failure leaves both untouched, and a target that is not a schema
 * cache (or lock) already is refused before anything is read.
 */
export async function syncSchemaCache(options: SyncOptions): Promise<SyncResult> {
  await assertReplaceableTargets(options.cacheDir, options.lockPath);
  const site = options.site ?? releaseSite();
  const latest = options.version === LATEST ? await resolveLatestRelease(site) : undefined;
  const version = latest?.version ?? assertReleaseVersion(options.version);
  const source = await resolveSyncSource(options.from, version, options.cwd, site);
  const signing = await releaseSigning(source, options.signature);
  const release = await loadVersionTree(source, version, options, signing);
  const signature = signing.outcome();
  const tree = withoutBundled(release.tree);
  assertConsistent(tree, version, release.label);
  const previous = (await isDirectory(options.cacheDir)) ? await hashTreeOnDisk(options.cacheDir) : new Map<string, string>();
  const hashes = hashTree(tree);
  const lock = buildLock({ adcpVersion: version, source: describeSource(source), sourceSha256: release.sha256, hashes });
  await swapInCache(options.cacheDir, options.lockPath, tree, serializeLock(lock));
  const changes = compareHashes(previous, hashes);
  return { version, latestPointer: latest?.pointer, source: lock.source, fileCount: tree.size, ...changes, signature };
}

interface VersionTree {
  readonly tree: SchemaTree;
  readonly label: string;
  readonly sha256?: string | undefined;
}

/** The schema tree of `version` inside the source; a directory is narrowed to it before anything is read. */
async function loadVersionTree(source: ReleaseSource, version: string, options: SyncOptions, signing: ReleaseSigning): Promise<VersionTree> {
  const narrowed = source.kind === 'dir' ? { kind: 'dir' as const, path: await versionDir(source.path, version) } : source;
  const release = await loadRelease(narrowed, { ...options.progress, sha256: options.sha256, checksum: 'required', verifyArchive: signing.verifyArchive });
  const selected = selectSchemaTree(release.files, version);
  if (selected === undefined) throw new CacheError(`${release.label}: no schema tree for AdCP ${version} in tarball (no index.json)`);
  const label = source.kind === 'dir' ? release.label : `${release.label}:${selected.root}`;
  return { tree: selected.tree, label, sha256: release.sha256 };
}

async function versionDir(dir: string, version: string): Promise<string> {
  const root = await findSchemaDir(dir, version);
  if (root === undefined) throw new CacheError(`${dir}: AdCP ${version} not found (no index.json at ${join(dir, 'index.json')} or ${join(dir, version, 'index.json')})`);
  return root;
}

/** `bundled/` is a derived copy of the task schemas (a release's `dist/schemas/<v>/bundled/` holds only task request/response schemas); the generator reads the modular tree. */
function withoutBundled(tree: SchemaTree): Map<string, Buffer> {
  return new Map([...tree].filter(([path]) => !path.startsWith('bundled/')));
}

function assertConsistent(tree: SchemaTree, version: string, label: string): void {
  const problems = treeConsistencyProblems(tree, version);
  if (problems.length === 0) return;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw new CacheError(`${label}: inconsistent AdCP ${version} schema tree: ${problems[0]}${more}`);
}

function compareHashes(previous: ReadonlyMap<string, string>, next: ReadonlyMap<string, string>) {
  const added = [...next.keys()].filter((path) => !previous.has(path));
  const removed = [...previous.keys()].filter((path) => !next.has(path));
  const changed = [...next.keys()].filter((path) => previous.has(path) && previous.get(path) !== next.get(path));
  return { added: added.sort(byCodeUnit), removed: removed.sort(byCodeUnit), changed: changed.sort(byCodeUnit) };
}
