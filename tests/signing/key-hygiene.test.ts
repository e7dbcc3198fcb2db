// Key and signature hygiene of the RFC 9421 signer: a private JWK whose public members belong to
// another key is refused at configuration, and every ES256 signature is emitted in low-S form.
import { describe, expect, it } from 'vitest';
import {
  createRfc9421Signer,
  loadPrivateSigningKey,
  SigningConfigError,
  verifyRfc9421Webhook,
  type PrivateJwk,
} from '../../src/index.js';
import { signBytes, toLowS } from '../../src/runtime/signing/signing-keys.js';
import { makeKeyPair, request, URL_ } from './signing-helpers.js';

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function sOf(signature: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
}

function signatureBytes(headers: Record<string, string>): Uint8Array {
  const match = /^sig1=:([A-Za-z0-9+/=_-]+):$/.exec(headers['Signature'] ?? '');
  return Buffer.from(match![1]!, 'base64');
}

describe('createRfc9421Signer refuses a private JWK whose public half belongs to another key', () => {
  // A P-256 JWK with only x or only y swapped names no point on the curve (refused as invalid);
  // a whole foreign point (x and y) is a valid public key of another private key.
  it.each([
    ['ed25519', ['x'], /public member "x" does not belong to its private key/],
    ['es256', ['x'], /not a valid Ed25519 or P-256 key/],
    ['es256', ['y'], /not a valid Ed25519 or P-256 key/],
    ['es256', ['x', 'y'], /public member "x" does not belong to its private key/],
  ] as const)('%s with a foreign %j', (kind, members, message) => {
    const own = makeKeyPair(kind, 'k1');
    const other = makeKeyPair(kind, 'k1');
    const mixed = { ...own.privateJwk } as Record<string, unknown>;
    for (const member of members) mixed[member] = (other.privateJwk as unknown as Record<string, unknown>)[member];
    const attempt = () => createRfc9421Signer({ key: mixed as unknown as PrivateJwk });
    expect(attempt).toThrow(SigningConfigError);
    expect(attempt).toThrow(message);
    expect(() => loadPrivateSigningKey(mixed as unknown as PrivateJwk)).toThrow(SigningConfigError);
  });

  it('accepts the matching key pair, with or without its public members', () => {
    const ed = makeKeyPair('ed25519', 'k1');
    const ec = makeKeyPair('es256', 'k2');
    expect(createRfc9421Signer({ key: ed.privateJwk }).descriptor).toMatchObject({ keyId: 'k1' });
    expect(createRfc9421Signer({ key: ec.privateJwk }).descriptor).toMatchObject({ keyId: 'k2' });
  });

  it('names the cause for a value that is no key object at all', () => {
    expect(() => createRfc9421Signer({ key: 'x' as never })).toThrow(/must be a private JWK object or a private KeyObject/);
    expect(() => createRfc9421Signer({ key: null as never })).toThrow(SigningConfigError);
  });
});

describe('ES256 signatures are low-S', () => {
  it('2,000 signatures through the signer: every s ≤ n/2 and every one verifies', () => {
    const ec = makeKeyPair('es256', 'ec-1');
    const signer = createRfc9421Signer({ key: ec.privateJwk });
    let highBefore = 0;
    for (let i = 0; i < 2_000; i += 1) {
      const now = 1_776_000_000 + i;
      const body = `{"idempotency_key":"whk_${String(i).padStart(6, '0')}","n":${i}}`;
      const headers = signer.headersFor(request(body), now);
      const s = sOf(signatureBytes(headers));
      expect(s <= P256_ORDER / 2n).toBe(true);
      const verdict = verifyRfc9421Webhook({
        method: 'POST',
        url: URL_,
        headers: { ...headers, 'Content-Type': 'application/json' },
        body,
        jwks: [ec.publicJwk],
        now,
      });
      expect(verdict).toEqual({ ok: true, keyid: 'ec-1' });
    }
    // node's ECDSA emits high S about half the time: the normalization is what keeps the count at 0.
    const key = loadPrivateSigningKey(ec.privateJwk);
    for (let i = 0; i < 64; i += 1) {
      const raw = Buffer.from(signBytes(key.alg, key.privateKey, Buffer.from(`m${i}`)));
      if (sOf(raw) > P256_ORDER / 2n) highBefore += 1;
    }
    expect(highBefore).toBe(0);
  });

  it('toLowS maps a high s to n − s and leaves a low s alone', () => {
    const r = Buffer.alloc(32, 7);
    const high = Buffer.from((P256_ORDER - 5n).toString(16).padStart(64, '0'), 'hex');
    const low = toLowS(Buffer.concat([r, high]));
    expect(sOf(low)).toBe(5n);
    expect(Buffer.from(low.subarray(0, 32)).equals(r)).toBe(true);
    const already = Buffer.concat([r, Buffer.from((5n).toString(16).padStart(64, '0'), 'hex')]);
    expect(toLowS(already)).toBe(already);
  });
});
