// Buyer-side verification of a legacy HMAC-SHA256 webhook (security.mdx "Verification order"):
// both headers present, numeric timestamp, |now - timestamp| ≤ 300 s, constant-time compare against
// each configured secret (current and previous during rotation), then duplicate-key body check.
import { isUnambiguousJson } from '../json/duplicate-keys.js';
import { bytesEqual } from './constant-time.js';
import { headerValue, type HeaderSource } from './headers.js';
import { HMAC_SIGNATURE_HEADER, HMAC_TIMESTAMP_HEADER, hmacHex } from './hmac-signer.js';

export type HmacVerificationCode =
  | 'webhook_hmac_headers_missing'
  | 'webhook_hmac_timestamp_invalid'
  | 'webhook_hmac_window_invalid'
  | 'webhook_hmac_signature_invalid'
  | 'webhook_mode_mismatch'
  | 'webhook_body_malformed';

export type HmacVerification = { readonly ok: true } | { readonly ok: false; readonly code: HmacVerificationCode };

export interface VerifyHmacWebhookInput {
  readonly headers: HeaderSource;
  /** The raw body bytes as received. */
  readonly body: Uint8Array | string;
  /** The shared secret, or [current, previous] during a rotation window. */
  readonly secret: string | readonly string[];
  /** Current time, unix seconds. */
  readonly now: number;
}

export const HMAC_WINDOW_SECONDS = 300;

export function verifyHmacWebhook(input: VerifyHmacWebhookInput): HmacVerification {
  const signature = headerValue(input.headers, HMAC_SIGNATURE_HEADER);
  const timestamp = headerValue(input.headers, HMAC_TIMESTAMP_HEADER);
  if (signature === undefined || timestamp === undefined || signature === '') {
    const signed9421 = headerValue(input.headers, 'signature-input') !== undefined;
    return fail(signed9421 && signature === undefined ? 'webhook_mode_mismatch' : 'webhook_hmac_headers_missing');
  }
  if (!/^\d{1,15}$/.test(timestamp)) return fail('webhook_hmac_timestamp_invalid');
  if (Math.abs(input.now - Number(timestamp)) > HMAC_WINDOW_SECONDS) return fail('webhook_hmac_window_invalid');
  const received = /^sha256=([0-9a-fA-F]{64})$/.exec(signature)?.[1];
  if (received === undefined) return fail('webhook_hmac_signature_invalid');
  const receivedBytes = Buffer.from(received, 'hex');
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  let matched = false;
  for (const secret of secrets) {
    // Every secret is tried (no early exit) so timing does not reveal which one matched.
    matched = bytesEqual(Buffer.from(hmacHex(secret, timestamp, input.body), 'hex'), receivedBytes) || matched;
  }
  if (!matched) return fail('webhook_hmac_signature_invalid');
  return isUnambiguousJson(input.body) ? { ok: true } : fail('webhook_body_malformed');
}

function fail(code: HmacVerificationCode): HmacVerification {
  return { ok: false, code };
}
