// RFC 9421 webhook profile signer (`tag="adcp/webhook-signing/v1"`, label `sig1`). Each call signs
// afresh: new `created`, new nonce (≥ 16 random bytes, base64url), `expires = created + validity`.
import { randomBytes, type JsonWebKey, type KeyObject } from 'node:crypto';
import { assertNoDuplicateKeys } from '../json/duplicate-keys.js';
import { base64UrlEncode, decodeBase64UrlStrict } from './base64.js';
import { contentDigestHeader } from './content-digest.js';
import { SigningConfigError, TargetUriMalformedError } from './errors.js';
import {
  buildSignatureBase,
  MAX_SIGNATURE_VALIDITY_SECONDS,
  SIGNATURE_LABEL,
  serializeSignatureParams,
  WEBHOOK_SIGNING_TAG,
  type SignatureParams,
} from './signature-base.js';
import { canonicalizeUrl } from './target-uri.js';
import { loadPrivateSigningKey, signBytes, type PrivateSigningKey } from './signing-keys.js';
import type { OutgoingWebhookRequest, WebhookSigner } from './webhook-signer.js';

export interface Rfc9421SignerOptions {
  /** Private JWK (with `d`; `kid` names the key unless `keyId` is given) or a private KeyObject. */
  readonly key: JsonWebKey | KeyObject;
  /** Required with a KeyObject; must equal the JWK `kid` when both are present. */
  readonly keyId?: string;
  /** `expires - created`; 1..300, default 300. */
  readonly expiresInSeconds?: number;
  /** Nonce source (tests); must return base64url without padding of ≥ 16 bytes. */
  readonly randomNonce?: () => string;
}

export interface SignedRfc9421Request {
  /** `Content-Digest`, `Signature-Input`, `Signature`. */
  readonly headers: Record<string, string>;
  readonly signatureBase: string;
}

export interface Rfc9421SignatureTiming {
  readonly created: number;
  readonly expires: number;
  readonly nonce: string;
}

const MIN_NONCE_BYTES = 16;

export function createRfc9421Signer(options: Rfc9421SignerOptions): WebhookSigner {
  const key = loadPrivateSigningKey(options.key, options.keyId);
  const validity = options.expiresInSeconds ?? MAX_SIGNATURE_VALIDITY_SECONDS;
  assertValidity(validity);
  const nextNonce = options.randomNonce ?? freshNonce;
  return {
    descriptor: { mode: 'rfc9421', keyId: key.keyId },
    headersFor(request: OutgoingWebhookRequest, nowSeconds: number): Record<string, string> {
      const created = Math.floor(nowSeconds);
      const timing = { created, expires: created + validity, nonce: nextNonce() };
      return signRfc9421Request(request, key, timing).headers;
    },
  };
}

/**
 * Signs one request with explicit `created` / `expires` / `nonce` (deterministic for Ed25519).
 * Refuses bodies with duplicate object keys (`duplicate_key_input`).
 */
export function signRfc9421Request(
  request: OutgoingWebhookRequest,
  key: PrivateSigningKey,
  timing: Rfc9421SignatureTiming,
): SignedRfc9421Request {
  assertNoDuplicateKeys(request.body);
  assertTiming(timing);
  const contentDigest = contentDigestHeader(request.body);
  const params: SignatureParams = { ...timing, keyid: key.keyId, alg: key.alg, tag: WEBHOOK_SIGNING_TAG };
  const signatureBase = buildSignatureBase({
    method: request.method,
    url: wireUrl(request.url),
    contentType: request.contentType,
    contentDigest,
    params,
  });
  const signature = signBytes(key.alg, key.privateKey, Buffer.from(signatureBase, 'utf8'));
  return {
    headers: {
      'Content-Digest': contentDigest,
      'Signature-Input': `${SIGNATURE_LABEL}=${serializeSignatureParams(params)}`,
      Signature: `${SIGNATURE_LABEL}=:${base64UrlEncode(signature)}:`,
    },
    signatureBase,
  };
}

/** 16 random bytes, base64url without padding (22 characters). */
export function freshNonce(): string {
  return randomBytes(MIN_NONCE_BYTES).toString('base64url');
}

// The URL must pass the profile's strict checks as given (so `https:///p` is refused rather than
// repaired). What is signed is its WHATWG serialization: node HTTP clients (undici, node:http) put
// that on the wire, so it is what the receiver sees and canonicalizes; for a valid URI the two only
// differ in spelling the canonicalizer does not touch (an IPv6 literal's zeros, `'` in a query).
function wireUrl(url: string): string {
  canonicalizeUrl(url);
  try {
    return new URL(url).href;
  } catch {
    throw new TargetUriMalformedError('not a parseable absolute URL');
  }
}

function assertValidity(seconds: number, what = 'expiresInSeconds'): void {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SIGNATURE_VALIDITY_SECONDS) {
    throw new SigningConfigError(`${what} must be an integer from 1 to ${MAX_SIGNATURE_VALIDITY_SECONDS}`);
  }
}

function assertTiming(timing: Rfc9421SignatureTiming): void {
  if (!Number.isSafeInteger(timing.created) || timing.created < 0) {
    throw new SigningConfigError('created must be a non-negative integer (unix seconds)');
  }
  if (!Number.isSafeInteger(timing.expires)) throw new SigningConfigError('expires must be an integer (unix seconds)');
  assertValidity(timing.expires - timing.created, 'expires - created');
  const nonce = decodeBase64UrlStrict(timing.nonce);
  if (!nonce.ok || nonce.bytes.byteLength < MIN_NONCE_BYTES) {
    throw new SigningConfigError(`nonce must be base64url without padding encoding at least ${MIN_NONCE_BYTES} bytes`);
  }
}
