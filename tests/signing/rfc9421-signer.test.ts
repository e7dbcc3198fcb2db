import { verify, type JsonWebKey } from 'node:crypto';
import { parseDictionary, type InnerList } from 'structured-headers';
import { describe, expect, it } from 'vitest';
import {
  buildSignatureBase,
  createInMemoryReplayCache,
  createRfc9421Signer,
  DuplicateKeyInputError,
  loadPrivateSigningKey,
  signRfc9421Request,
  SigningConfigError,
  TargetUriMalformedError,
  verifyRfc9421Webhook,
  type SignatureParams,
} from '../../src/runtime/signing/index.js';
import { BODY, makeKeyPair, request, URL_ } from './signing-helpers.js';

const NOW = 1_776_520_800;

function paramsOf(signatureInput: string): { components: string[]; params: SignatureParams } {
  const member = parseDictionary(signatureInput).get('sig1') as InnerList;
  const get = (name: string) => member[1].get(name);
  return {
    components: member[0].map(([name]) => String(name)),
    params: {
      created: get('created') as number,
      expires: get('expires') as number,
      nonce: get('nonce') as string,
      keyid: get('keyid') as string,
      alg: get('alg') as string,
      tag: get('tag') as string,
    },
  };
}

function signatureBytes(header: string): Buffer {
  return Buffer.from(/^sig1=:([A-Za-z0-9_-]+):$/.exec(header)![1]!, 'base64url');
}

