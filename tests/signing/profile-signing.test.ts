// The hand-assembled hot path of the RFC 9421 profile (profile-signing.ts) against the general,
// structured-headers path (serializeSignatureParams + buildSignatureBase): byte for byte the same
// Signature-Input and signature base, and a signature over that base.
import { verify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildSignatureBase,
  contentDigestHeader,
  createRfc9421Signer,
  DuplicateKeyInputError,
  freshNonce,
  loadPrivateSigningKey,
  serializeSignatureParams,
  signRfc9421Request,
  SigningConfigError,
  TargetUriMalformedError,
  verifyRfc9421Webhook,
} from '../../src/runtime/signing/index.js';
import { markRuntimeSerializedBody } from '../../src/runtime/signing/serialized-bodies.js';
import { signedTargetOf } from '../../src/runtime/signing/signed-target.js';
import { BODY, makeKeyPair, request } from './signing-helpers.js';

const NOW = 1_776_520_800;
const URLS = [
  'https://buyer.example.com/adcp/webhook/op_abc?tenant=7',
  'HTTPS://Buyer.Example.com:443/a/./b/../c?q=1#frag',
  'https://buyer.example.com:8443/p%7e%2fq?x=%41&y',
  'https://[2001:DB8::1]:9000/hook',
  'https://xn--bcher-kva.example./inbox',
  'http://127.0.0.1:8080',
  "https://buyer.example.com/it's?o'k",
];
const printableAscii = fc.stringMatching(/^[\x20-\x7e]{1,24}$/);
const nonceBytes = fc.uint8Array({ minLength: 16, maxLength: 40 });

function generalPath(url: string, created: number, expires: number, nonce: string, keyid: string, alg: string, body: Uint8Array) {
  const contentDigest = contentDigestHeader(body);
  const params = { created, expires, nonce, keyid, alg };
  const wireUrl = new URL(url).href;
  return {
    signatureInput: `sig1=${serializeSignatureParams(params)}`,
    signatureBase: buildSignatureBase({ method: 'POST', url: wireUrl, contentType: 'application/json', contentDigest, params }),
    contentDigest,
  };
}

