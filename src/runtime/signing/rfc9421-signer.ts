// RFC 9421 webhook profile signer (`tag="adcp/webhook-signing/v1"`, label `sig1`). Each call signs
// afresh: new `created`, new nonce (≥ 16 random bytes, base64url), `expires = created + validity`.
// The per-attempt work is in profile-signing.ts.
import { randomFillSync, type KeyObject } from 'node:crypto';
import type { PrivateJwk } from '../keys/jwk.js';
import { decodeBase64UrlStrict } from './base64.js';
import { refuseAmbiguousBody } from './body-check.js';
import { SigningConfigError } from './errors.js';
import { profileSigningKey, signProfileRequest } from './profile-signing.js';
import { MAX_SIGNATURE_VALIDITY_SECONDS } from './signature-base.js';
import { loadPrivateSigningKey, type PrivateSigningKey } from './signing-keys.js';
import type { SignatureAlgorithm } from './signature-base.js';
import type { OutgoingWebhookRequest, SyncWebhookSigner } from './webhook-signer.js';

/**
 * Options of {@link createRfc9421Signer}: the private key and the signature's lifetime
 * (building/by-layer/L1/security.mdx — Webhook callbacks: RFC 9421 profile, `expires - created` ≤ 300 s).
 */
export interface Rfc9421SignerOptions {
  /**
   * Private Ed25519 or P-256 JWK (with `d`; `kid` names the key unless `keyId` is given) or a
   * private KeyObject. A JWK whose public members do not belong to `d` is refused.
   */
  readonly key: PrivateJwk | KeyObject;
  /** Required with a KeyObject; must equal the JWK `kid` when both are present. */
  readonly keyId?: string;
  /** `expires - created`; 1..300, default 300. */
  readonly expiresInSeconds?: number;
  /** Nonce source (tests); must return base64url without padding of ≥ 16 bytes. */
  readonly randomNonce?: () => string;
}

/** A signed request: the three headers to send and the RFC 9421 signature base they sign (for diagnostics; never logged). */
export interface SignedRfc9421Request {
  /** `Content-Digest`, `Signature-Input`, `Signature`. */
  readonly headers: Record<string, string>;
  readonly signatureBase: string;
}

/** The `created`, `expires` (epoch seconds) and `nonce` parameters of one RFC 9421 signature (RFC 9421 §2.3). */
export interface Rfc9421SignatureTiming {
  readonly created: number;
  readonly expires: number;
  readonly nonce: string;
}

const MIN_NONCE_BYTES = 16;

/** An in-process RFC 9421 webhook signer; `algorithm` is what its key signs with (RFC 9421 name). */
export interface Rfc9421WebhookSigner extends SyncWebhookSigner {
  readonly algorithm: SignatureAlgorithm;
}

/**
 * Creates the RFC 9421 webhook-profile signer (security.mdx "Webhook callbacks") over an
 * in-process private key. Throws `SigningConfigError` for an unusable key or option.
 */
export function createRfc9421Signer(options: Rfc9421SignerOptions): Rfc9421WebhookSigner {
  const key = loadPrivateSigningKey(options.key, options.keyId);
  const validity = options.expiresInSeconds ?? MAX_SIGNATURE_VALIDITY_SECONDS;
  assertValidity(validity);
  const profileKey = profileSigningKey(key);
  const customNonce = options.randomNonce;
  return {
    descriptor: { mode: 'rfc9421', keyId: key.keyId },
    algorithm: key.alg,
    headersFor(request: OutgoingWebhookRequest, nowSeconds: number): Record<string, string> {
      const created = Math.floor(nowSeconds);
      // Our own nonces are well-formed by construction; a supplied source's are checked.
      const nonce = customNonce === undefined ? freshNonce() : customNonce();
      refuseAmbiguousBody(request.body);
      if (customNonce !== undefined) assertNonce(nonce);
      return signProfileRequest(request, profileKey, created, created + validity, nonce).headers;
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
  refuseAmbiguousBody(request.body);
  assertTiming(timing);
  return signProfileRequest(request, profileSigningKey(key), timing.created, timing.expires, timing.nonce);
}

// Nonces are cut from a buffer of CSPRNG bytes refilled in one call: every nonce is 16 fresh random
// bytes used once, without a native call and a Buffer per nonce.
const NONCE_POOL_BYTES = MIN_NONCE_BYTES * 256;
const noncePool = Buffer.alloc(NONCE_POOL_BYTES);
let noncePoolOffset = NONCE_POOL_BYTES;

/** 16 random bytes, base64url without padding (22 characters). */
export function freshNonce(): string {
  if (noncePoolOffset === NONCE_POOL_BYTES) {
    randomFillSync(noncePool);
    noncePoolOffset = 0;
  }
  const nonce = noncePool.toString('base64url', noncePoolOffset, noncePoolOffset + MIN_NONCE_BYTES);
  noncePoolOffset += MIN_NONCE_BYTES;
  return nonce;
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
  assertNonce(timing.nonce);
}

function assertNonce(value: string): void {
  const nonce = decodeBase64UrlStrict(value);
  if (!nonce.ok || nonce.bytes.byteLength < MIN_NONCE_BYTES) {
    throw new SigningConfigError(`nonce must be base64url without padding encoding at least ${MIN_NONCE_BYTES} bytes`);
  }
}
