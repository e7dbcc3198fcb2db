// RFC 9421 webhook signing with the private key held elsewhere (security.mdx "Production key
// storage"): the runtime builds the signature base, an asynchronous hook (AWS / GCP / Azure KMS,
// Vault Transit, an HSM) signs its bytes, and the runtime assembles `Signature` and
// `Signature-Input`. Wire format is identical to in-process signing. ECDSA P-256 answers may be
// DER (what most KMS APIs return) or IEEE P1363; they are sent as P1363 `r‖s` in low-S form.
// Tripwire: signatures are checked against the published public JWK until one verifies, so a
// key store that signs with another key fails loudly on first use, not silently at every receiver.
import type { KeyObject } from 'node:crypto';
import type { PublicJwk } from '../keys/jwk.js';
import { refuseAmbiguousBody } from './body-check.js';
import { SigningConfigError } from './errors.js';
import { profileParamSuffix, profileSignatureBase, profileSignedRequest } from './profile-signing.js';
import { freshNonce } from './rfc9421-signer.js';
import { MAX_SIGNATURE_VALIDITY_SECONDS, type SignatureAlgorithm } from './signature-base.js';
import { importPublicJwk, toLowS, verifyBytes } from './signing-keys.js';
import type { OutgoingWebhookRequest, WebhookSigner } from './webhook-signer.js';

/** Signs the signature base bytes with the key named by the published JWK (KMS style). */
export type ExternalSignFunction = (data: Uint8Array) => Promise<Uint8Array>;

/** Options of `createExternalRfc9421Signer`: the published key, the signing hook and the signature lifetime (security.mdx "AdCP RFC 9421 profile", "Production key storage"). */
export interface ExternalRfc9421SignerOptions {
  /**
   * The public JWK the key store's key is published as (its `kid` names the key in
   * `Signature-Input`; Ed25519 signs as `ed25519`, P-256 as `ecdsa-p256-sha256`).
   */
  readonly publicJwk: PublicJwk;
  /** The hook: signs the bytes it is given. P-256 answers may be DER or P1363. */
  readonly sign: ExternalSignFunction;
  /** `expires - created`; 1..300, default 300. */
  readonly expiresInSeconds?: number;
}

/** An RFC 9421 webhook signer whose key lives in an external store; `headersFor` is asynchronous. */
export interface ExternalRfc9421Signer extends WebhookSigner {
  readonly algorithm: SignatureAlgorithm;
  headersFor(request: OutgoingWebhookRequest, nowSeconds: number): Promise<Record<string, string>>;
}

/**
 * Creates an RFC 9421 webhook-profile signer over an external signing hook. Throws
 * `SigningConfigError` at configuration for an unusable public JWK; a signature that does not
 * verify under it (a key store signing with another key) rejects that call with a
 * `SigningConfigError`, and delivery records it as `signing_error`.
 */
export function createExternalRfc9421Signer(options: ExternalRfc9421SignerOptions): ExternalRfc9421Signer {
  const { publicKey, alg, keyId } = readPublishedKey(options.publicJwk);
  if (typeof options.sign !== 'function') throw new SigningConfigError('sign must be a function (data: Uint8Array) => Promise<Uint8Array>');
  const validity = options.expiresInSeconds ?? MAX_SIGNATURE_VALIDITY_SECONDS;
  if (!Number.isInteger(validity) || validity < 1 || validity > MAX_SIGNATURE_VALIDITY_SECONDS) {
    throw new SigningConfigError(`expiresInSeconds must be an integer from 1 to ${MAX_SIGNATURE_VALIDITY_SECONDS}`);
  }
  const paramSuffix = profileParamSuffix(keyId, alg);
  const sign = options.sign;
  let confirmed = false;
  return {
    descriptor: { mode: 'rfc9421', keyId },
    algorithm: alg,
    async headersFor(request: OutgoingWebhookRequest, nowSeconds: number): Promise<Record<string, string>> {
      refuseAmbiguousBody(request.body);
      const created = Math.floor(nowSeconds);
      const unsigned = profileSignatureBase(request, paramSuffix, created, created + validity, freshNonce());
      const data = Buffer.from(unsigned.signatureBase, 'utf8');
      const signature = normalizeSignature(alg, await sign(data));
      if (!confirmed) {
        if (!verifyBytes(alg, publicKey, data, signature)) {
          throw new SigningConfigError(`the external signer's signature does not verify under the published key "${keyId}"`);
        }
        confirmed = true;
      }
      return profileSignedRequest(unsigned, Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64url')).headers;
    },
  };
}

function readPublishedKey(jwk: PublicJwk): { publicKey: KeyObject; alg: SignatureAlgorithm; keyId: string } {
  if (typeof jwk !== 'object' || jwk === null) throw new SigningConfigError('publicJwk must be the published public JWK');
  if ('d' in jwk) throw new SigningConfigError('publicJwk carries a private member "d": pass the published public JWK');
  const keyId = jwk.kid;
  if (typeof keyId !== 'string' || keyId === '') throw new SigningConfigError('publicJwk has no "kid"');
  const imported = importPublicJwk(jwk);
  if (imported === undefined) throw new SigningConfigError(`publicJwk "${keyId}" is not a valid Ed25519 or P-256 public key`);
  return { publicKey: imported.publicKey, alg: imported.alg, keyId };
}

/** The hook's answer as the 64 bytes the profile sends: Ed25519 as is, P-256 DER → P1363, low-S. */
function normalizeSignature(alg: SignatureAlgorithm, answer: unknown): Uint8Array {
  if (!(answer instanceof Uint8Array)) throw new SigningConfigError('the external signer must resolve to a Uint8Array signature');
  if (alg === 'ed25519') {
    if (answer.byteLength !== 64) throw new SigningConfigError('the external signer returned an Ed25519 signature that is not 64 bytes');
    return answer;
  }
  const p1363 = answer.byteLength === 64 ? answer : derToP1363(answer);
  return toLowS(p1363);
}

/** ECDSA-Sig-Value DER (`SEQUENCE { INTEGER r, INTEGER s }`, RFC 3279 §2.2.3) → 64-byte `r‖s`. */
export function derToP1363(der: Uint8Array): Uint8Array {
  const fail = (): never => {
    throw new SigningConfigError('the external signer returned an ECDSA signature that is neither 64-byte P1363 nor DER');
  };
  let offset = 0;
  const byte = (): number => (offset < der.byteLength ? der[offset++]! : fail());
  if (byte() !== 0x30) fail();
  const total = byte();
  if (total & 0x80 || offset + total !== der.byteLength) fail();
  const out = new Uint8Array(64);
  for (const at of [0, 32]) {
    if (byte() !== 0x02) fail();
    const length = byte();
    if (length === 0 || length > 33 || offset + length > der.byteLength) fail();
    let value = der.subarray(offset, offset + length);
    offset += length;
    while (value.byteLength > 32 && value[0] === 0) value = value.subarray(1);
    if (value.byteLength > 32) fail();
    out.set(value, at + 32 - value.byteLength);
  }
  if (offset !== der.byteLength) fail();
  return out;
}
