// The two costly checks of a push-config URL, each memoized per URL string: the delivery runtime's
// synchronous SSRF check (cached in ssrf/target-url-cache.ts, per policy) and the generated schema
// validator's verdict on the `url` member (`format: uri`), kept per binding. Buyers reuse one webhook URL across many
// calls (correlation lives in `operation_id`, not the URL), so the sync path usually skips URL
// parsing entirely. DNS is still judged at delivery time by the guarded connector.
import type { AnyAdcpBinding, BindingValidationIssue } from '../binding/index.js';
import { DEFAULT_BINDING } from '../routing/binding-types.js';
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

/** Per binding: each AdCP version's schema judges `url` on its own. */
const schemaIssuesByBinding = new WeakMap<AnyAdcpBinding, Map<string, readonly BindingValidationIssue[]>>();
const NO_ISSUES: readonly BindingValidationIssue[] = Object.freeze([]);

export function isUrlIssue(issue: BindingValidationIssue): boolean {
  return issue.path === '/url' || issue.path.startsWith('/url/');
}

/** The binding's validator's issues with `url` itself (validated alone, other members ignored). */
export function urlSchemaIssues(url: string, binding: AnyAdcpBinding = DEFAULT_BINDING): readonly BindingValidationIssue[] {
  const byUrl = schemaIssuesOf(binding);
  const known = byUrl.get(url);
  if (known !== undefined) return known;
  const checked = binding.validatePushNotificationConfig({ url });
  const issues = checked.ok ? NO_ISSUES : Object.freeze(checked.errors.filter(isUrlIssue));
  if (url.length <= MAX_CACHED_URL_LENGTH) {
    if (byUrl.size >= MAX_CACHED_URLS) byUrl.clear();
    byUrl.set(url, issues);
  }
  return issues;
}

function schemaIssuesOf(binding: AnyAdcpBinding): Map<string, readonly BindingValidationIssue[]> {
  let byUrl = schemaIssuesByBinding.get(binding);
  if (byUrl === undefined) {
    byUrl = new Map();
    schemaIssuesByBinding.set(binding, byUrl);
  }
  return byUrl;
}
