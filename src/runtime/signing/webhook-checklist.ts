// The "Verifier checklist for webhooks" (security.mdx "Webhook callbacks") cut into phases, so a
// caller can put an asynchronous key lookup and an asynchronous replay store between them:
//   parse (steps 1–6) → key purpose (step 8) → signature (step 10) → digest (step 11) → body (step 14).
// Key resolution (7), revocation (9), the replay cap (9a) and the replay cache (12, 13) are the
// caller's. Every phase returns a result; none throws on hostile input. A failure names its step
// and a short operator-facing detail that never carries a secret, a signature or key material.
import type { KeyObject } from 'node:crypto';
import { isUnambiguousJson } from '../json/duplicate-keys.js';
import { decodeBase64UrlStrict } from './base64.js';
import { bytesEqual } from './constant-time.js';
import { sha256 } from './content-digest.js';
import { HMAC_SIGNATURE_HEADER } from './hmac-signer.js';
import { headerValue, type HeaderSource } from './headers.js';
import {
  assembleSignatureBase,
  MAX_SIGNATURE_VALIDITY_SECONDS,
  SIGNATURE_LABEL,
  WEBHOOK_COVERED_COMPONENTS,
  WEBHOOK_SIGNING_TAG,
  type SignatureAlgorithm,
} from './signature-base.js';
import { parseBinaryMember, parseSignatureInputMember, type ParsedSignatureInput } from './signature-headers.js';
import { importPublicJwk, JWK_ALG_FOR, verifyBytes } from './signing-keys.js';
import { canonicalizeUrl, type CanonicalUrl } from './target-uri.js';

/** The webhook error taxonomy (security.mdx "Webhook error taxonomy"). */
export type WebhookVerificationCode =
  | 'webhook_signature_header_malformed'
  | 'webhook_signature_params_incomplete'
  | 'webhook_signature_tag_invalid'
  | 'webhook_signature_alg_not_allowed'
  | 'webhook_signature_window_invalid'
  | 'webhook_signature_components_incomplete'
  | 'webhook_signature_key_unknown'
  | 'webhook_signature_key_purpose_invalid'
  | 'webhook_signature_key_revoked'
  | 'webhook_signature_revocation_stale'
  | 'webhook_signature_rate_abuse'
  | 'webhook_signature_invalid'
  | 'webhook_signature_digest_mismatch'
  | 'webhook_signature_replayed'
  | 'webhook_target_uri_malformed'
  | 'webhook_body_malformed'
  | 'webhook_mode_mismatch';

/**
 * A checklist outcome: the taxonomy codes plus `webhook_signature_missing`, the diagnostic code
 * for a request carrying neither `Signature` nor `Signature-Input` (step 1 with nothing to parse).
 */
export type WebhookChecklistCode = WebhookVerificationCode | 'webhook_signature_missing';

/** Checklist step numbers as security.mdx numbers them (9a is the replay-cap sub-step). */
export type ChecklistStep = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '9a' | '10' | '11' | '12' | '13' | '14';

/** One failed checklist step. `detail` is for operators: no secret, signature or key bytes. */
export interface ChecklistFailure {
  readonly ok: false;
  readonly code: WebhookChecklistCode;
  readonly step: ChecklistStep;
  readonly detail: string;
}

/** The signature parameters steps 2–5 require. */
export interface SignatureFields {
  readonly created: number;
  readonly expires: number;
  readonly nonce: string;
  readonly keyid: string;
  readonly alg: string;
  readonly tag: string;
}

/** What steps 1–6 extracted from the headers; input to the later phases. */
export interface ParsedWebhookSignature {
  readonly signatureInput: ParsedSignatureInput;
  readonly fields: SignatureFields;
  readonly signature: Uint8Array;
  /** The decoded `Content-Digest: sha-256=:…:` value, when present and well-formed. */
  readonly contentDigest: Uint8Array | undefined;
}

/** The request as the verifier sees it (the signed URL, the as-received authority, headers). */
export interface ChecklistRequest {
  readonly method: string;
  /** The absolute URL the request arrived at: scheme, authority, request target. */
  readonly url: string;
  /** The as-received `:authority` / `Host`, when `url` was not built from it; must match. */
  readonly authority?: string;
  readonly headers: HeaderSource;
}

