// Shared helpers for the signing tests: fresh keypairs published the way a seller would.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { PrivateJwk, PublicJwk } from '../../src/index.js';

export interface TestKeyPair {
  readonly privateJwk: PrivateJwk;
  readonly publicJwk: PublicJwk;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export function makeKeyPair(kind: 'ed25519' | 'es256', kid: string): TestKeyPair {
  const { privateKey, publicKey } =
    kind === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const alg = kind === 'ed25519' ? 'EdDSA' : 'ES256';
  return {
    privateKey,
    publicKey,
    privateJwk: { ...privateKey.export({ format: 'jwk' }), kid, alg } as PrivateJwk,
    publicJwk: {
      ...publicKey.export({ format: 'jwk' }),
      kid,
      alg,
      use: 'sig',
      key_ops: ['verify'],
      adcp_use: 'request-signing',
    } as PublicJwk,
  };
}

export const BODY = '{"idempotency_key":"whk_01","task_id":"task_456","operation_id":"op_abc","status":"completed"}';
export const URL_ = 'https://buyer.example.com/adcp/webhook/op_abc?tenant=7';

export function request(body: string = BODY, url: string = URL_) {
  return { method: 'POST', url, contentType: 'application/json', body: new TextEncoder().encode(body) };
}
