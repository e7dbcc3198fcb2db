// A schema release from a directory, a local tarball or a tarball URL, loaded into memory and verified,
// with no version in mind: `sync` then picks the tree of the version it wants, the diff reads whatever
// snapshot it was given. Nothing is written but a private temp file for a download. Tarballs are
// hashed and extracted as streams, within the caps of ReleaseLimits.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CacheError } from './cache-error.js';
import { parseChecksumFile } from './checksum-file.js';
import { LATEST, resolveLatestRelease } from './latest-release.js';
import { MAX_DOWNLOAD_BYTES, downloadText, downloadToFile, downloadTooLarge, type ProgressReporter } from './download.js';
import { describeUrl, parseHttpUrl, releaseSite, type ReleaseSite } from './release-site.js';
import { isReleaseVersion } from './release-version.js';
import { extractTarballFile, type ExtractProgress, type TarballLimits } from './tarball.js';
import { readTree, sha256OfFile } from './tree-files.js';

export type ReleaseSource =
  | { readonly kind: 'url'; readonly url: URL }
  | { readonly kind: 'tarball'; readonly path: string }
  | { readonly kind: 'dir'; readonly path: string };

export interface LoadedRelease {
  /** posix path relative to the source's top → bytes (a tarball's entries as archived). */
  readonly files: ReadonlyMap<string, Buffer>;
  /** The source as messages name it. */
  readonly label: string;
  /** sha256 of the tarball, when the source is one. */
  readonly sha256?: string | undefined;
}

/** Progress of a download and of the extraction that follows it (for a terminal's progress line). */
export interface ReleaseProgress {
  readonly onDownload?: ProgressReporter | undefined;
  readonly onExtract?: ExtractProgress | undefined;
}

export interface LoadReleaseOptions extends ReleaseProgress {
  /** Expected sha256 of a tarball; default: `<tarball>.sha256` beside a local file or published beside a URL. */
  readonly sha256?: string | undefined;
  /** `required`: a URL without a published `.sha256` is refused (sync installs what it reads); `if-published`: checked when there. */
  readonly checksum: 'required' | 'if-published';
  /** How messages name a local source (default: its path). URLs are always named without query string or credentials. */
  readonly label?: string | undefined;
  /** Called with a tarball's file and its sha256 once its checksum passed, before it is extracted (sync's signature check). */
  readonly verifyArchive?: ((archivePath: string, sha256: string) => Promise<void>) | undefined;
  /** Caps on what a tarball source may cost (defaults: 64 MiB download, 48 MiB unpacked, 16 MiB per entry). */
  readonly limits?: ReleaseLimits | undefined;
}

/** The caps of a tarball source, each refused with a CacheError naming it (see CacheErrorCode). */
export interface ReleaseLimits extends TarballLimits {
  /** Bytes of the tarball itself, downloaded or local. Default 64 MiB. */
  readonly maxDownloadBytes?: number;
}

const TARBALL_NAME = /\.(?:tgz|tar\.gz|tar)$/i;

export function namesTarball(url: URL): boolean {
  return TARBALL_NAME.test(url.pathname);
}

/**
 * A `DIR|TARBALL|URL|version|latest` argument → a source: an http(s) URL as-is; an existing path as a
 * directory or tarball; otherwise a release version means its tarball on the release site, and `latest`
 * the tarball of the site's `latest_stable` release.
 */
export async function resolveReleaseSource(spec: string, cwd: string, site: ReleaseSite = releaseSite()): Promise<ReleaseSource> {
  if (spec.trim() === '') throw new CacheError('empty schema source');
  if (/^https?:\/\//i.test(spec)) return { kind: 'url', url: parseHttpUrl(spec, 'schema source') };
  const local = await localSource(spec, cwd);
  if (local !== undefined) return local;
  if (isReleaseVersion(spec)) return { kind: 'url', url: site.tarballUrl(spec) };
  if (spec === LATEST) return { kind: 'url', url: site.tarballUrl((await resolveLatestRelease(site)).version) };
  throw new CacheError(`${spec}: schema source not found (expected a directory, a tarball, a tarball URL, a release version or latest)`);
}

/** An existing directory or file named by a path or `file:` URL; undefined when nothing is there. */
export async function localSource(spec: string, cwd: string): Promise<ReleaseSource | undefined> {
  const path = spec.startsWith('file:') ? fileURLToPath(spec) : resolve(cwd, spec);
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) return undefined;
  return info.isDirectory() ? { kind: 'dir', path } : { kind: 'tarball', path };
}

