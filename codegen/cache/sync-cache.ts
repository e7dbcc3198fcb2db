import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { CacheError } from './cache-error.js';
import { parseChecksumFile } from './checksum-file.js';
import { downloadText, downloadToFile, type ProgressReporter } from './download.js';
import { buildLock, serializeLock } from './lock-file.js';
import { assertReleaseVersion } from './release-version.js';
import { findSchemaDir, selectSchemaTree } from './schema-root.js';
import { swapInCache } from './swap.js';
import { describeSource, resolveSyncSource, type SyncSource } from './sync-source.js';
import { treeConsistencyProblems } from './tree-consistency.js';
import { byCodeUnit, hashTree, hashTreeOnDisk, isDirectory, readTree, sha256Hex, type SchemaTree } from './tree-files.js';
import { parseTarball } from './tarball.js';

export interface SyncOptions {
  readonly version: string;
  /** URL, directory or tarball path; default: the published release tarball. */
  readonly from?: string | undefined;
  /** Expected sha256 of the tarball; default: `<url>.sha256` for URLs, `<path>.sha256` beside a local tarball if present. */
  readonly sha256?: string | undefined;
  readonly cacheDir: string;
  readonly lockPath: string;
  readonly cwd: string;
  readonly onProgress?: ProgressReporter | undefined;
}

export interface SyncResult {
  readonly version: string;
  readonly source: string;
  readonly fileCount: number;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/**
 * Refreshes the schema cache and its lock to release `version`. The release is read and verified in
 * memory (checksum, archive entries, internal consistency) before anything on disk changes; then cache
 * and lock are swapped in together. Any failure leaves both untouched.
 */
export async function syncSchemaCache(options: SyncOptions): Promise<SyncResult> {
  const version = assertReleaseVersion(options.version);
  const source = await resolveSyncSource(options.from, version, options.cwd);
  const fetched = await loadRelease(source, version, options);
  const tree = withoutBundled(fetched.tree);
  assertConsistent(tree, version, fetched.label);
  const previous = (await isDirectory(options.cacheDir)) ? await hashTreeOnDisk(options.cacheDir) : new Map<string, string>();
  const hashes = hashTree(tree);
  const lock = buildLock({ adcpVersion: version, source: describeSource(source), sourceSha256: fetched.sha256, hashes });
  await swapInCache(options.cacheDir, options.lockPath, tree, serializeLock(lock));
  return { version, source: lock.source, fileCount: tree.size, ...compareHashes(previous, hashes) };
}

interface LoadedRelease {
  readonly tree: SchemaTree;
  readonly label: string;
  readonly sha256?: string | undefined;
}

async function loadRelease(source: SyncSource, version: string, options: SyncOptions): Promise<LoadedRelease> {
  if (source.kind === 'dir') return loadDirectory(source.path, version);
  if (source.kind === 'tarball') return loadTarball(source.path, version, await localExpectedSha256(source.path, options.sha256));
  return downloadRelease(source.url, version, options);
}

async function loadDirectory(dir: string, version: string): Promise<LoadedRelease> {
  const root = await findSchemaDir(dir, version);
  if (root === undefined) throw new CacheError(`${dir}: AdCP ${version} not found (no index.json at ${dir}/index.json or ${dir}/${version}/index.json)`);
  return { tree: await readTree(root), label: root };
}

/** `label` names the tarball in messages: its path, or the URL it was downloaded from. */
async function loadTarball(path: string, version: string, expectedSha256: string | undefined, label = path): Promise<LoadedRelease> {
  const archive = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new CacheError(`${label}: cannot read tarball (${error.code ?? error.message})`);
  });
  const sha256 = sha256Hex(archive);
  if (expectedSha256 !== undefined && sha256 !== expectedSha256) {
    throw new CacheError(`${label}: sha256 mismatch (tarball is ${sha256}, expected ${expectedSha256})`);
  }
  const selected = selectSchemaTree(await parseTarball(archive, label), version);
  if (selected === undefined) throw new CacheError(`${label}: no schema tree for AdCP ${version} in tarball (no index.json)`);
  return { tree: selected.tree, label: `${label}:${selected.root}`, sha256 };
}

async function downloadRelease(url: URL, version: string, options: SyncOptions): Promise<LoadedRelease> {
  const label = `${url.protocol}//${url.host}${url.pathname}`;
  const workDir = await mkdtemp(join(tmpdir(), 'adcp-sync-'));
  try {
    const tarball = join(workDir, 'release.tgz');
    const downloaded = await downloadToFile(url, label, tarball, options.onProgress);
    const expected = options.sha256 === undefined ? await publishedSha256(url, label) : normalizeSha256(options.sha256);
    if (downloaded.sha256 !== expected) {
      const says = options.sha256 === undefined ? 'checksum file says' : '--sha256 says';
      throw new CacheError(`${label}: sha256 mismatch (downloaded ${downloaded.sha256}, ${says} ${expected})`);
    }
    return await loadTarball(tarball, version, expected, label);
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function publishedSha256(url: URL, label: string): Promise<string> {
  const checksumUrl = new URL(`${url.pathname}.sha256${url.search}`, url);
  const checksumLabel = `${label}.sha256`;
  return parseChecksumFile(await downloadText(checksumUrl, checksumLabel), basename(url.pathname), checksumLabel);
}

async function localExpectedSha256(path: string, given: string | undefined): Promise<string | undefined> {
  if (given !== undefined) return normalizeSha256(given);
  const beside = `${path}.sha256`;
  let text: string;
  try {
    text = await readFile(beside, 'utf8');
  } catch {
    return undefined; // no checksum published beside a local tarball: trust the file the user named
  }
  return parseChecksumFile(text, basename(path), beside);
}

function normalizeSha256(value: string): string {
  const hex = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new CacheError(`--sha256: not a sha256 hex digest`);
  return hex;
}

/** `bundled/` is a derived copy of the task schemas (SPEC-NOTES §6.2); the generator reads the modular tree. */
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
