import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CacheError } from './cache-error.js';
import { defaultReleaseUrl } from './release-version.js';

/** Where `sync` reads a release from. */
export type SyncSource =
  | { readonly kind: 'url'; readonly url: URL }
  | { readonly kind: 'tarball'; readonly path: string }
  | { readonly kind: 'dir'; readonly path: string };

const TARBALL_NAME = /\.(?:tgz|tar\.gz|tar)$/;

/**
 * `--from` → a source. No `--from`: the published release tarball. An http(s) URL naming a tarball is
 * used as-is; any other URL is a base to which `<version>.tgz` is appended.
 */
export async function resolveSyncSource(from: string | undefined, version: string, cwd: string): Promise<SyncSource> {
  if (from === undefined) return { kind: 'url', url: new URL(defaultReleaseUrl(version)) };
  if (/^https?:\/\//i.test(from)) return { kind: 'url', url: releaseUrl(from, version) };
  const path = from.startsWith('file:') ? fileURLToPath(from) : resolve(cwd, from);
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    throw new CacheError(`${path}: sync source not found`);
  }
  return isDir ? { kind: 'dir', path } : { kind: 'tarball', path };
}

function releaseUrl(from: string, version: string): URL {
  let url: URL;
  try {
    url = new URL(from);
  } catch {
    throw new CacheError(`--from: not a valid URL`);
  }
  if (TARBALL_NAME.test(url.pathname)) return url;
  const base = url.pathname.endsWith('/') ? url : new URL(`${url.pathname}/${url.search}`, url);
  return new URL(`${version}.tgz${url.search}`, base);
}

/** The description stored in the lock's `source` (no query string, no credentials). */
export function describeSource(source: SyncSource): string {
  if (source.kind === 'url') return `${source.url.protocol}//${source.url.host}${source.url.pathname}`;
  return `${source.kind}:${source.path}`;
}