/** A public JWK as the checklist reads it (members beyond these are ignored). */
export interface ChecklistJwk {
  readonly kid?: string;
  readonly use?: string;
  readonly key_ops?: readonly string[];
  readonly adcp_use?: string;
  readonly alg?: string;
  readonly kty?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
}

export type Phase<T> = { readonly ok: true; readonly value: T } | ChecklistFailure;

const ALLOWED_ALGS: ReadonlySet<string> = new Set<SignatureAlgorithm>(['ed25519', 'ecdsa-p256-sha256']);
const REQUIRED_PARAMS = ['created', 'expires', 'nonce', 'keyid', 'alg', 'tag'] as const;
const WEBHOOK_KEY_PURPOSES: ReadonlySet<unknown> = new Set(['request-signing', 'webhook-signing']);
const DERIVED_COMPONENTS: ReadonlySet<string> = new Set(['@method', '@target-uri', '@authority']);
const TOKEN_COMPONENT = /^[a-z0-9!#$%&'*+\-.^_`|~]+$/;
/** Clock skew tolerated on both window edges (step 5) and added to the replay TTL (step 13). */
export const CLOCK_SKEW_SECONDS = 60;
const MIN_NONCE_BYTES = 16;

function fail(code: WebhookChecklistCode, step: ChecklistStep, detail: string): ChecklistFailure {
  return { ok: false, code, step, detail };
}

/** Steps 1–6: header parsing, required parameters, tag, algorithm, window, covered components. */
export function parseWebhookSignature(headers: HeaderSource, nowSeconds: number): Phase<ParsedWebhookSignature> {
  const inputHeader = headerValue(headers, 'signature-input');
  const signatureHeader = headerValue(headers, 'signature');
  if (inputHeader === undefined && signatureHeader === undefined) {
    if (headerValue(headers, HMAC_SIGNATURE_HEADER) !== undefined) {
      return fail('webhook_mode_mismatch', '1', 'HMAC-signed request on an RFC 9421 registration');
    }
    return fail('webhook_signature_missing', '1', 'neither Signature nor Signature-Input is present');
  }
  if (inputHeader === undefined || signatureHeader === undefined) {
    return fail('webhook_signature_header_malformed', '1', `${inputHeader === undefined ? 'Signature' : 'Signature-Input'} is present without the other`);
  }
  const signatureInput = parseSignatureInputMember(inputHeader, SIGNATURE_LABEL);
  if (signatureInput === undefined) return fail('webhook_signature_header_malformed', '1', 'Signature-Input has no well-formed sig1 member');
  const signature = parseBinaryMember(signatureHeader, SIGNATURE_LABEL);
  if (signature === undefined || !signature.ok) return fail('webhook_signature_header_malformed', '1', 'Signature has no well-formed sig1 member');
  if (!signatureInput.components.every(isSupportedComponent)) {
    return fail('webhook_signature_header_malformed', '1', 'a covered component name is not supported');
  }
  const contentDigest = parseContentDigest(headers);
  if (contentDigest === 'malformed') return fail('webhook_signature_header_malformed', '1', 'Content-Digest sha-256 member is malformed');
  const fields = requiredParams(signatureInput);
  if (!fields.ok) return fields;
  const judged = judgeFields(fields.value, signatureInput, nowSeconds);
  if (judged !== undefined) return judged;
  return { ok: true, value: { signatureInput, fields: fields.value, signature: signature.bytes, contentDigest } };
}

function parseContentDigest(headers: HeaderSource): Uint8Array | undefined | 'malformed' {
  const header = headerValue(headers, 'content-digest');
  if (header === undefined) return undefined;
  const digest = parseBinaryMember(header, 'sha-256');
  if (digest === undefined) return undefined;
  return digest.ok ? digest.bytes : 'malformed';
}

function isSupportedComponent(name: string): boolean {
  return DERIVED_COMPONENTS.has(name) || TOKEN_COMPONENT.test(name);
}

/** Step 2, plus the types the later steps need (a wrongly typed parameter is a malformed header). */
function requiredParams(signatureInput: ParsedSignatureInput): Phase<SignatureFields> {
  const { params } = signatureInput;
  const missing = REQUIRED_PARAMS.filter((name) => !params.has(name));
  if (missing.length > 0) return fail('webhook_signature_params_incomplete', '2', `missing signature parameter(s): ${missing.join(', ')}`);
  const created = params.get('created');
  const expires = params.get('expires');
  const nonce = params.get('nonce');
  const keyid = params.get('keyid');
  const alg = params.get('alg');
  const tag = params.get('tag');
  if (typeof created !== 'number' || !Number.isSafeInteger(created) || typeof expires !== 'number' || !Number.isSafeInteger(expires)) {
    return fail('webhook_signature_header_malformed', '1', 'created and expires must be integers');
  }
  if (typeof nonce !== 'string' || typeof keyid !== 'string' || typeof alg !== 'string' || typeof tag !== 'string') {
    return fail('webhook_signature_header_malformed', '1', 'nonce, keyid, alg and tag must be strings');
  }
  const nonceBytes = decodeBase64UrlStrict(nonce);
  if (!nonceBytes.ok || nonceBytes.bytes.byteLength < MIN_NONCE_BYTES) {
    return fail('webhook_signature_header_malformed', '1', `nonce must be base64url of at least ${MIN_NONCE_BYTES} bytes`);
  }
  return { ok: true, value: { created, expires, nonce, keyid, alg, tag } };
}

/** Steps 3–6. */
function judgeFields(fields: SignatureFields, signatureInput: ParsedSignatureInput, now: number): ChecklistFailure | undefined {
  if (fields.tag !== WEBHOOK_SIGNING_TAG) return fail('webhook_signature_tag_invalid', '3', `tag is not ${WEBHOOK_SIGNING_TAG}`);
  if (!ALLOWED_ALGS.has(fields.alg)) return fail('webhook_signature_alg_not_allowed', '4', 'alg is not ed25519 or ecdsa-p256-sha256');
  const window = windowProblem(fields, now);
  if (window !== undefined) return fail('webhook_signature_window_invalid', '5', window);
  const covered = new Set(signatureInput.components);
  const uncovered = WEBHOOK_COVERED_COMPONENTS.filter((name) => !covered.has(name));
  if (uncovered.length > 0) return fail('webhook_signature_components_incomplete', '6', `not covered: ${uncovered.join(', ')}`);
  return undefined;
}

function windowProblem({ created, expires }: SignatureFields, now: number): string | undefined {
  if (expires <= created) return 'expires is not after created';
  if (created > now + CLOCK_SKEW_SECONDS) return 'created is in the future beyond the 60 s skew';
  if (expires < now - CLOCK_SKEW_SECONDS) return 'the signature expired';
  if (expires - created > MAX_SIGNATURE_VALIDITY_SECONDS) return `expires - created exceeds ${MAX_SIGNATURE_VALIDITY_SECONDS} s`;
  return undefined;
}

/** Step 8: `use` is `sig`, `key_ops` includes `verify`, `adcp_use` is request-signing or webhook-signing. */
export function checkWebhookKeyPurpose(jwk: ChecklistJwk): ChecklistFailure | undefined {
  const keyOps: unknown = jwk.key_ops;
  if (jwk.use !== 'sig') return fail('webhook_signature_key_purpose_invalid', '8', 'JWK use is not "sig"');
  if (!Array.isArray(keyOps) || !keyOps.includes('verify')) return fail('webhook_signature_key_purpose_invalid', '8', 'JWK key_ops lacks "verify"');
  if (!WEBHOOK_KEY_PURPOSES.has(jwk.adcp_use)) {
    return fail('webhook_signature_key_purpose_invalid', '8', 'JWK adcp_use is not request-signing or webhook-signing');
  }
  return undefined;
}

/**
 * The RFC 9421 §2.5 signature base the verifier recomputes from the request (the first half of
 * step 10, with the `@authority` rule). Carries no secret: it is what the signer signed.
 */
export function recomputeSignatureBase(request: ChecklistRequest, parsed: ParsedWebhookSignature): Phase<string> {
  const url = canonicalRequestUrl(request);
  if (!url.ok) return url;
  const values = new Map<string, string>([
    ['@method', request.method.toUpperCase()],
    ['@target-uri', url.value.targetUri],
    ['@authority', url.value.authority],
  ]);
  for (const name of parsed.signatureInput.components) {
    if (DERIVED_COMPONENTS.has(name)) continue;
    const value = headerValue(request.headers, name);
    if (value === undefined) return fail('webhook_signature_header_malformed', '10', `covered header ${name} is absent`);
    if (/[\r\n]/.test(value)) return fail('webhook_signature_header_malformed', '10', `covered header ${name} contains a line break`);
    values.set(name, value.trim());
  }
  return { ok: true, value: assembleSignatureBase(parsed.signatureInput.components, values, parsed.signatureInput.serialized) };
}

function canonicalRequestUrl(request: ChecklistRequest): Phase<CanonicalUrl> {
  let url: CanonicalUrl;
  try {
    url = canonicalizeUrl(request.url);
  } catch {
    return fail('webhook_target_uri_malformed', '10', 'the request URL cannot be canonicalized');
  }
  if (request.authority === undefined) return { ok: true, value: url };
  const scheme = url.targetUri.slice(0, url.targetUri.indexOf(':'));
  let received: string;
  try {
    received = canonicalizeUrl(`${scheme}://${request.authority}/`).authority;
  } catch {
    return fail('webhook_target_uri_malformed', '10', 'the received Host/:authority cannot be canonicalized');
  }
  if (received !== url.authority) return fail('webhook_target_uri_malformed', '10', 'the received Host/:authority differs from the signed URL authority');
  return { ok: true, value: url };
}

type ImportedKey = { readonly publicKey: KeyObject; readonly alg: SignatureAlgorithm } | null;
const importedKeys = new WeakMap<object, ImportedKey>();

/** Imports a JWK once per JWK object (key sources hand out the same object for the same key). */
function importCached(jwk: ChecklistJwk): ImportedKey {
  const cached = importedKeys.get(jwk);
  if (cached !== undefined) return cached;
  const imported = importPublicJwk(jwk as never) ?? null;
  importedKeys.set(jwk, imported);
  return imported;
}

/** Step 10 proper: the signature over `base` under `jwk`, with `alg` bound to the key type. */
export function checkSignature(base: string, parsed: ParsedWebhookSignature, jwk: ChecklistJwk): ChecklistFailure | undefined {
  const key = importCached(jwk);
  if (key === null) return fail('webhook_signature_key_unknown', '7', 'the JWK is not a usable Ed25519 or P-256 key');
  if (key.alg !== parsed.fields.alg || (jwk.alg !== undefined && jwk.alg !== JWK_ALG_FOR[key.alg])) {
    return fail('webhook_signature_invalid', '10', 'alg does not match the key type');
  }
  if (!verifyBytes(key.alg, key.publicKey, Buffer.from(base, 'utf8'), parsed.signature)) {
    return fail('webhook_signature_invalid', '10', 'the signature does not verify over the recomputed base');
  }
  return undefined;
}

/** Step 11: `Content-Digest` equals SHA-256 of the received body bytes. */
export function checkContentDigest(parsed: ParsedWebhookSignature, body: Uint8Array | string): ChecklistFailure | undefined {
  if (parsed.contentDigest === undefined) return fail('webhook_signature_digest_mismatch', '11', 'Content-Digest has no sha-256 member');
  if (!bytesEqual(parsed.contentDigest, sha256(body))) return fail('webhook_signature_digest_mismatch', '11', 'Content-Digest does not match the body');
  return undefined;
}

/** Step 13's TTL: the entry lives until the signature expires plus the clock skew. */
export function replayExpiry(parsed: ParsedWebhookSignature): number {
  return parsed.fields.expires + CLOCK_SKEW_SECONDS;
}

/** Step 14: the body is JSON without duplicate object keys. */
export function checkBodyWellFormed(body: Uint8Array | string): ChecklistFailure | undefined {
  return isUnambiguousJson(body) ? undefined : fail('webhook_body_malformed', '14', 'the body is not JSON or repeats an object key');
}
