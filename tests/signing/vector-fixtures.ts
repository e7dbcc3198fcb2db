// Loads the copied AdCP webhook-signing conformance vectors (fixtures/webhook-signing-vectors).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseDictionary, type InnerList } from 'structured-headers';
import type { PrivateJwk, PublicJwk } from '../../src/index.js';
import type { SignatureParams } from '../../src/runtime/signing/index.js';

/** A JWK as the vector files hold it: overrides carry deliberately wrong members. */
type VectorJwk = { readonly [member: string]: unknown };

const vectorsDir = fileURLToPath(new URL('./fixtures/webhook-signing-vectors/', import.meta.url));

export interface WebhookVector {
  readonly file: string;
  readonly kind: 'positive' | 'negative';
  readonly name: string;
  readonly reference_now: number;
  readonly request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Record<string, string>;
    readonly body: string;
  };
  readonly jwks_ref: readonly string[];
  readonly jwks_override?: Record<string, VectorJwk>;
  readonly expected_signature_base: string;
  readonly expected_outcome: { readonly success: boolean; readonly error_code?: string };
}

export interface TestKey extends VectorJwk {
  readonly kid: string;
  readonly _private_d_for_test_only: string;
}

export function loadVectors(kind: 'positive' | 'negative'): WebhookVector[] {
  return readdirSync(`${vectorsDir}${kind}`)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ ...(JSON.parse(readFileSync(`${vectorsDir}${kind}/${file}`, 'utf8')) as WebhookVector), file, kind }));
}

export function loadTestKeys(): TestKey[] {
  return (JSON.parse(readFileSync(`${vectorsDir}keys.json`, 'utf8')) as { keys: TestKey[] }).keys;
}

/** The public JWK a verifier would hold (private member removed). */
export function publicJwk(key: TestKey): PublicJwk {
  const { _private_d_for_test_only: _private, ...rest } = key;
  return rest as unknown as PublicJwk;
}

/** The private JWK for signing. */
export function privateJwk(key: TestKey): PrivateJwk {
  const { _private_d_for_test_only: d, ...rest } = key;
  return { ...rest, d } as unknown as PrivateJwk;
}

/** Keys presented to the verifier for a vector: `jwks_ref` filter plus `jwks_override`. */
export function jwksFor(vector: WebhookVector): PublicJwk[] {
  return loadTestKeys()
    .filter((key) => vector.jwks_ref.includes(key.kid))
    .map((key) => (vector.jwks_override?.[key.kid] as PublicJwk | undefined) ?? publicJwk(key));
}

/** The `sig1` member of the vector's Signature-Input: covered components and parameters. */
export function sig1Of(vector: WebhookVector): { components: string[]; params: SignatureParams } {
  const member = parseDictionary(vector.request.headers['Signature-Input'] ?? '').get('sig1') as InnerList;
  const params = member[1];
  return {
    components: member[0].map(([name]) => String(name)),
    params: {
      created: params.get('created') as number,
      expires: params.get('expires') as number,
      nonce: params.get('nonce') as string,
      keyid: params.get('keyid') as string,
      alg: params.get('alg') as string,
      tag: params.get('tag') as string,
    },
  };
}

/** The base64url token inside `Signature: sig1=:<token>:`. */
export function signatureToken(vector: WebhookVector): string {
  const match = /sig1=:([^:]*):/.exec(vector.request.headers['Signature'] ?? '');
  if (match?.[1] === undefined) throw new Error(`${vector.file}: no sig1 signature`);
  return match[1];
}
