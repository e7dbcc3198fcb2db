// Synchronous checks on a webhook URL, done before a delivery is accepted: shape, scheme,
// userinfo, port, and IP-literal / local-name hosts. Names are judged again after DNS resolution
// by the guarded connector, which is what actually pins the connection.
import { isIP } from 'node:net';
import { isDeniedAddress } from './deny-list.js';
import { isLocalHostName } from './host-names.js';
import type { SsrfPolicy } from './policy.js';

export interface WebhookTarget {
  /** `scheme://host[:port]`, the key of the keep-alive pool. */
  readonly origin: string;
  /** Path and query, as sent on the request line. */
  readonly path: string;
}

export type TargetCheck =
  | { readonly ok: true; readonly target: WebhookTarget }
  | { readonly ok: false; readonly errorClass: 'invalid_url' | 'ssrf_blocked' };

export function checkTargetUrl(rawUrl: string, policy: SsrfPolicy): TargetCheck {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, errorClass: 'invalid_url' };
  }
  const shapeProblem = shapeProblemOf(url);
  if (shapeProblem) {
    return { ok: false, errorClass: shapeProblem };
  }
  if (!isAllowedByPolicy(url, policy)) {
    return { ok: false, errorClass: 'ssrf_blocked' };
  }
  return { ok: true, target: { origin: url.origin, path: `${url.pathname}${url.search}` } };
}

function shapeProblemOf(url: URL): 'invalid_url' | undefined {
  const supportedScheme = url.protocol === 'https:' || url.protocol === 'http:';
  const hasUserinfo = url.username !== '' || url.password !== '';
  return supportedScheme && !hasUserinfo && url.hostname !== '' ? undefined : 'invalid_url';
}

function isAllowedByPolicy(url: URL, policy: SsrfPolicy): boolean {
  if (!isPortAllowed(portOf(url), policy)) {
    return false;
  }
  if (policy.allowPrivateNetwork) {
    return true;
  }
  if (url.protocol !== 'https:') {
    return false;
  }
  const host = unbracket(url.hostname);
  return isIP(host) === 0 ? !isLocalHostName(host) : !isDeniedAddress(host);
}

export function isPortAllowed(port: number, policy: SsrfPolicy): boolean {
  return policy.allowedPorts === undefined || policy.allowedPorts.has(port);
}

function portOf(url: URL): number {
  if (url.port !== '') {
    return Number(url.port);
  }
  return url.protocol === 'https:' ? 443 : 80;
}

/** `[::1]` → `::1`; other hosts unchanged. */
export function unbracket(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}
