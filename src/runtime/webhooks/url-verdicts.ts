// The two costly checks of a push-config URL, each memoized per URL string: the delivery runtime's
// synchronous SSRF check (cached in ssrf/target-url-cache.ts, per policy) and the generated schema
// validator's verdict on the `url` member (`format: uri`). Buyers reuse one webhook URL across many
// calls (correlation lives in `operation_id`, not the URL), so the sync path usually skips URL
// parsing entirely. DNS is still judged at delivery time by the guarded connector.
import { validatePushNotificationConfig, type ValidationIssue } from '../../generated/index.js';
import type { SsrfPolicy } from '../ssrf/index.js';
import { checkTargetUrlCached } from '../ssrf/target-url-cache.js';

export type UrlVerdict = 'ok' | 'invalid_url' | 'ssrf_blocked';

const MAX_CACHED_URLS = 1_024;
const MAX_CACHED_URL_LENGTH = 2_048;

/** The SSRF verdict on a push-config URL; the check itself is cached per policy in the SSRF module. */
export function urlVerdict(url: string, policy: SsrfPolicy): UrlVerdict {
  const check = checkTargetUrlCached(url, policy);
  return check.ok ? 'ok' : check.errorClass;
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
