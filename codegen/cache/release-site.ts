import { CacheError } from './cache-error.js';

/** Where AdCP publishes its releases: `<base>/protocol/<v>.tgz` (+ `.sha256`) and `<base>/schemas/latest.json`. */
export const DEFAULT_RELEASE_BASE_URL = 'https://adcontextprotocol.org/';

export interface ReleaseSite {
  /** The release tarball of `version`. */
  tarballUrl(version: string): URL;
  /** The published pointer to the latest release (`schemas/index.json` `latest_stable` on the release site). */
  latestUrl(): URL;
}

/**
 * The release site at `base` (default: adcontextprotocol.org), for mirrors and tests. A query string on
 * the base (a mirror's token) is carried to every URL built from it. `name` says where the value came
 * from (an option or an environment variable), for the error message.
 */
export function releaseSite(base: string | undefined = DEFAULT_RELEASE_BASE_URL, name = '--base-url'): ReleaseSite {
  const root = parseHttpUrl(base, name);
  return {
    tarballUrl: (version) => urlUnder(root, `protocol/${version}.tgz`),
    latestUrl: () => urlUnder(root, 'schemas/latest.json'),
  };
}

/** `relative` resolved under `base` as a folder (`…/x` counts as `…/x/`), keeping the base's query string. */
export function urlUnder(base: URL, relative: string): URL {
  const folder = new URL(base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`, base);
  const url = new URL(relative, folder);
  url.search = base.search;
  return url;
}

/** How a URL may appear in messages and the lock: no credentials, no query string. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** `text` as an http(s) URL; `name` (an option, a variable) says in the error what was given. */
export function parseHttpUrl(text: string, name: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CacheError(`${name}: not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CacheError(`${name}: not an http(s) URL`);
  return url;
}
