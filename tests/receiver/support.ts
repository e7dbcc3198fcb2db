// Shared material for the receiver tests: the shared AdCP webhook-signing vectors and keys (read
// from ../shared), and a seller-side signer producing complete, valid MCP envelopes.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { sharedDir } from '../helpers/shared.js';
import type { PublicJwk } from '../../src/runtime/keys/jwk.js';
import { loadPrivateSigningKey, signRfc9421Request, freshNonce } from '../../src/runtime/signing/index.js';

export const vectorsDir = resolve(sharedDir, 'adcp/vectors/webhook-signing');

export interface SharedVector {
  readonly file: string;
  readonly name: string;
  readonly reference_now: number;
  readonly request: { method: string; url: string; headers: Record<string, string>; body: string };
  readonly jwks_ref: readonly string[];
  readonly jwks_override?: Record<string, PublicJwk>;
  readonly expected_signature_base: string;
  readonly expected_outcome: { success: boolean; error_code?: string };
}

interface SharedKey extends Record<string, unknown> {
  readonly kid: string;
  readonly _private_d_for_test_only: string;
}

export function sharedVectors(kind: 'positive' | 'negative'): SharedVector[] {
  return readdirSync(resolve(vectorsDir, kind))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ ...(JSON.parse(readFileSync(resolve(vectorsDir, kind, file), 'utf8')) as SharedVector), file }));
}

export function sharedKeys(): SharedKey[] {
  return (JSON.parse(readFileSync(resolve(vectorsDir, 'keys.json'), 'utf8')) as { keys: SharedKey[] }).keys;
}

function publicOf(key: SharedKey): PublicJwk {
  const { _private_d_for_test_only: _d, $comment: _c, ...rest } = key;
  return rest as unknown as PublicJwk;
}

/** The JWKS a vector presents: `jwks_ref` filter, `jwks_override` applied. */
export function vectorJwks(vector: SharedVector): PublicJwk[] {
  return sharedKeys()
    .filter((key) => vector.jwks_ref.includes(key.kid))
    .map((key) => vector.jwks_override?.[key.kid] ?? publicOf(key));
}

export function publicSharedKey(kid: string): PublicJwk {
  const key = sharedKeys().find((candidate) => candidate.kid === kid);
  if (key === undefined) throw new Error(`no shared key ${kid}`);
  return publicOf(key);
}

export function privateSharedKey(kid: string) {
  const key = sharedKeys().find((candidate) => candidate.kid === kid);
  if (key === undefined) throw new Error(`no shared key ${kid}`);
  const { _private_d_for_test_only: d, $comment: _c, ...rest } = key;
  return loadPrivateSigningKey({ ...rest, d } as never);
}

export const SELLER_KID = 'test-wrong-purpose-2026'; // the shared request-signing key

/** A complete, schema-valid MCP envelope for create_media_buy. */
export function envelope(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idempotency_key: `whk_${randomUUID()}`,
    task_id: 'task_456',
    operation_id: 'op_abc',
    task_type: 'create_media_buy',
    status: 'completed',
    timestamp: '2026-04-18T10:00:00Z',
    result: { status: 'completed', media_buy_id: 'mb_001', packages: [], confirmed_at: '2026-04-18T10:00:00Z', revision: 1 },
    ...overrides,
  };
}

export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Signs `body` for `url` the way a seller's delivery runtime does. */
export function signedRequest(url: string, body: string, nowSeconds: number, kid = SELLER_KID): SignedRequest {
  const key = privateSharedKey(kid);
  const signed = signRfc9421Request(
    { method: 'POST', url, contentType: 'application/json', body: Buffer.from(body) },
    key,
    { created: nowSeconds, expires: nowSeconds + 300, nonce: freshNonce() },
  );
  return { method: 'POST', url, headers: { 'content-type': 'application/json', ...lower(signed.headers) }, body };
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}
