// Key handling for the 9421 profile: Ed25519 (`ed25519`, JWK alg `EdDSA`) and ECDSA P-256 with
// SHA-256 (`ecdsa-p256-sha256`, JWK alg `ES256`, IEEE P1363 r‖s signatures, RFC 9421 §3.3.2).
// Errors name the problem, never the key material, and never relay node's own key-parsing text.
import { createPrivateKey, createPublicKey, KeyObject, sign, verify, type JsonWebKey } from 'node:crypto';
import { SigningConfigError } from './errors.js';
import type { SignatureAlgorithm } from './signature-base.js';

/** A loaded private signing key (Ed25519 or ECDSA P-256) with its `kid` and algorithm, from `loadPrivateSigningKey`. */
export interface PrivateSigningKey {
  readonly privateKey: KeyObject;
  readonly keyId: string;
  readonly alg: SignatureAlgorithm;
}

/** JWK `alg` ↔ RFC 9421 `alg`. */
export const JWK_ALG_FOR: Readonly<Record<SignatureAlgorithm, string>> = {
  ed25519: 'EdDSA',
  'ecdsa-p256-sha256': 'ES256',
};

/** Loads a private JWK (with `d`) or a private KeyObject. `keyId` names a KeyObject or a JWK without `kid`; it must equal `kid` when both exist. */
export function loadPrivateSigningKey(key: JsonWebKey | KeyObject, keyId?: string): PrivateSigningKey {
  if (key instanceof KeyObject) {
    if (key.type !== 'private') throw new SigningConfigError('the signing KeyObject must be a private key');
    if (keyId === undefined || keyId === '') throw new SigningConfigError('keyId is required with a KeyObject');
    return { privateKey: key, keyId, alg: algorithmOfKey(key) };
  }
  const kid = resolveKeyId(key, keyId);
  if (typeof key.d !== 'string' || key.d === '') {
    throw new SigningConfigError(`JWK "${kid}" is a public key; signing needs the private JWK (with "d")`);
  }
  const privateKey = importJwk(key, kid, createPrivateKey);
  const alg = algorithmOfKey(privateKey);
  assertJwkAlgMatches(key, alg, kid);
  return { privateKey, keyId: kid, alg };
}

/** Imports a public JWK for verification; undefined when it is not a usable Ed25519 / P-256 key. */
export function importPublicJwk(jwk: JsonWebKey): { publicKey: KeyObject; alg: SignatureAlgorithm } | undefined {
  try {
    const publicKey = createPublicKey({ key: keyMembers(jwk), format: 'jwk' });
    return { publicKey, alg: algorithmOfKey(publicKey) };
  } catch {
    return undefined;
  }
}

export function signBytes(alg: SignatureAlgorithm, privateKey: KeyObject, data: Uint8Array): Uint8Array {
  const signature =
    alg === 'ed25519'
      ? sign(null, data, privateKey)
      : sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return new Uint8Array(signature);
}

export function verifyBytes(
  alg: SignatureAlgorithm,
  publicKey: KeyObject,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (signature.byteLength !== 64) return false;
  try {
    return alg === 'ed25519'
      ? verify(null, data, publicKey, signature)
      : verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

export function algorithmOfKey(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
    return 'ecdsa-p256-sha256';
  }
  throw new SigningConfigError('signing keys must be Ed25519 or ECDSA P-256');
}

function resolveKeyId(jwk: JsonWebKey, keyId: string | undefined): string {
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined;
  if (keyId !== undefined && kid !== undefined && keyId !== kid) {
    throw new SigningConfigError(`keyId "${keyId}" does not match the JWK kid "${kid}"`);
  }
  const resolved = keyId ?? kid;
  if (resolved === undefined || resolved === '') throw new SigningConfigError('the signing JWK has no "kid" and no keyId was given');
  return resolved;
}

function assertJwkAlgMatches(jwk: JsonWebKey, alg: SignatureAlgorithm, kid: string): void {
  if (jwk.alg !== undefined && jwk.alg !== JWK_ALG_FOR[alg]) {
    throw new SigningConfigError(`JWK "${kid}" declares alg ${String(jwk.alg)} but is a ${JWK_ALG_FOR[alg]} key`);
  }
}

function importJwk(jwk: JsonWebKey, kid: string, create: typeof createPrivateKey): KeyObject {
  try {
    return create({ key: keyMembers(jwk), format: 'jwk' });
  } catch {
    throw new SigningConfigError(`JWK "${kid}" is not a valid Ed25519 or P-256 key`);
  }
}

/** Only the members that define the key; metadata (`adcp_use`, `key_ops`, …) stays out of node's parser. */
function keyMembers(jwk: JsonWebKey): JsonWebKey {
  const { kty, crv, x, y, d } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, d }).filter(([, value]) => value !== undefined),
  ) as JsonWebKey;
}
