// Buyer-side verification of an RFC 9421-signed AdCP webhook, following the "Verifier checklist for
// webhooks" in security.mdx (steps 1–14, short-circuiting on the first failure). JWKS discovery
// (brand.json, refetch on kid miss) and revocation-list polling are the caller's: pass the keys
// and revoked kids you hold. Results carry a stable error code and nothing secret.
import type { JsonWebKey } from 'node:crypto';
import { isUnambiguousJson } from '../json/duplicate-keys.js';
import { decodeBase64UrlStrict } from './base64.js';
import { bytesEqual } from './constant-time.js';
import { sha256 } from './content-digest.js';
import { HMAC_SIGNATURE_HEADER } from './hmac-signer.js';
import { headerValue, type HeaderSource } from './headers.js';
import type { ReplayGuard } from './replay-cache.js';
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
  | 'webhook_signature_rate_abuse'
  | 'webhook_signature_invalid'
  | 'webhook_signature_digest_mismatch'
  | 'webhook_signature_replayed'
  | 'webhook_target_uri_malformed'
  | 'webhook_body_malformed'
  | 'webhook_mode_mismatch';

export type WebhookVerification =
  | { readonly ok: true; readonly keyid: string }
  | { readonly ok: false; readonly code: WebhookVerificationCode };

export interface VerifyRfc9421WebhookInput {
  readonly method: string;
  /** The absolute URL the request arrived at: scheme, `Host`/`:authority`, request target. */
  readonly url: string;
  /** The `:authority` / `Host` value as received, when `url` was not built from it; must match. */
  readonly authority?: string;
  readonly headers: HeaderSource;
  /** The raw body bytes as received (before any JSON parsing). */
  readonly body: Uint8Array | string;
  /** The signer's public JWKs (its brand.json `jwks_uri` contents). */
  readonly jwks: readonly JsonWebKey[];
  /** Current time, unix seconds. */
  readonly now: number;
  readonly replay?: ReplayGuard;
  readonly revokedKids?: ReadonlySet<string>;
}

const ALLOWED_ALGS: ReadonlySet<string> = new Set<SignatureAlgorithm>(['ed25519', 'ecdsa-p256-sha256']);
const REQUIRED_PARAMS = ['created', 'expires', 'nonce', 'keyid', 'alg', 'tag'] as const;
const WEBHOOK_KEY_PURPOSES: ReadonlySet<unknown> = new Set(['request-signing', 'webhook-signing']);
const DERIVED_COMPONENTS: ReadonlySet<string> = new Set(['@method', '@target-uri', '@authority']);
const CLOCK_SKEW_SECONDS = 60;
const MIN_NONCE_BYTES = 16;

interface SignatureFields {
  readonly created: number;
  readonly expires: number;
  readonly nonce: string;
  readonly keyid: string;
  readonly alg: string;
  readonly tag: string;
}

class Rejection extends Error {
  constructor(readonly code: WebhookVerificationCode) {
    super(code);
  }
}

export function verifyRfc9421Webhook(input: VerifyRfc9421WebhookInput): WebhookVerification {
  try {
    return { ok: true, keyid: runChecklist(input) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, code: error.code };
    throw error;
  }
}

function runChecklist(input: VerifyRfc9421WebhookInput): string {
  const { signatureInput, signature, contentDigest } = parseHeaders(input.headers); // step 1
  const fields = requiredParams(signatureInput); // step 2
  check(fields.tag === WEBHOOK_SIGNING_TAG, 'webhook_signature_tag_invalid'); // step 3
  check(ALLOWED_ALGS.has(fields.alg), 'webhook_signature_alg_not_allowed'); // step 4
  check(windowIsValid(fields, input.now), 'webhook_signature_window_invalid'); // step 5
  const covered = new Set(signatureInput.components);
  check(WEBHOOK_COVERED_COMPONENTS.every((name) => covered.has(name)), 'webhook_signature_components_incomplete'); // 6
  const jwk = resolveKey(input.jwks, fields.keyid); // steps 7–8
  check(!(input.revokedKids?.has(fields.keyid) ?? false), 'webhook_signature_key_revoked'); // step 9
  check(!(input.replay?.capReached?.(fields.keyid, input.now) ?? false), 'webhook_signature_rate_abuse'); // 9a
  verifySignature(input, signatureInput, fields, jwk, signature); // step 10
  check(contentDigest !== undefined && bytesEqual(contentDigest, sha256(input.body)), 'webhook_signature_digest_mismatch'); // 11
  check(!(input.replay?.seen(fields.keyid, fields.nonce, input.now) ?? false), 'webhook_signature_replayed'); // 12
  input.replay?.remember?.(fields.keyid, fields.nonce, fields.expires + CLOCK_SKEW_SECONDS); // step 13
  check(isUnambiguousJson(input.body), 'webhook_body_malformed'); // step 14
  return fields.keyid;
}

