// Key handling for the 9421 profile: Ed25519 (`ed25519`, JWK alg `EdDSA`) and ECDSA P-256 with
// SHA-256 (`ecdsa-p256-sha256`, JWK alg `ES256`, IEEE P1363 r‖s signatures, RFC 9421 §3.3.2).
// Errors name the problem, never the key material, and never relay node's own key-parsing text.
import { createECDH, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';
import type { PrivateJwk, PublicJwk } from '../keys/jwk.js';
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
export function loadPrivateSigningKey(key: PrivateJwk | KeyObject, keyId?: string): PrivateSigningKey {
  if (typeof key !== 'object' || key === null) {
    throw new SigningConfigError('the signing key must be a private JWK object or a private KeyObject');
  }
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
  assertPublicHalfMatches(key, privateKey, kid);
  return { privateKey, keyId: kid, alg };
}

/**
 * Refuses a private JWK whose public members (`x`, and `y` for P-256) are not the public key of
 * its private scalar `d`: the seller would sign with a key that does not match what it publishes,
 * and every receiver would answer `webhook_signature_invalid`. The public key is derived from `d`.
 */
function assertPublicHalfMatches(jwk: JwkFields, privateKey: KeyObject, kid: string): void {
  const derived = derivedPublicMembers(jwk, privateKey);
  for (const member of ['x', 'y'] as const) {
    const declared = jwk[member];
    if (declared !== undefined && declared !== derived[member]) {
      throw new SigningConfigError(
        `JWK "${kid}": its public member "${member}" does not belong to its private key "d" (the published key would not verify its signatures)`,
      );
    }
  }
}

/**
 * `x` (and `y`) computed from the private scalar. node derives an Ed25519 public key from `d`, but
 * takes a P-256 JWK's `x`/`y` as given, so the P-256 point is computed as d·G (ECDH over the curve).
 */
function derivedPublicMembers(jwk: JwkFields, privateKey: KeyObject): Record<string, unknown> {
  if (privateKey.asymmetricKeyType !== 'ec') return createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, unknown>;
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(Buffer.from(String(jwk.d), 'base64url'));
  const point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y, uncompressed
  return { x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') };
}

/** The P-256 group order n (SEC 2 §2.4.2). */
const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const P256_HALF_ORDER = P256_ORDER >> 1n;

/**
 * An IEEE P1363 P-256 signature (`r‖s`, 64 bytes) in low-S form: when s > n/2 it becomes n − s,
 * the other valid signature of the same message, so each signature has one canonical encoding
 * (verifiers that enforce low-S, as many ECDSA stacks do, accept it). Other lengths pass through.
 */
export function toLowS(signature: Uint8Array): Uint8Array {
  if (signature.byteLength !== 64) return signature;
  const s = BigInt(`0x${Buffer.from(signature.buffer, signature.byteOffset + 32, 32).toString('hex')}`);
  if (s <= P256_HALF_ORDER) return signature;
  const low = Buffer.from((P256_ORDER - s).toString(16).padStart(64, '0'), 'hex');
  const out = new Uint8Array(64);
  out.set(signature.subarray(0, 32), 0);
  out.set(low, 32);
  return out;
}

/** Imports a public JWK for verification; undefined when it is not a usable Ed25519 / P-256 key. */
export function importPublicJwk(jwk: PublicJwk): { publicKey: KeyObject; alg: SignatureAlgorithm } | undefined {
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
      : toLowS(sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
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

function resolveKeyId(jwk: JwkFields, keyId: string | undefined): string {
  const kid = typeof jwk.kid === 'string' && jwk.kid !== '' ? jwk.kid : undefined;
  if (keyId !== undefined && kid !== undefined && keyId !== kid) {
    throw new SigningConfigError(`keyId "${keyId}" does not match the JWK kid "${kid}"`);
  }
  const resolved = keyId ?? kid;
  if (resolved === undefined || resolved === '') throw new SigningConfigError('the signing JWK has no "kid" and no keyId was given');
  return resolved;
}

function assertJwkAlgMatches(jwk: JwkFields, alg: SignatureAlgorithm, kid: string): void {
  if (jwk.alg !== undefined && jwk.alg !== JWK_ALG_FOR[alg]) {
    throw new SigningConfigError(`JWK "${kid}" declares alg ${String(jwk.alg)} but is a ${JWK_ALG_FOR[alg]} key`);
  }
}

function importJwk(jwk: JwkFields, kid: string, create: typeof createPrivateKey): KeyObject {
  try {
    return create({ key: keyMembers(jwk), format: 'jwk' });
  } catch {
    throw new SigningConfigError(`JWK "${kid}" is not a valid Ed25519 or P-256 key`);
  }
}

/** Only the members that define the key; metadata (`adcp_use`, `key_ops`, …) stays out of node's parser. */
function keyMembers(jwk: JwkFields): Record<string, string> {
  const { kty, crv, x, y, d } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, d }).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/**
 * What the loader reads of a JWK at run time. The public types admit only AdCP keys, but a
 * JavaScript caller or a parsed file can hand anything, so every member is checked as unknown.
 */
interface JwkFields {
  readonly kty?: unknown;
  readonly crv?: unknown;
  readonly x?: unknown;
  readonly y?: unknown;
  readonly d?: unknown;
  readonly kid?: unknown;
  readonly alg?: unknown;
}