export function describeReleaseSource(source: ReleaseSource): string {
  return source.kind === 'url' ? describeUrl(source.url) : source.path;
}

export async function loadRelease(source: ReleaseSource, options: LoadReleaseOptions): Promise<LoadedRelease> {
  if (source.kind === 'dir') {
    const label = options.label ?? source.path;
    return { files: await readTree(source.path), label };
  }
  if (source.kind === 'tarball') return loadLocalTarball(source.path, options.label ?? source.path, options);
  return downloadRelease(source.url, options);
}

async function loadLocalTarball(path: string, label: string, options: LoadReleaseOptions): Promise<LoadedRelease> {
  const cannotRead = (error: NodeJS.ErrnoException): never => {
    throw new CacheError(`${label}: cannot read tarball (${error.code ?? error.message})`);
  };
  const { size } = await stat(path).catch(cannotRead);
  const maxBytes = options.limits?.maxDownloadBytes ?? MAX_DOWNLOAD_BYTES;
  if (size > maxBytes) throw downloadTooLarge(label, maxBytes, `${size} bytes`);
  const expected = options.sha256 === undefined ? await checksumBeside(path) : normalizeSha256(options.sha256);
  const sha256 = await sha256OfFile(path).catch(cannotRead);
  if (expected !== undefined && sha256 !== expected) {
    throw new CacheError(`${label}: sha256 mismatch (tarball is ${sha256}, expected ${expected})`);
  }
  await options.verifyArchive?.(path, sha256);
  return { files: await extract(path, label, sha256, options), label, sha256 };
}

/** Extracts the tarball whose sha256 was `checked`; a file that changed since is refused. */
async function extract(path: string, label: string, checked: string, options: LoadReleaseOptions): Promise<Map<string, Buffer>> {
  const extracted = await extractTarballFile(path, label, { limits: options.limits, onProgress: options.onExtract });
  if (extracted.sha256 !== checked) throw new CacheError(`${label}: tarball changed while it was being read (sha256 ${extracted.sha256}, was ${checked})`);
  return extracted.files;
}

async function downloadRelease(url: URL, options: LoadReleaseOptions): Promise<LoadedRelease> {
  const label = describeUrl(url);
  if (!namesTarball(url)) throw new CacheError(`${label}: a URL source must name a release tarball (.tgz)`);
  const workDir = await mkdtemp(join(tmpdir(), 'adcp-release-'));
  try {
    const file = join(workDir, 'release.tgz');
    const downloaded = await downloadToFile(url, label, file, options.onDownload, options.limits?.maxDownloadBytes);
    const expected = options.sha256 === undefined ? await publishedSha256(url, label, options.checksum) : normalizeSha256(options.sha256);
    if (expected !== undefined && downloaded.sha256 !== expected) {
      const says = options.sha256 === undefined ? 'checksum file says' : '--sha256 says';
      throw new CacheError(`${label}: sha256 mismatch (downloaded ${downloaded.sha256}, ${says} ${expected})`);
    }
    await options.verifyArchive?.(file, downloaded.sha256);
    return { files: await extract(file, label, downloaded.sha256, options), label, sha256: downloaded.sha256 };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function publishedSha256(url: URL, label: string, policy: LoadReleaseOptions['checksum']): Promise<string | undefined> {
  const checksumUrl = new URL(`${url.pathname}.sha256${url.search}`, url);
  const checksumLabel = `${label}.sha256`;
  let text: string;
  try {
    text = await downloadText(checksumUrl, checksumLabel);
  } catch (error) {
    const unpublished = error instanceof CacheError && error.httpStatus === 404;
    if (unpublished && policy === 'if-published') return undefined;
    throw error;
  }
  return parseChecksumFile(text, basename(url.pathname), checksumLabel);
}

async function checksumBeside(path: string): Promise<string | undefined> {
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
