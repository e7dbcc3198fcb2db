// The synchronous SSRF shape check of a URL (scheme, userinfo, port, literal and local hosts) is a
// pure function of the URL string and the policy, and a seller sends to the same few buyer URLs
// again and again: results are kept per policy, per URL, in a small bounded cache (emptied
// wholesale when full, so no Map iteration). The DNS-time check in the guarded connector still
// runs for every connection.
import type { SsrfPolicy } from './policy.js';
import { checkTargetUrl, type TargetCheck } from './target-url.js';

const MAX_CACHED_URLS = 1024;
const MAX_CACHED_URL_LENGTH = 2048;
const byPolicy = new WeakMap<SsrfPolicy, Map<string, TargetCheck>>();

export function checkTargetUrlCached(url: string, policy: SsrfPolicy): TargetCheck {
  let cache = byPolicy.get(policy);
  if (cache === undefined) {
    cache = new Map();
    byPolicy.set(policy, cache);
  }
  const cached = cache.get(url);
  if (cached !== undefined) return cached;
  const check = checkTargetUrl(url, policy);
  if (url.length <= MAX_CACHED_URL_LENGTH) {
    if (cache.size >= MAX_CACHED_URLS) cache.clear();
    cache.set(url, check);
  }
  return check;
}
