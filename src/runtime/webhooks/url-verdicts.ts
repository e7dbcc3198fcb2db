// Memoizes, per URL string, the two costly checks of a push-config URL: the delivery runtime's
// synchronous SSRF check (scheme, userinfo, port, IP-literal and local-name hosts) per SSRF policy,
// and the generated schema validator's verdict on the `url` member (`format: uri`). The check is a pure function of the URL string and the
// policy, and buyers reuse one webhook URL across many calls (correlation lives in
// `operation_id`, not the URL), so the sync path usually skips URL parsing entirely. DNS is still
// judged at delivery time by the guarded connector.
import { validatePushNotificationConfig, type ValidationIssue } from '../../generated/index.js';
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

const schemaIssuesByUrl = new Map<string, readonly ValidationIssue[]>();
const NO_ISSUES: readonly ValidationIssue[] = Object.freeze([]);

export function isUrlIssue(issue: ValidationIssue): boolean {
  return issue.path === '/url' || issue.path.startsWith('/url/');
}

/** The generated validator's issues with `url` itself (validated alone, other members ignored). */
export function urlSchemaIssues(url: string): readonly ValidationIssue[] {
  const known = schemaIssuesByUrl.get(url);
  if (known !== undefined) return known;
  const checked = validatePushNotificationConfig({ url });
  const issues = checked.ok ? NO_ISSUES : Object.freeze(checked.errors.filter(isUrlIssue));
  if (url.length <= MAX_CACHED_URL_LENGTH) {
    if (schemaIssuesByUrl.size >= MAX_CACHED_URLS) schemaIssuesByUrl.clear();
    schemaIssuesByUrl.set(url, issues);
  }
  return issues;
}