describe.each(['ed25519', 'es256'] as const)('createRfc9421Signer (%s)', (kind) => {
  const pair = makeKeyPair(kind, `seller-${kind}-2026`);
  const alg = kind === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256';

  it('emits the profile headers with the descriptor of its key', () => {
    const signer = createRfc9421Signer({ key: pair.privateJwk });
    expect(signer.descriptor).toEqual({ mode: 'rfc9421', keyId: `seller-${kind}-2026` });
    const headers = signer.headersFor(request(), NOW);
    expect(Object.keys(headers).sort()).toEqual(['Content-Digest', 'Signature', 'Signature-Input']);
    expect(headers['Content-Digest']).toMatch(/^sha-256=:[A-Za-z0-9_-]{43}:$/);
    expect(headers['Signature']).toMatch(/^sig1=:[A-Za-z0-9_-]{86}:$/);
    expect(headers['Signature-Input']).toBe(
      `sig1=("@method" "@target-uri" "@authority" "content-type" "content-digest");created=${NOW};expires=${NOW + 300};` +
        `nonce="${paramsOf(headers['Signature-Input']!).params.nonce}";keyid="seller-${kind}-2026";alg="${alg}";tag="adcp/webhook-signing/v1"`,
    );
  });

  it('verifies with plain node:crypto against the public key', () => {
    const headers = createRfc9421Signer({ key: pair.privateJwk }).headersFor(request(), NOW);
    const { params } = paramsOf(headers['Signature-Input']!);
    const base = buildSignatureBase({
      method: 'POST',
      url: URL_,
      contentType: 'application/json',
      contentDigest: headers['Content-Digest']!,
      params,
    });
    const signature = signatureBytes(headers['Signature']!);
    expect(signature).toHaveLength(64);
    const ok =
      kind === 'ed25519'
        ? verify(null, Buffer.from(base), pair.publicKey, signature)
        : verify('sha256', Buffer.from(base), { key: pair.publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    expect(ok).toBe(true);
    expect(verify(null, Buffer.from(`${base} `), pair.publicKey, signature)).toBe(false);
  });

  it('verifies with our buyer-side verifier, and only for the exact request', () => {
    const headers = createRfc9421Signer({ key: pair.privateJwk }).headersFor(request(), NOW);
    const base = { method: 'POST', url: URL_, headers: { ...headers, 'Content-Type': 'application/json' }, body: BODY, jwks: [pair.publicJwk], now: NOW + 10 };
    expect(verifyRfc9421Webhook(base)).toEqual({ ok: true, keyid: `seller-${kind}-2026` });
    expect(verifyRfc9421Webhook({ ...base, body: BODY.replace('completed', 'failed') })).toEqual({ ok: false, code: 'webhook_signature_digest_mismatch' });
    expect(verifyRfc9421Webhook({ ...base, url: `${URL_}&x=1` })).toEqual({ ok: false, code: 'webhook_signature_invalid' });
    expect(verifyRfc9421Webhook({ ...base, method: 'PUT' })).toEqual({ ok: false, code: 'webhook_signature_invalid' });
    expect(verifyRfc9421Webhook({ ...base, now: NOW + 361 })).toEqual({ ok: false, code: 'webhook_signature_window_invalid' });
  });

  it('accepts a KeyObject with an explicit keyId', () => {
    const signer = createRfc9421Signer({ key: pair.privateKey, keyId: 'kobj' });
    expect(signer.descriptor).toEqual({ mode: 'rfc9421', keyId: 'kobj' });
    const headers = signer.headersFor(request(), NOW);
    const jwks = [{ ...pair.publicJwk, kid: 'kobj' }];
    expect(verifyRfc9421Webhook({ method: 'POST', url: URL_, headers: { ...headers, 'content-type': 'application/json' }, body: BODY, jwks, now: NOW })).toEqual({ ok: true, keyid: 'kobj' });
  });
});

describe('nonce and window', () => {
  const pair = makeKeyPair('ed25519', 'k1');

  it('uses a fresh 16-byte nonce on every call, even at the same second', () => {
    const signer = createRfc9421Signer({ key: pair.privateJwk });
    const nonces = new Set<string>();
    const signatures = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const headers = signer.headersFor(request(), NOW);
      const { nonce } = paramsOf(headers['Signature-Input']!).params;
      expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(nonce, 'base64url')).toHaveLength(16);
      nonces.add(nonce);
      signatures.add(headers['Signature']!);
    }
    expect(nonces.size).toBe(20);
    expect(signatures.size).toBe(20);
  });

  it('sets expires = created + 300 by default and honours a shorter validity', () => {
    const fractionalNow = NOW + 0.9;
    const byDefault = paramsOf(createRfc9421Signer({ key: pair.privateJwk }).headersFor(request(), fractionalNow)['Signature-Input']!).params;
    expect([byDefault.created, byDefault.expires]).toEqual([NOW, NOW + 300]);
    const short = paramsOf(createRfc9421Signer({ key: pair.privateJwk, expiresInSeconds: 60 }).headersFor(request(), NOW)['Signature-Input']!).params;
    expect(short.expires - short.created).toBe(60);
  });

  it.each([0, 301, 1.5, -5])('refuses expiresInSeconds %s', (seconds) => {
    expect(() => createRfc9421Signer({ key: pair.privateJwk, expiresInSeconds: seconds })).toThrow(SigningConfigError);
  });

  it('refuses a nonce source that returns short or padded nonces', () => {
    for (const nonce of ['short', 'AAAAAAAAAAAAAAAAAAAAAA==', 'A+AAAAAAAAAAAAAAAAAAAA']) {
      const signer = createRfc9421Signer({ key: pair.privateJwk, randomNonce: () => nonce });
      expect(() => signer.headersFor(request(), NOW)).toThrow(SigningConfigError);
    }
  });

  it('replays are caught by the verifier replay cache; each fresh signature is accepted', () => {
    const signer = createRfc9421Signer({ key: pair.privateJwk });
    const replay = createInMemoryReplayCache();
    const jwks = [pair.publicJwk];
    const headers = { ...signer.headersFor(request(), NOW), 'Content-Type': 'application/json' };
    const input = { method: 'POST', url: URL_, headers, body: BODY, jwks, now: NOW, replay };
    expect(verifyRfc9421Webhook(input).ok).toBe(true);
    expect(verifyRfc9421Webhook(input)).toEqual({ ok: false, code: 'webhook_signature_replayed' });
    const again = { ...signer.headersFor(request(), NOW), 'Content-Type': 'application/json' };
    expect(verifyRfc9421Webhook({ ...input, headers: again }).ok).toBe(true);
  });
});