function parseHeaders(headers: HeaderSource): {
  signatureInput: ParsedSignatureInput;
  signature: Uint8Array;
  contentDigest: Uint8Array | undefined;
} {
  const inputHeader = headerValue(headers, 'signature-input');
  const signatureHeader = headerValue(headers, 'signature');
  if (inputHeader === undefined && signatureHeader === undefined) {
    const hmacSigned = headerValue(headers, HMAC_SIGNATURE_HEADER) !== undefined;
    throw new Rejection(hmacSigned ? 'webhook_mode_mismatch' : 'webhook_signature_header_malformed');
  }
  if (inputHeader === undefined || signatureHeader === undefined) throw new Rejection('webhook_signature_header_malformed');
  const signatureInput = parseSignatureInputMember(inputHeader, SIGNATURE_LABEL);
  const signature = parseBinaryMember(signatureHeader, SIGNATURE_LABEL);
  if (signatureInput === undefined || signature === undefined || !signature.ok) {
    throw new Rejection('webhook_signature_header_malformed');
  }
  check(signatureInput.components.every(isSupportedComponent), 'webhook_signature_header_malformed');
  return { signatureInput, signature: signature.bytes, contentDigest: parseContentDigest(headers) };
}

function parseContentDigest(headers: HeaderSource): Uint8Array | undefined {
  const header = headerValue(headers, 'content-digest');
  if (header === undefined) return undefined;
  const digest = parseBinaryMember(header, 'sha-256');
  if (digest === undefined) return undefined;
  if (!digest.ok) throw new Rejection('webhook_signature_header_malformed');
  return digest.bytes;
}

function isSupportedComponent(name: string): boolean {
  return DERIVED_COMPONENTS.has(name) || /^[a-z0-9!#$%&'*+\-.^_`|~]+$/.test(name);
}

function requiredParams(signatureInput: ParsedSignatureInput): SignatureFields {
  const { params } = signatureInput;
  check(REQUIRED_PARAMS.every((name) => params.has(name)), 'webhook_signature_params_incomplete');
  const created = params.get('created');
  const expires = params.get('expires');
  const nonce = params.get('nonce');
  const keyid = params.get('keyid');
  const alg = params.get('alg');
  const tag = params.get('tag');
  if (!Number.isSafeInteger(created) || !Number.isSafeInteger(expires)) throw new Rejection('webhook_signature_header_malformed');
  if (typeof nonce !== 'string' || typeof keyid !== 'string' || typeof alg !== 'string' || typeof tag !== 'string') {
    throw new Rejection('webhook_signature_header_malformed');
  }
  const nonceBytes = decodeBase64UrlStrict(nonce);
  check(nonceBytes.ok && nonceBytes.bytes.byteLength >= MIN_NONCE_BYTES, 'webhook_signature_header_malformed');
  return { created: created as number, expires: expires as number, nonce, keyid, alg, tag };
}

function windowIsValid({ created, expires }: SignatureFields, now: number): boolean {
  return (
    expires > created &&
    created <= now + CLOCK_SKEW_SECONDS &&
    expires >= now - CLOCK_SKEW_SECONDS &&
    expires - created <= MAX_SIGNATURE_VALIDITY_SECONDS
  );
}

function resolveKey(jwks: readonly JsonWebKey[], keyid: string): JsonWebKey {
  const matches = jwks.filter((jwk) => jwk.kid === keyid);
  if (matches.length !== 1 || matches[0] === undefined) throw new Rejection('webhook_signature_key_unknown');
  const jwk = matches[0];
  const keyOps = jwk.key_ops;
  const purposeOk =
    jwk.use === 'sig' &&
    Array.isArray(keyOps) &&
    keyOps.includes('verify') &&
    WEBHOOK_KEY_PURPOSES.has(jwk.adcp_use);
  check(purposeOk, 'webhook_signature_key_purpose_invalid');
  return jwk;
}

function verifySignature(
  input: VerifyRfc9421WebhookInput,
  signatureInput: ParsedSignatureInput,
  fields: SignatureFields,
  jwk: JsonWebKey,
  signature: Uint8Array,
): void {
  const url = canonicalRequestUrl(input);
  const values = new Map<string, string>([
    ['@method', input.method.toUpperCase()],
    ['@target-uri', url.targetUri],
    ['@authority', url.authority],
  ]);
  for (const name of signatureInput.components) {
    if (DERIVED_COMPONENTS.has(name)) continue;
    const value = headerValue(input.headers, name);
    if (value === undefined || /[\r\n]/.test(value)) throw new Rejection('webhook_signature_header_malformed');
    values.set(name, value.trim());
  }
  const base = assembleSignatureBase(signatureInput.components, values, signatureInput.serialized);
  const key = importPublicJwk(jwk);
  if (key === undefined) throw new Rejection('webhook_signature_key_unknown');
  const algMatchesKey = key.alg === fields.alg && (jwk.alg === undefined || jwk.alg === JWK_ALG_FOR[key.alg]);
  check(algMatchesKey && verifyBytes(key.alg, key.publicKey, Buffer.from(base, 'utf8'), signature), 'webhook_signature_invalid');
}

function canonicalRequestUrl(input: VerifyRfc9421WebhookInput): CanonicalUrl {
  let url: CanonicalUrl;
  try {
    url = canonicalizeUrl(input.url);
  } catch {
    throw new Rejection('webhook_target_uri_malformed');
  }
  if (input.authority !== undefined) {
    const scheme = url.targetUri.slice(0, url.targetUri.indexOf(':'));
    let received: string;
    try {
      received = canonicalizeUrl(`${scheme}://${input.authority}/`).authority;
    } catch {
      throw new Rejection('webhook_target_uri_malformed');
    }
    check(received === url.authority, 'webhook_target_uri_malformed');
  }
  return url;
}

function check(condition: boolean, code: WebhookVerificationCode): asserts condition {
  if (!condition) throw new Rejection(code);
}
