import { CacheError } from './cache-error.js';
import { describeUrl, parseHttpUrl, urlUnder, type ReleaseSite } from './release-site.js';
import { localSource, namesTarball, type ReleaseSource } from './release-source.js';

/**
 * `sync --from` → a source. No `--from`: the release tarball on the release site. An http(s) URL naming
 * a tarball is used as-is; any other URL is a base to which `<version>.tgz` is appended.
 */
export async function resolveSyncSource(from: string | undefined, version: string, cwd: string, site: ReleaseSite): Promise<ReleaseSource> {
  if (from === undefined) return { kind: 'url', url: site.tarballUrl(version) };
  if (/^https?:\/\//i.test(from)) return { kind: 'url', url: releaseUrl(from, version) };
  const local = await localSource(from, cwd);
  if (local === undefined) throw new CacheError(`${from}: sync source not found`);
  return local;
}

function releaseUrl(from: string, version: string): URL {
  const url = parseHttpUrl(from, '--from');
  return namesTarball(url) ? url : urlUnder(url, `${version}.tgz`);
}

/** The description stored in the lock's `source` (no query string, no credentials). */
export function describeSource(source: ReleaseSource): string {
  if (source.kind === 'url') return describeUrl(source.url);
  return `${source.kind}:${source.path}`;
}
