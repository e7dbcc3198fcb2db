// The AdCP 3.1.19 webhook-signing conformance vectors drive the base builder, the signer's crypto
// and the buyer-side verifier.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildSignatureBase,
  contentDigestHeader,
  loadPrivateSigningKey,
  verifyRfc9421Webhook,
  WEBHOOK_COVERED_COMPONENTS,
} from '../../src/runtime/signing/index.js';
import { signBytes } from '../../src/runtime/signing/signing-keys.js';
import {
  jwksFor,
  loadTestKeys,
  loadVectors,
  privateJwk,
  publicJwk,
  sig1Of,
  signatureToken,
  type WebhookVector,
} from './vector-fixtures.js';

const positives = loadVectors('positive');
const negatives = loadVectors('negative');
const keys = loadTestKeys();

function keyFor(vector: WebhookVector) {
  const key = keys.find((candidate) => candidate.kid === sig1Of(vector).params.keyid);
  if (key === undefined) throw new Error(`${vector.file}: signing key not in keys.json`);
  return key;
}

function baseFromRequest(vector: WebhookVector): string {
  const { headers } = vector.request;
  return buildSignatureBase({
    method: vector.request.method,
    url: vector.request.url,
    contentType: headers['Content-Type'] ?? '',
    contentDigest: headers['Content-Digest'] ?? '',
    params: sig1Of(vector).params,
  });
}

describe('webhook-signing vectors: fixture sanity', () => {
  it('has the 8 positive and 10 negative vectors', () => {
    expect(positives).toHaveLength(8);
    expect(negatives).toHaveLength(10);
  });
});

describe('signature base builder', () => {
  const withProfileComponents = [...positives, ...negatives].filter((vector) => {
    try {
      return sig1Of(vector).components.join(' ') === WEBHOOK_COVERED_COMPONENTS.join(' ');
    } catch {
      return false;
    }
  });

  it('covers every positive vector', () => {
    expect(positives.every((vector) => withProfileComponents.includes(vector))).toBe(true);
  });

  it.each(withProfileComponents.map((vector) => [`${vector.kind}/${vector.file}`, vector] as const))(
    'reproduces expected_signature_base for %s',
    (_name, vector) => {
      expect(baseFromRequest(vector)).toBe(vector.expected_signature_base);
    },
  );

  it('computes the same digest bytes as the vectors (they use padded standard base64)', () => {
    const vector = positives[0]!;
    const ours = contentDigestHeader(vector.request.body);
    const theirs = vector.request.headers['Content-Digest']!;
    const bytes = (header: string) => Buffer.from(/:([^:]*):/.exec(header)![1]!.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    expect(ours).toMatch(/^sha-256=:[A-Za-z0-9_-]{43}:$/);
    expect(bytes(ours).equals(bytes(theirs))).toBe(true);
  });
});

describe('signer crypto against the vectors', () => {
  const ed25519 = positives.filter((vector) => sig1Of(vector).params.alg === 'ed25519');
  const es256 = positives.filter((vector) => sig1Of(vector).params.alg === 'ecdsa-p256-sha256');

  it('has Ed25519 and ES256 positive vectors', () => {
    expect(ed25519.length).toBe(7);
    expect(es256.length).toBe(1);
  });

  it.each(ed25519.map((vector) => [vector.file, vector] as const))(
    'reproduces the Ed25519 Signature of %s byte for byte',
    (_name, vector) => {
      const key = loadPrivateSigningKey(privateJwk(keyFor(vector)));
      const signature = signBytes(key.alg, key.privateKey, Buffer.from(vector.expected_signature_base, 'utf8'));
      expect(Buffer.from(signature).toString('base64url')).toBe(signatureToken(vector));
      // Cross-check with plain node:crypto.
      const plain = sign(null, Buffer.from(vector.expected_signature_base), createPrivateKey({ key: privateJwk(keyFor(vector)) as never, format: 'jwk' }));
      expect(plain.toString('base64url')).toBe(signatureToken(vector));
    },
  );

  it.each(es256.map((vector) => [vector.file, vector] as const))('verifies the ES256 signature of %s', (_name, vector) => {
    const publicKey = createPublicKey({ key: publicJwk(keyFor(vector)) as never, format: 'jwk' });
    const signature = Buffer.from(signatureToken(vector), 'base64url');
    expect(signature).toHaveLength(64);
    const base = Buffer.from(vector.expected_signature_base);
    expect(verify('sha256', base, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    // Our ES256 signatures over the same base verify with the same public key (randomized, so not byte-equal).
    const key = loadPrivateSigningKey(privateJwk(keyFor(vector)));
    expect(key.alg).toBe('ecdsa-p256-sha256');
    const ours = signBytes(key.alg, key.privateKey, base);
    expect(verify('sha256', base, { key: publicKey, dsaEncoding: 'ieee-p1363' }, ours)).toBe(true);
  });
});

describe('verifyRfc9421Webhook against the vectors', () => {
  it.each(positives.map((vector) => [vector.file, vector] as const))('accepts positive %s', (_name, vector) => {
    const result = verifyRfc9421Webhook({ ...vector.request, jwks: jwksFor(vector), now: vector.reference_now });
    expect(result).toEqual({ ok: true, keyid: sig1Of(vector).params.keyid });
  });

  it.each(negatives.map((vector) => [vector.file, vector] as const))(
    'rejects negative %s with its exact error code',
    (_name, vector) => {
      const result = verifyRfc9421Webhook({ ...vector.request, jwks: jwksFor(vector), now: vector.reference_now });
      expect(vector.expected_outcome.error_code).toMatch(/^webhook_/);
      expect(result).toEqual({ ok: false, code: vector.expected_outcome.error_code });
    },
  );
});
