// Maps a receiver's HTTP status (and, for 401, its WWW-Authenticate challenge) to an error class.
// AdCP: 2xx delivered; 409, 413, 3xx and other 4xx terminal; 429, 5xx and a plain 401 retried; a
// 401 carrying `Signature error="webhook_…"` is a verification failure and terminal
// (building/by-layer/L3/webhooks.mdx "Reliability"; building/by-layer/L1/security.mdx "Webhook
// error taxonomy", "Retry semantics for verification failures").
import type { DeliveryErrorClass } from './error-class.js';

/** `undefined` means delivered. */
export function classifyStatus(status: number, wwwAuthenticate: string | undefined): DeliveryErrorClass | undefined {
  if (status >= 200 && status < 300) return undefined;
  if (status >= 300 && status < 400) return 'redirect';
  if (status === 401) return isWebhookSignatureChallenge(wwwAuthenticate) ? 'signature_rejected' : 'http_401';
  if (status === 409) return 'http_409';
  if (status === 413) return 'http_413';
  if (status === 429) return 'http_429';
  if (status >= 400 && status < 500) return 'http_4xx';
  if (status >= 500 && status < 600) return 'http_5xx';
  return 'protocol_error';
}

const SIGNATURE_ERROR = /(?:^|,)\s*Signature\b[^,]*?(?:^|[\s,])error\s*=\s*"?webhook_[A-Za-z0-9_]+/i;

/** True for a `Signature` challenge whose `error` names a code of the webhook taxonomy. */
export function isWebhookSignatureChallenge(wwwAuthenticate: string | undefined): boolean {
  return wwwAuthenticate !== undefined && SIGNATURE_ERROR.test(wwwAuthenticate);
}
