// Authentication of one received webhook in the registration's mode (security.mdx "Webhook
// callbacks": mode selection is a switch; the verifier checklist for the RFC 9421 profile; the
// legacy HMAC-SHA256 verification order; the legacy Bearer credential). Answers the authenticated
// sender identity, or a rejection. Key-source and store failures fail closed (503).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookKeyLookup, WebhookKeySource } from '../keys/webhook-key-source.js';
import { tokensEqual } from '../signing/constant-time.js';
import { HMAC_SIGNATURE_HEADER } from '../signing/hmac-signer.js';
import { verifyHmacWebhook } from '../signing/hmac-verifier.js';
import { canonicalizeUrl } from '../signing/target-uri.js';
import {
  checkBodyWellFormed,
  checkContentDigest,
  checkSignature,
  checkWebhookKeyPurpose,
  parseWebhookSignature,
  recomputeSignatureBase,
  replayExpiry,
  type ChecklistFailure,
  type ParsedWebhookSignature,
  type Phase,
} from '../signing/webhook-checklist.js';
import { canonicalSignatureBase, canonicalUrlOf, parseCanonicalSignature } from './canonical-signature.js';
import type { WebhookAuthMode, WebhookRejection } from './events.js';
import type { BearerRegistration, HmacRegistration, Rfc9421Registration, WebhookRegistration } from './registration.js';
import { checklistRejection, rejection } from './rejections.js';
import type { RequestSnapshot } from './request-snapshot.js';
import type { NonceAdmission, NonceStore } from './store-contract.js';

export interface AuthenticatedSender {
  readonly ok: true;
  readonly mode: WebhookAuthMode;
  readonly sender: string;
  readonly keyid?: string;
}

export type Authentication = AuthenticatedSender | WebhookRejection;

export interface AuthenticationContext {
  readonly keys: WebhookKeySource | undefined;
  readonly nonces: NonceStore;
  /** `shared`: one replay keyspace for every endpoint; `per-endpoint`: scoped by `@target-uri`. */
  readonly replayScope: 'shared' | 'per-endpoint';
  readonly nowSeconds: number;
  readonly explain: boolean;
}

export async function authenticate(
  request: RequestSnapshot,
  registration: WebhookRegistration,
  context: AuthenticationContext,
): Promise<Authentication> {
  switch (registration.mode) {
    case 'rfc9421':
      return verifyRfc9421(request, registration, context);
    case 'hmac':
      return verifyHmac(request, registration, context.nowSeconds);
    case 'bearer':
      return verifyBearer(request, registration);
    default:
      return rejection('webhook_receiver_unavailable', 'registration', 'the registration names no known mode');
  }
}

