// Buyer-side verification of an RFC 9421-signed AdCP webhook, following the "Verifier checklist for
// webhooks" in security.mdx (steps 1–14, short-circuiting on the first failure), for callers that
// hold the signer's keys and revoked kids up front. The phases live in webhook-checklist.ts; the
// webhook receiver (receiver/) runs the same phases around an asynchronous key source and store.
import type { Jwks, PublicJwk } from '../keys/jwk.js';
import type { HeaderSource } from './headers.js';
import type { ReplayGuard } from './replay-cache.js';
import {
  checkBodyWellFormed,
  checkContentDigest,
  checkSignature,
  checkWebhookKeyPurpose,
  parseWebhookSignature,
  recomputeSignatureBase,
  replayExpiry,
  type ChecklistFailure,
  type WebhookVerificationCode,
} from './webhook-checklist.js';

export type { WebhookVerificationCode } from './webhook-checklist.js';

/**
 * Result of {@link verifyRfc9421Webhook}: `{ ok: true, keyid }` or `{ ok: false, code }` with the specification's
 * error code (security.mdx "Webhook error taxonomy").
 */
export type WebhookVerification =
  | { readonly ok: true; readonly keyid: string }
  | { readonly ok: false; readonly code: WebhookVerificationCode };

/**
 * Input of {@link verifyRfc9421Webhook}: method, URL, headers and raw body as received, the sender's public JWKs,
 * the current time, and optionally the replay guard and revoked key ids.
 */
export interface VerifyRfc9421WebhookInput {
  readonly method: string;
  /** The absolute URL the request arrived at: scheme, `Host`/`:authority`, request target. */
  readonly url: string;
  /** The `:authority` / `Host` value as received, when `url` was not built from it; must match. */
  readonly authority?: string;
  readonly headers: HeaderSource;
  /** The raw body bytes as received (before any JSON parsing). */
  readonly body: Uint8Array | string;
  /** The signer's public JWKs, as a list or as the JWKS document its brand.json `jwks_uri` serves. */
  readonly jwks: readonly PublicJwk[] | Jwks;
  /** Current time, unix seconds. */
  readonly now: number;
  readonly replay?: ReplayGuard;
  readonly revokedKids?: ReadonlySet<string>;
}

/**
 * Runs the webhook verifier checklist (security.mdx "Webhook callbacks" → "Verifier checklist for
 * webhooks") synchronously against keys held in memory. A request with no signature headers at
 * all answers `webhook_signature_header_malformed`.
 */
export function verifyRfc9421Webhook(input: VerifyRfc9421WebhookInput): WebhookVerification {
  const outcome = runChecklist(input);
  if (outcome.ok) return outcome;
  const code = outcome.code === 'webhook_signature_missing' ? 'webhook_signature_header_malformed' : outcome.code;
  return { ok: false, code };
}

function runChecklist(input: VerifyRfc9421WebhookInput): { ok: true; keyid: string } | ChecklistFailure {
  const parsed = parseWebhookSignature(input.headers, input.now); // steps 1–6
  if (!parsed.ok) return parsed;
  const { keyid, nonce } = parsed.value.fields;
  const matches = keyList(input.jwks).filter((jwk) => isRecordLike(jwk) && jwk.kid === keyid); // step 7
  const jwk = matches.length === 1 ? matches[0] : undefined;
  if (jwk === undefined) return reject('webhook_signature_key_unknown');
  const purpose = checkWebhookKeyPurpose(jwk as never); // step 8
  if (purpose !== undefined) return purpose;
  if (input.revokedKids?.has(keyid) ?? false) return reject('webhook_signature_key_revoked'); // step 9
  if (input.replay?.capReached?.(keyid, input.now) ?? false) return reject('webhook_signature_rate_abuse'); // 9a
  const base = recomputeSignatureBase(input, parsed.value); // step 10
  if (!base.ok) return base;
  const signature = checkSignature(base.value, parsed.value, jwk as never);
  if (signature !== undefined) return signature;
  const digest = checkContentDigest(parsed.value, input.body); // step 11
  if (digest !== undefined) return digest;
  if (input.replay?.seen(keyid, nonce, input.now) ?? false) return reject('webhook_signature_replayed'); // step 12
  input.replay?.remember?.(keyid, nonce, replayExpiry(parsed.value)); // step 13
  return checkBodyWellFormed(input.body) ?? { ok: true, keyid }; // step 14
}

/** The keys of a JWKS document or list; anything else holds no keys (the verifier fails closed). */
function keyList(jwks: readonly PublicJwk[] | Jwks): readonly PublicJwk[] {
  if (Array.isArray(jwks)) return jwks;
  const keys = isRecordLike(jwks) ? (jwks as Partial<Jwks>).keys : undefined;
  return Array.isArray(keys) ? keys : [];
}

function isRecordLike(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function reject(code: WebhookVerificationCode): ChecklistFailure {
  return { ok: false, code, step: '1', detail: code };
}
