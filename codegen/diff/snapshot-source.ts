// `--from` / `--to` → an opened snapshot. A directory is read in place; a local tarball or a tarball URL is
// unpacked in memory (H2's strict tar reader: no links, no absolute or `..` paths, size cap) and never written
// out. A bare release version (`3.2.0-beta.5`) that is not a path means the published release tarball.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CacheError } from '../cache/cache-error.js';
import { parseChecksumFile } from '../cache/checksum-file.js';
import { downloadText, downloadToFile, type ProgressReporter } from '../cache/download.js';
import { defaultReleaseUrl } from '../cache/release-version.js';
import { parseTarball } from '../cache/tarball.js';
import { directoryFiles, memoryFiles, SnapshotError, type SchemaFiles } from './schema-files.js';
import { SchemaSnapshot } from './snapshot.js';

export type SnapshotSource =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'tarball'; readonly path: string }
  | { readonly kind: 'url'; readonly url: URL };

export interface OpenSnapshotOptions {
  /** Relative paths resolve against this; default process.cwd(). */
  readonly cwd?: string;
  /** Download progress for URL sources. */
  readonly onProgress?: ProgressReporter;
}

const RELEASE_VERSION = /^\d{1,4}\.\d{1,4}\.\d{1,4}(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?$/;
const TARBALL_NAME = /\.(?:tgz|tar\.gz|tar)$/i;

/** Classifies a `--from`/`--to` value. Throws SnapshotError when it names nothing usable. */
export async function resolveSnapshotSource(spec: string, cwd = process.cwd()): Promise<SnapshotSource> {
  if (spec.trim() === '') throw new SnapshotError('empty schema source');
  if (/^https?:\/\//i.test(spec)) return { kind: 'url', url: parseUrl(spec) };
  const path = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(cwd, spec);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) return { kind: 'dir', path };
  if (info?.isFile()) return { kind: 'tarball', path };
  if (RELEASE_VERSION.test(spec)) return { kind: 'url', url: new URL(defaultReleaseUrl(spec)) };
  throw new SnapshotError(`${spec}: schema source not found (expected a directory, a tarball, a tarball URL or a release version)`);
}

/** How a source appears in reports and messages: URLs lose their query string and credentials. */
export function describeSnapshotSource(source: SnapshotSource): string {
  return source.kind === 'url' ? `${source.url.protocol}//${source.url.host}${source.url.pathname}` : source.path;
}

export async function openSnapshot(spec: string, options: OpenSnapshotOptions = {}): Promise<SchemaSnapshot> {
  const source = await resolveSnapshotSource(spec, options.cwd);
  try {
    return SchemaSnapshot.fromFiles(await loadFiles(spec, source, options));
  } catch (error) {
    // The cache module's errors are bad input too; the diff exposes one error type.
    if (error instanceof CacheError) throw new SnapshotError(error.message);
    throw error;
  }
}

async function loadFiles(spec: string, source: SnapshotSource, options: OpenSnapshotOptions): Promise<SchemaFiles> {
  // Paths are shown as the user wrote them; URLs without query string or credentials.
  const label = source.kind === 'url' ? describeSnapshotSource(source) : spec;
  if (source.kind === 'dir') return directoryFiles(source.path, label);
  if (source.kind === 'tarball') return tarballFiles(await readLocalTarball(source.path), label);
  return tarballFiles(await downloadTarball(source.url, label, options.onProgress), label);
}

async function tarballFiles(archive: Buffer, label: string): Promise<SchemaFiles> {
  return memoryFiles(await parseTarball(archive, label), label);
}

async function readLocalTarball(path: string): Promise<Buffer> {
  const archive = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    throw new SnapshotError(`${path}: cannot read tarball (${error.code ?? 'read error'})`);
  });
  const checksumPath = `${path}.sha256`;
  const checksum = await readFile(checksumPath, 'utf8').catch(() => undefined);
  if (checksum !== undefined) assertSha256(archive, parseChecksumFile(checksum, basename(path), checksumPath), path);
  return archive;
}

/** Downloads to a private temp file, checks `<url>.sha256` when the server publishes one, then reads it back. */
async function downloadTarball(url: URL, label: string, onProgress?: ProgressReporter): Promise<Buffer> {
  if (!TARBALL_NAME.test(url.pathname)) throw new SnapshotError(`${label}: a URL source must name a release tarball (.tgz)`);
  const workDir = await mkdtemp(join(tmpdir(), 'adcp-diff-'));
  try {
    const file = join(workDir, 'release.tgz');
    await downloadToFile(url, label, file, onProgress);
    const archive = await readFile(file);
    const expected = await publishedSha256(url, label);
    if (expected !== undefined) assertSha256(archive, expected, label);
    return archive;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function publishedSha256(url: URL, label: string): Promise<string | undefined> {
  const checksumUrl = new URL(`${url.pathname}.sha256${url.search}`, url);
  try {
    const text = await downloadText(checksumUrl, `${label}.sha256`);
    return parseChecksumFile(text, basename(url.pathname), `${label}.sha256`);
  } catch (error) {
    // No checksum published: the diff writes nothing, so an unverified read is acceptable. Anything else fails.
    if (error instanceof CacheError && error.message.includes('HTTP 404')) return undefined;
    throw error;
  }
}

function assertSha256(archive: Buffer, expected: string, label: string): void {
  const actual = createHashHex(archive);
  if (actual !== expected) throw new SnapshotError(`${label}: sha256 mismatch (tarball is ${actual}, checksum says ${expected})`);
}

function createHashHex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function parseUrl(spec: string): URL {
  try {
    return new URL(spec);
  } catch {
    throw new SnapshotError('schema source: not a valid URL');
  }
}