async function verifyRfc9421(
  request: RequestSnapshot,
  registration: Rfc9421Registration,
  context: AuthenticationContext,
): Promise<Authentication> {
  // Canonical headers take the fast path; anything else, and every failure, the generic checklist.
  const canonical = parseCanonicalSignature(request.headers, context.nowSeconds);
  const parsed = canonical === undefined ? parseWebhookSignature(request.headers, context.nowSeconds) : undefined; // steps 1–6
  if (parsed !== undefined && !parsed.ok) return checklistRejection(parsed, context.explain ? {} : undefined);
  const signature = canonical ?? (parsed as Extract<typeof parsed, { ok: true }>).value;

  if (context.keys === undefined) return rejection('webhook_receiver_unavailable', '7', 'no key source is configured');
  const lookup = await lookupKey(context.keys, signature.fields.keyid, registration.expectedSender, context.nowSeconds); // 7
  if (lookup === 'unavailable') return rejection('webhook_receiver_unavailable', '7', 'the key source failed');
  if (!lookup.ok) return failed(request, signature, context, 'webhook_signature_key_unknown', '7', safeDetail(lookup.detail, 'keyid not resolvable'));
  const purpose = checkWebhookKeyPurpose(lookup.jwk); // step 8
  if (purpose !== undefined) return explained(request, signature, context, purpose);
  if (lookup.revocation === 'revoked') return failed(request, signature, context, 'webhook_signature_key_revoked', '9', 'keyid is on the revocation list');
  if (lookup.revocation !== 'valid') {
    return failed(request, signature, context, 'webhook_signature_revocation_stale', '9', 'the revocation list is past next_update + grace');
  }
  const base = signatureBaseOf(request, signature, canonical !== undefined); // step 10
  if (!base.ok) return explained(request, signature, context, base);
  const invalid = checkSignature(base.value, signature, lookup.jwk) ?? digestFailure(signature, request.body); // 10, 11
  if (invalid !== undefined) return explained(request, signature, context, invalid);
  const admission = await admitNonce(context, request, signature); // 9a, 12, 13
  if (admission === 'unavailable') return rejection('webhook_receiver_unavailable', '13', 'the nonce store failed');
  if (admission.outcome === 'replayed') return failed(request, signature, context, 'webhook_signature_replayed', '12', 'this (keyid, nonce) was already accepted');
  if (admission.outcome === 'rate_abuse') {
    const cap = admission.cap === 'aggregate' ? 'aggregate' : 'per-keyid';
    return failed(request, signature, context, 'webhook_signature_rate_abuse', '9a', `the ${cap} replay-cache cap is reached`);
  }
  const body = checkBodyWellFormed(request.body); // step 14
  if (body !== undefined) return explained(request, signature, context, body);
  if (typeof lookup.senderId !== 'string' || lookup.senderId === '') {
    return rejection('webhook_receiver_unavailable', '7', 'the key source named no sender');
  }
  return { ok: true, mode: 'rfc9421', sender: lookup.senderId, keyid: signature.fields.keyid };
}

function explained(request: RequestSnapshot, signature: ParsedWebhookSignature, context: AuthenticationContext, failure: ChecklistFailure): WebhookRejection {
  return checklistRejection(failure, context.explain ? { signatureBase: baseForExplain(request, signature) } : undefined);
}

function failed(
  request: RequestSnapshot,
  signature: ParsedWebhookSignature,
  context: AuthenticationContext,
  code: ChecklistFailure['code'],
  step: ChecklistFailure['step'],
  detail: string,
): WebhookRejection {
  return explained(request, signature, context, { ok: false, code, step, detail });
}

/** Step 10's base: the canonical fast path when it applies, else the generic recomputation. */
function signatureBaseOf(request: RequestSnapshot, signature: ParsedWebhookSignature, canonical: boolean): Phase<string> {
  const fast = canonical ? canonicalSignatureBase(request, signature) : undefined;
  return fast === undefined ? recomputeSignatureBase(request, signature) : { ok: true, value: fast };
}

/**
 * Step 11. A 32-byte digest (every well-formed sha-256 value) is compared with one constant-time
 * compare of equal lengths; any other length goes to the checklist's own check, which rejects it.
 */
function digestFailure(signature: ParsedWebhookSignature, body: Uint8Array): ChecklistFailure | undefined {
  const presented = signature.contentDigest;
  if (presented === undefined || presented.byteLength !== SHA256_BYTES) return checkContentDigest(signature, body);
  const actual = createHash('sha256').update(body).digest();
  if (timingSafeEqual(actual, presented)) return undefined;
  return { ok: false, code: 'webhook_signature_digest_mismatch', step: '11', detail: 'Content-Digest does not match the body' };
}

const SHA256_BYTES = 32;

type ResolvedKey = Extract<WebhookKeyLookup, { ok: true }>;

