// Buyer-side verification of a legacy HMAC-SHA256 webhook (security.mdx "Verification order"):
// both headers present, numeric timestamp, |now - timestamp| ≤ 300 s, constant-time compare against
// each configured secret (current and previous during rotation) over the raw body bytes, then the
// duplicate-key body check (an empty body or a raw control character inside a string is not refused).
// The configured secrets meet the signer's policy or nothing verifies; unreadable input fails closed.
import { isUnambiguousJson, LEGACY_HMAC_BODY_SCAN } from '../json/duplicate-keys.js';
import { bytesEqual } from './constant-time.js';
import { headerValue, type HeaderSource } from './headers.js';
import { HMAC_SIGNATURE_HEADER, HMAC_TIMESTAMP_HEADER, hmacHex } from './hmac-signer.js';
import { secretDefect } from './secret-policy.js';

/** Why a legacy HMAC-SHA256 webhook was rejected, as the specification names it (security.mdx "Webhook error taxonomy"). */
export type HmacVerificationCode =
  | 'webhook_hmac_headers_missing'
  | 'webhook_hmac_timestamp_invalid'
  | 'webhook_hmac_window_invalid'
  | 'webhook_hmac_signature_invalid'
  | 'webhook_hmac_secret_invalid'
  | 'webhook_verifier_input_invalid'
  | 'webhook_mode_mismatch'
  | 'webhook_body_malformed';

/** Result of {@link verifyHmacWebhook}: `{ ok: true }` or `{ ok: false, code }`. */
export type HmacVerification = { readonly ok: true } | { readonly ok: false; readonly code: HmacVerificationCode };

/**
 * Input of {@link verifyHmacWebhook}: received headers, the raw body, the secret (or current and previous during
 * rotation) and the current time.
 */
export interface VerifyHmacWebhookInput {
  readonly headers: HeaderSource;
  /** The raw body bytes as received. */
  readonly body: Uint8Array | string;
  /**
   * The shared secret, or [current, previous] during a rotation window. Every secret must meet the
   * signer's policy (≥ 32 bytes, not one repeated character); otherwise verification fails with
   * `webhook_hmac_secret_invalid` whatever the request.
   */
  readonly secret: string | readonly string[];
  /** Current time, unix seconds. */
  readonly now: number;
}

/** Largest clock skew accepted for the legacy HMAC-SHA256 timestamp: 300 s either way. */
export const HMAC_WINDOW_SECONDS = 300;

interface HmacInput {
  readonly headers: HeaderSource;
  readonly body: Uint8Array | string;
  readonly secrets: readonly string[];
  readonly now: number;
}

class HmacRejection {
  constructor(readonly code: HmacVerificationCode) {}
}

/**
 * Verifies a legacy HMAC-SHA256 webhook. Never throws: a weak or missing secret, or input that
 * cannot be read (throwing getters, a body that is not bytes or a string), is a typed failure.
 * Implements building/by-layer/L1/security.mdx — Legacy HMAC-SHA256 fallback, "Verification order"
 * and "Secret rotation"; building/by-layer/L3/webhooks.mdx — Legacy HMAC-SHA256 fallback.
 */
export function verifyHmacWebhook(input: VerifyHmacWebhookInput): HmacVerification {
  try {
    runChecks(readInput(input));
    return { ok: true };
  } catch (error) {
    return { ok: false, code: error instanceof HmacRejection ? error.code : 'webhook_verifier_input_invalid' };
  }
}

/** Reads each input member once, so a getter cannot answer differently between checks. */
function readInput(input: VerifyHmacWebhookInput): HmacInput {
  const { headers, body, secret, now } = input;
  const secrets = configuredSecrets(secret);
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) throw new HmacRejection('webhook_verifier_input_invalid');
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new HmacRejection('webhook_verifier_input_invalid');
  if (typeof headers !== 'object' || headers === null) throw new HmacRejection('webhook_verifier_input_invalid');
  return { headers, body, secrets, now };
}

function configuredSecrets(secret: unknown): readonly string[] {
  const secrets: unknown[] = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? Array.from(secret) : [];
  if (secrets.length === 0 || secrets.some((candidate) => secretDefect(candidate) !== undefined)) {
    throw new HmacRejection('webhook_hmac_secret_invalid');
  }
  return secrets as string[];
}

function runChecks({ headers, body, secrets, now }: HmacInput): void {
  const signature = headerValue(headers, HMAC_SIGNATURE_HEADER);
  const timestamp = headerValue(headers, HMAC_TIMESTAMP_HEADER);
  if (signature === undefined || timestamp === undefined || signature === '') {
    const signed9421 = headerValue(headers, 'signature-input') !== undefined;
    reject(signed9421 && signature === undefined ? 'webhook_mode_mismatch' : 'webhook_hmac_headers_missing');
  }
  if (!/^\d{1,15}$/.test(timestamp)) reject('webhook_hmac_timestamp_invalid');
  if (Math.abs(now - Number(timestamp)) > HMAC_WINDOW_SECONDS) reject('webhook_hmac_window_invalid');
  const received = /^sha256=([0-9a-fA-F]{64})$/.exec(signature)?.[1];
  if (received === undefined) reject('webhook_hmac_signature_invalid');
  if (!matchesAnySecret(secrets, timestamp, body, Buffer.from(received, 'hex'))) reject('webhook_hmac_signature_invalid');
  if (!isUnambiguousJson(body, LEGACY_HMAC_BODY_SCAN)) reject('webhook_body_malformed');
}

function matchesAnySecret(secrets: readonly string[], timestamp: string, body: Uint8Array | string, received: Buffer): boolean {
  let matched = false;
  for (const secret of secrets) {
    // Every secret is tried (no early exit) so timing does not reveal which one matched.
    matched = bytesEqual(Buffer.from(hmacHex(secret, timestamp, body), 'hex'), received) || matched;
  }
  return matched;
}

function reject(code: HmacVerificationCode): never {
  throw new HmacRejection(code);
}