describe.each(['ed25519', 'es256'] as const)('profile hot path = structured-headers path (%s)', (kind) => {
  const pair = makeKeyPair(kind, 'k');
  const alg = kind === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256';

  it('gives the same Signature-Input, base and digest for any URL, timing, nonce and key id', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...URLS),
        fc.integer({ min: 0, max: 999_999_999_999_000 }),
        fc.integer({ min: 1, max: 300 }),
        nonceBytes,
        printableAscii,
        fc.string(),
        (url, created, validity, bytes, keyid, text) => {
          const key = loadPrivateSigningKey(pair.privateJwk);
          const nonce = Buffer.from(bytes).toString('base64url');
          const body = new TextEncoder().encode(JSON.stringify({ text }));
          const timing = { created, expires: created + validity, nonce };
          const signed = signRfc9421Request({ ...request('', url), body }, { ...key, keyId: keyid }, timing);
          const expected = generalPath(url, created, created + validity, nonce, keyid, alg, body);
          expect(signed.headers['Signature-Input']).toBe(expected.signatureInput);
          expect(signed.signatureBase).toBe(expected.signatureBase);
          expect(signed.headers['Content-Digest']).toBe(expected.contentDigest);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('signs that base: node:crypto verifies the Signature against the public key', () => {
    const signer = createRfc9421Signer({ key: pair.privateJwk });
    const headers = signer.headersFor(request(), NOW);
    const nonce = /nonce="([^"]+)"/.exec(headers['Signature-Input']!)![1]!;
    const { signatureBase } = generalPath(request().url, NOW, NOW + 300, nonce, 'k', alg, request().body);
    const signature = Buffer.from(/^sig1=:([A-Za-z0-9_-]+):$/.exec(headers['Signature']!)![1]!, 'base64url');
    const ok =
      kind === 'ed25519'
        ? verify(null, Buffer.from(signatureBase), pair.publicKey, signature)
        : verify('sha256', Buffer.from(signatureBase), { key: pair.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    expect(ok).toBe(true);
  });
});

describe('profile hot path details', () => {
  const pair = makeKeyPair('ed25519', 'k');

  it('escapes a key id with quotes and backslashes as RFC 8941 does, and the verifier accepts it', () => {
    const keyid = 'seller "prod" \\ 2026';
    const signer = createRfc9421Signer({ key: { ...pair.privateJwk, kid: keyid } });
    const headers = signer.headersFor(request(), NOW);
    expect(headers['Signature-Input']).toContain(';keyid="seller \\"prod\\" \\\\ 2026";alg="ed25519"');
    const jwks = [{ ...pair.publicJwk, kid: keyid }];
    const verdict = verifyRfc9421Webhook({ method: 'POST', url: request().url, headers: { ...headers, 'content-type': 'application/json' }, body: BODY, jwks, now: NOW });
    expect(verdict).toEqual({ ok: true, keyid });
  });

  it('refuses a key id that RFC 8941 cannot carry when the signer is created', () => {
    expect(() => createRfc9421Signer({ key: { ...pair.privateJwk, kid: 'clé' } })).toThrow(SigningConfigError);
  });

  it('refuses created/expires outside the RFC 8941 integer range and non-integer clocks', () => {
    const signer = createRfc9421Signer({ key: pair.privateJwk });
    expect(() => signer.headersFor(request(), Number.NaN)).toThrow(SigningConfigError);
    expect(() => signer.headersFor(request(), -1)).toThrow(SigningConfigError);
    expect(() => signer.headersFor(request(), 999_999_999_999_999)).toThrow(SigningConfigError);
  });

  it('checks method and content type for line breaks unless they are the profile defaults', () => {
    const key = loadPrivateSigningKey(pair.privateJwk);
    const timing = { created: NOW, expires: NOW + 300, nonce: 'KXYnfEfJ0PBRZXQyVXfVQA' };
    expect(signRfc9421Request({ ...request(), method: 'post' }, key, timing).signatureBase.startsWith('"@method": POST\n')).toBe(true);
    expect(signRfc9421Request({ ...request(), contentType: ' application/json ' }, key, timing).signatureBase).toContain('"content-type": application/json\n');
    expect(() => signRfc9421Request({ ...request(), method: 'PO\nST' }, key, timing)).toThrow(/line break/);
    expect(() => signRfc9421Request({ ...request(), contentType: 'application/json\r\nx: y' }, key, timing)).toThrow(/line break/);
  });

  it('cuts every nonce from fresh random bytes: 16 bytes, base64url, never repeated across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const nonce = freshNonce();
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(nonce, 'base64url')).toHaveLength(16);
      seen.add(nonce);
    }
    expect(seen.size).toBe(1_000);
  });
});

describe('signed target cache', () => {
  it('gives the same answer cached or not, and refusals are never cached', () => {
    const url = 'HTTPS://Buyer.Example.com:443/a/./b?q=1#frag';
    expect(signedTargetOf(url)).toEqual({ targetUri: 'https://buyer.example.com/a/b?q=1', authority: 'buyer.example.com' });
    expect(signedTargetOf(url)).toEqual({ targetUri: 'https://buyer.example.com/a/b?q=1', authority: 'buyer.example.com' });
    for (let i = 0; i < 3; i++) expect(() => signedTargetOf('https:///p')).toThrow(TargetUriMalformedError);
  });

  it('stays correct past its bound (distinct URLs evict, none is confused with another)', () => {
    for (let i = 0; i < 1_100; i++) {
      expect(signedTargetOf(`https://b${i}.example.com/h?i=${i}`).targetUri).toBe(`https://b${i}.example.com/h?i=${i}`);
    }
    expect(signedTargetOf('https://b7.example.com/h?i=7').authority).toBe('b7.example.com');
  });
});

describe('runtime-serialized bodies', () => {
  const signer = createRfc9421Signer({ key: makeKeyPair('ed25519', 'k').privateJwk });
  const ambiguous = '{"status":"a","status":"b"}';

  it('every signer still refuses duplicate keys in bytes the runtime did not mark, copies of marked bytes included', () => {
    const marked = new TextEncoder().encode(ambiguous);
    markRuntimeSerializedBody(marked);
    expect(() => signer.headersFor({ ...request(), body: Buffer.from(marked) }, NOW)).toThrow(DuplicateKeyInputError);
    expect(() => signer.headersFor(request(ambiguous), NOW)).toThrow(DuplicateKeyInputError);
  });

  it('skips the scan only for a marked body (the mark is what the runtime uses for its own JSON.stringify output)', () => {
    const marked = new TextEncoder().encode(ambiguous);
    markRuntimeSerializedBody(marked);
    expect(signer.headersFor({ ...request(), body: marked }, NOW)['Signature']).toMatch(/^sig1=:/);
  });
});