async function lookupKey(
  keys: WebhookKeySource,
  keyid: string,
  expectedSender: string | undefined,
  now: number,
): Promise<ResolvedKey | { ok: false; detail?: string } | 'unavailable'> {
  try {
    const answer: unknown = await keys.lookup({ keyid, now, ...(expectedSender === undefined ? {} : { expectedSender }) });
    if (typeof answer !== 'object' || answer === null) return 'unavailable';
    const lookup = answer as WebhookKeyLookup;
    if (lookup.ok === true && typeof lookup.jwk === 'object' && lookup.jwk !== null) return lookup;
    if (lookup.ok === false) return { ok: false, detail: lookup.detail };
    return 'unavailable';
  } catch {
    return 'unavailable';
  }
}

async function admitNonce(
  context: AuthenticationContext,
  request: RequestSnapshot,
  signature: ParsedWebhookSignature,
): Promise<NonceAdmission | 'unavailable'> {
  try {
    const scope = context.replayScope === 'shared' ? '' : (canonicalUrlOf(request.url, undefined) ?? canonicalizeUrl(request.url)).targetUri;
    const admission = await context.nonces.admit({
      keyid: signature.fields.keyid,
      nonce: signature.fields.nonce,
      scope,
      expiresAt: replayExpiry(signature),
      now: context.nowSeconds,
    });
    const outcome = (admission as Partial<NonceAdmission> | null)?.outcome;
    return outcome === 'admitted' || outcome === 'replayed' || outcome === 'rate_abuse' ? admission : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

function baseForExplain(request: RequestSnapshot, signature: ParsedWebhookSignature): string | undefined {
  const base = recomputeSignatureBase(request, signature);
  return base.ok ? base.value : undefined;
}

/** A key source's detail, kept only when it is a short printable line. */
function safeDetail(detail: unknown, fallback: string): string {
  return typeof detail === 'string' && detail.length <= 200 && /^[\x20-\x7e]*$/.test(detail) ? detail : fallback;
}

function verifyHmac(request: RequestSnapshot, registration: HmacRegistration, nowSeconds: number): Authentication {
  const verdict = verifyHmacWebhook({ headers: request.headers, body: request.body, secret: registration.secret, now: nowSeconds });
  if (!verdict.ok) {
    const stage = verdict.code === 'webhook_mode_mismatch' ? 'mode' : verdict.code === 'webhook_body_malformed' ? '14' : 'hmac';
    return rejection(verdict.code, stage, hmacDetail(verdict.code));
  }
  return { ok: true, mode: 'hmac', sender: registration.sender };
}

function hmacDetail(code: string): string {
  switch (code) {
    case 'webhook_mode_mismatch':
      return 'RFC 9421-signed request on an HMAC registration';
    case 'webhook_hmac_headers_missing':
      return 'X-ADCP-Signature or X-ADCP-Timestamp is missing';
    case 'webhook_hmac_timestamp_invalid':
      return 'X-ADCP-Timestamp is not a unix-seconds integer';
    case 'webhook_hmac_window_invalid':
      return 'X-ADCP-Timestamp is more than 300 s from now';
    case 'webhook_body_malformed':
      return 'the body is not JSON or repeats an object key';
    default:
      return 'the HMAC does not match any configured secret';
  }
}

function verifyBearer(request: RequestSnapshot, registration: BearerRegistration): Authentication {
  const signed = request.headers.get('signature-input') !== null || request.headers.get(HMAC_SIGNATURE_HEADER) !== null;
  if (signed) return rejection('webhook_mode_mismatch', 'mode', 'signed request on a Bearer registration');
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.get('authorization') ?? '');
  const presented = match?.[1] ?? '';
  const credentials = typeof registration.credentials === 'string' ? [registration.credentials] : registration.credentials;
  let matched = false;
  // Every credential is compared (no early exit) so timing does not reveal which one matched.
  for (const credential of credentials) matched = tokensEqual(credential, presented) || matched;
  if (match === null || !matched) return rejection('webhook_bearer_invalid', 'bearer', 'the Bearer credential is missing or does not match');
  const body = checkBodyWellFormed(request.body);
  if (body !== undefined) return checklistRejection(body);
  return { ok: true, mode: 'bearer', sender: registration.sender };
}