describe('signRfc9421Request (deterministic)', () => {
  it('is deterministic for Ed25519 given created/expires/nonce', () => {
    const key = loadPrivateSigningKey(makeKeyPair('ed25519', 'det').privateJwk);
    const timing = { created: NOW, expires: NOW + 300, nonce: 'KXYnfEfJ0PBRZXQyVXfVQA' };
    const first = signRfc9421Request(request(), key, timing);
    const second = signRfc9421Request(request(), key, timing);
    expect(first).toEqual(second);
    expect(first.signatureBase).toBe(
      buildSignatureBase({ method: 'POST', url: URL_, contentType: 'application/json', contentDigest: first.headers['Content-Digest']!, params: { ...timing, keyid: 'det', alg: 'ed25519' } }),
    );
    expect(first.signatureBase.split('\n')[1]).toBe('"@target-uri": https://buyer.example.com/adcp/webhook/op_abc?tenant=7');
  });

  it('signs the URL the HTTP client will send (WHATWG serialization), canonicalized', () => {
    const key = loadPrivateSigningKey(makeKeyPair('ed25519', 'det').privateJwk);
    const timing = { created: NOW, expires: NOW + 300, nonce: 'KXYnfEfJ0PBRZXQyVXfVQA' };
    const signed = signRfc9421Request(request(BODY, 'HTTPS://Buyer.Example.com:443/a/./b?q=1#frag'), key, timing);
    expect(signed.signatureBase.split('\n').slice(1, 3)).toEqual([
      '"@target-uri": https://buyer.example.com/a/b?q=1',
      '"@authority": buyer.example.com',
    ]);
    expect(() => signRfc9421Request(request(BODY, 'not a url'), key, timing)).toThrow(TargetUriMalformedError);
  });

  it('refuses expires - created above 300 or not after created', () => {
    const key = loadPrivateSigningKey(makeKeyPair('ed25519', 'det').privateJwk);
    const nonce = 'KXYnfEfJ0PBRZXQyVXfVQA';
    expect(() => signRfc9421Request(request(), key, { created: NOW, expires: NOW + 301, nonce })).toThrow(SigningConfigError);
    expect(() => signRfc9421Request(request(), key, { created: NOW, expires: NOW, nonce })).toThrow(SigningConfigError);
  });
});

describe('refusals', () => {
  it('refuses a body with duplicate keys before signing', () => {
    const signer = createRfc9421Signer({ key: makeKeyPair('ed25519', 'k').privateJwk });
    expect(() => signer.headersFor(request('{"status":"a","status":"b"}'), NOW)).toThrow(DuplicateKeyInputError);
  });

  it('refuses unusable keys with a SigningConfigError that carries no key material', () => {
    const ed = makeKeyPair('ed25519', 'k');
    const ec = makeKeyPair('es256', 'k');
    const cases: Array<[string, () => unknown]> = [
      ['public JWK', () => createRfc9421Signer({ key: ed.publicJwk as never })],
      ['no kid', () => createRfc9421Signer({ key: { ...ed.privateJwk, kid: undefined } })],
      ['kid mismatch', () => createRfc9421Signer({ key: ed.privateJwk, keyId: 'other' })],
      ['alg mismatch', () => createRfc9421Signer({ key: { ...ec.privateJwk, alg: 'EdDSA' } as never })],
      ['KeyObject without keyId', () => createRfc9421Signer({ key: ed.privateKey })],
      ['public KeyObject', () => createRfc9421Signer({ key: ed.publicKey, keyId: 'k' })],
      ['corrupt d', () => createRfc9421Signer({ key: { ...ed.privateJwk, d: 'AAAA' } })],
      ['X25519 key', () => createRfc9421Signer({ key: { kty: 'OKP', crv: 'X25519', x: ed.privateJwk.x, d: ed.privateJwk.d, kid: 'k' } as never })],
    ];
    for (const [name, make] of cases) {
      let caught: unknown;
      try {
        make();
      } catch (error) {
        caught = error;
      }
      expect(caught, name).toBeInstanceOf(SigningConfigError);
      expect((caught as Error).message, name).not.toContain(String(ed.privateJwk.d));
      expect((caught as Error).message, name).not.toContain(String(ec.privateJwk.d));
    }
  });
});
