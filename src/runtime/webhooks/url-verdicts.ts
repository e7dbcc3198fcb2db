// Memoizes the delivery runtime's synchronous URL check (scheme, userinfo, port, IP-literal and
// local-name hosts) per SSRF policy. The check is a pure function of the URL string and the
// policy, and buyers reuse one webhook URL across many calls (correlation lives in
// `operation_id`, not the URL), so the sync path usually skips URL parsing entirely. DNS is still
// judged at delivery time by the guarded connector.
import { checkTargetUrl, type SsrfPolicy } from '../ssrf/index.js';

export type UrlVerdict = 'ok' | 'invalid_url' | 'ssrf_blocked';

const MAX_CACHED_URLS = 1_024;
const MAX_CACHED_URL_LENGTH = 2_048;
const verdictsByPolicy = new WeakMap<SsrfPolicy, Map<string, UrlVerdict>>();

export function urlVerdict(url: string, policy: SsrfPolicy): UrlVerdict {
  let verdicts = verdictsByPolicy.get(policy);
  if (verdicts === undefined) {
    verdicts = new Map();
    verdictsByPolicy.set(policy, verdicts);
  }
  const known = verdicts.get(url);
  if (known !== undefined) return known;
  const check = checkTargetUrl(url, policy);
  const verdict: UrlVerdict = check.ok ? 'ok' : check.errorClass;
  if (url.length <= MAX_CACHED_URL_LENGTH) {
    // Clearing wholesale keeps the bound without Map iteration; a refill costs one parse per URL.
    if (verdicts.size >= MAX_CACHED_URLS) verdicts.clear();
    verdicts.set(url, verdict);
  }
  return verdict;
}
