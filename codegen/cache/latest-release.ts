// `latest`: the published pointer `<site>/schemas/latest.json`
// (`{"latest":"3.1.19","latest_stable":"3.1.19","channel":"stable",…}`) resolved to a concrete release.
// The docs: "Do not infer the canonical version from directory order… Use latest_stable or the aliases
// map" — so `latest_stable` it is, and nothing else is guessed. The value ends up in URLs and paths: it
// must be a release version, never a path.
import { CacheError } from './cache-error.js';
import { downloadText } from './download.js';
import { describeUrl, type ReleaseSite } from './release-site.js';
import { isReleaseVersion } from './release-version.js';

export const LATEST = 'latest';

export interface LatestRelease {
  readonly version: string;
  /** The pointer it was read from (no query string or credentials). */
  readonly pointer: string;
}

export async function resolveLatestRelease(site: ReleaseSite): Promise<LatestRelease> {
  const url = site.latestUrl();
  const pointer = describeUrl(url);
  const text = await downloadText(url, pointer, 'no latest-release pointer published there');
  return { version: latestStableVersion(text, pointer), pointer };
}

export function latestStableVersion(text: string, label: string): string {
  let pointer: unknown;
  try {
    pointer = JSON.parse(text);
  } catch {
    throw new CacheError(`${label}: not valid JSON`);
  }
  if (typeof pointer !== 'object' || pointer === null || Array.isArray(pointer)) {
    throw new CacheError(`${label}: not a latest-release pointer (expected a JSON object)`);
  }
  const value = (pointer as Record<string, unknown>)['latest_stable'];
  if (value === undefined) throw new CacheError(`${label}: no "latest_stable" field`);
  if (typeof value !== 'string' || !isReleaseVersion(value)) {
    throw new CacheError(`${label}: "latest_stable" is ${shortJson(value)}, not an AdCP release version`);
  }
  return value;
}

/** A hostile pointer may hold anything: quote it escaped and short. */
function shortJson(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
