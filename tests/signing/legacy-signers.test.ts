import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createBearerSigner,
  createHmacSigner,
  DuplicateKeyInputError,
  SigningConfigError,
  tokensEqual,
  unsignedSigner,
  verifyHmacWebhook,
} from '../../src/runtime/signing/index.js';
import { request } from './signing-helpers.js';

// A strong test secret (64 hex characters used as ASCII, exactly as the AdCP HMAC vectors do).
const SECRET = 'cc237f7fe354609bb41360c6530a2deb7926f3cc55e91df3ff90e37202950b6c';
const NOW = 1_700_000_000;

function independentHmac(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

function thrown(make: () => unknown): Error {
  try {
    make();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('createHmacSigner', () => {
  it('signs "<unix seconds>.<raw body>" with the secret as UTF-8 (known answer via node:crypto)', () => {
    const body = '{"event":"creative.status_changed","creative_id":"creative_123","status":"approved"}';
    const signer = createHmacSigner({ secret: SECRET, credentialRef: 'buyer-42/hmac' });
    expect(signer.descriptor).toEqual({ mode: 'hmac-sha256', credentialRef: 'buyer-42/hmac' });
    const headers = signer.headersFor(request(body), NOW + 0.75);
    expect(headers).toEqual({
      'X-ADCP-Signature': `sha256=${independentHmac(SECRET, String(NOW), body)}`,
      'X-ADCP-Timestamp': String(NOW),
    });
  });

  // Expected values published in the AdCP webhook-hmac-sha256.json conformance vectors.
  it.each([
    ['compact-js-style', 1700000000, '{"event":"creative.status_changed","creative_id":"creative_123","status":"approved"}', '0987f9b3e89d331142297dbc0e992edbc13b2ae29e7038ed8f948b565aa05c4b'],
    ['empty-object', 1700000000, '{}', '06338bfc687c7a3677ea16420e527469d6717bb966451d29c685de8f0270f073'],
    ['unicode-utf8', 1700000000, '{"brand_name":"Café Münchën","tagline":"日本語テスト"}', '0e445863247724694581d538497527218443961f15c9645d656b52d8fdca4f9c'],
    ['timestamp-zero', 0, '{"event":"test"}', 'e098ea1f745765614027918d988930b96c38a2f8e2b5d05560f4bffa53d77dcd'],
  ])('matches the published vector %s', (_id, timestamp, body, hex) => {
    const headers = createHmacSigner({ secret: SECRET, credentialRef: 'ref' }).headersFor(request(body), timestamp);
    expect(headers['X-ADCP-Signature']).toBe(`sha256=${hex}`);
  });

  it.each([
    ['31 bytes', '1234567890abcdef1234567890abcde'],
    ['empty', ''],
    ['all zeros', '00000000000000000000000000000000'],
    ['one repeated character', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'],
    ['one repeated multibyte character', 'é'.repeat(20)],
  ])('refuses a secret that is %s, without echoing it', (_name, secret) => {
    const error = thrown(() => createHmacSigner({ secret, credentialRef: 'ref' }));
    expect(error).toBeInstanceOf(SigningConfigError);
    if (secret !== '') expect(error.message).not.toContain(secret);
  });

  it('counts bytes, not characters', () => {
    expect(() => createHmacSigner({ secret: '€x'.repeat(8), credentialRef: 'ref' })).not.toThrow(); // 32 bytes
    expect(() => createHmacSigner({ secret: '€'.repeat(10), credentialRef: 'ref' })).toThrow(SigningConfigError);
  });

  it('requires a credentialRef and refuses duplicate-key bodies', () => {
    expect(() => createHmacSigner({ secret: SECRET, credentialRef: ' ' })).toThrow(SigningConfigError);
    const signer = createHmacSigner({ secret: SECRET, credentialRef: 'ref' });
    expect(() => signer.headersFor(request('{"a":1,"a":2}'), NOW)).toThrow(DuplicateKeyInputError);
  });
});

describe('verifyHmacWebhook', () => {
  const body = '{"event":"test"}';
  const signed = (timestamp: number, secret = SECRET) =>
    createHmacSigner({ secret, credentialRef: 'ref' }).headersFor(request(body), timestamp);

  it('accepts within ±300 s and rejects outside', () => {
    expect(verifyHmacWebhook({ headers: signed(NOW), body, secret: SECRET, now: NOW })).toEqual({ ok: true });
    expect(verifyHmacWebhook({ headers: signed(NOW - 300), body, secret: SECRET, now: NOW }).ok).toBe(true);
    expect(verifyHmacWebhook({ headers: signed(NOW + 300), body, secret: SECRET, now: NOW }).ok).toBe(true);
    expect(verifyHmacWebhook({ headers: signed(NOW - 301), body, secret: SECRET, now: NOW })).toEqual({ ok: false, code: 'webhook_hmac_window_invalid' });
    expect(verifyHmacWebhook({ headers: signed(NOW + 301), body, secret: SECRET, now: NOW })).toEqual({ ok: false, code: 'webhook_hmac_window_invalid' });
  });

  it('accepts the previous secret during rotation', () => {
    const previous = 'f'.repeat(31) + 'e';
    expect(verifyHmacWebhook({ headers: signed(NOW, previous), body, secret: [SECRET, previous], now: NOW }).ok).toBe(true);
    expect(verifyHmacWebhook({ headers: signed(NOW, previous), body, secret: [SECRET], now: NOW }).ok).toBe(false);
  });

  it.each([
    ['truncated signature', 'sha256=c4faf8', String(NOW), body, 'webhook_hmac_signature_invalid'],
    ['wrong algorithm prefix', `sha512=${independentHmac(SECRET, String(NOW), body)}`, String(NOW), body, 'webhook_hmac_signature_invalid'],
    ['double prefix', `sha256=sha256=${independentHmac(SECRET, String(NOW), body)}`, String(NOW), body, 'webhook_hmac_signature_invalid'],
    ['empty signature', '', String(NOW), body, 'webhook_hmac_headers_missing'],
    ['non-numeric timestamp', 'sha256=anything', 'not-a-number', body, 'webhook_hmac_timestamp_invalid'],
    ['ISO timestamp', 'sha256=anything', '2023-11-14T22:13:20Z', body, 'webhook_hmac_timestamp_invalid'],
    ['tampered body', `sha256=${independentHmac(SECRET, String(NOW), body)}`, String(NOW), '{"event":"hacked"}', 'webhook_hmac_signature_invalid'],
    ['duplicate keys under a valid HMAC', `sha256=${independentHmac(SECRET, String(NOW), '{"s":1,"s":2}')}`, String(NOW), '{"s":1,"s":2}', 'webhook_body_malformed'],
  ])('rejects %s', (_name, signature, timestamp, receivedBody, code) => {
    const headers = { 'x-adcp-signature': signature, 'x-adcp-timestamp': timestamp };
    expect(verifyHmacWebhook({ headers, body: receivedBody, secret: SECRET, now: NOW })).toEqual({ ok: false, code });
  });

  it('reports missing headers, and a 9421-signed webhook as a mode mismatch', () => {
    expect(verifyHmacWebhook({ headers: {}, body, secret: SECRET, now: NOW })).toEqual({ ok: false, code: 'webhook_hmac_headers_missing' });
    const signed9421 = { 'Signature-Input': 'sig1=()', Signature: 'sig1=::' };
    expect(verifyHmacWebhook({ headers: signed9421, body, secret: SECRET, now: NOW })).toEqual({ ok: false, code: 'webhook_mode_mismatch' });
  });

  it('accepts an uppercase-hex signature from a lenient signer', () => {
    const headers = { 'X-ADCP-Signature': `sha256=${independentHmac(SECRET, String(NOW), body).toUpperCase()}`, 'X-ADCP-Timestamp': String(NOW) };
    expect(verifyHmacWebhook({ headers, body, secret: SECRET, now: NOW }).ok).toBe(true);
  });
});

describe('verifyHmacWebhook secret policy', () => {
  const body = '{"event":"test"}';
  // A forger who guesses a weak configured secret computes a valid HMAC under it.
  const forgedUnder = (secret: string) => ({
    'X-ADCP-Signature': `sha256=${independentHmac(secret, String(NOW), body)}`,
    'X-ADCP-Timestamp': String(NOW),
  });
  const secretRefused = { ok: false, code: 'webhook_hmac_secret_invalid' };

  it.each([
    ['an empty secret', '', ''],
    ['a list holding only an empty secret', [''], ''],
    ['an empty previous secret beside a strong one', ['', SECRET], ''],
    ['a one-character secret', 'a', 'a'],
    ['a 31-byte secret', '1234567890abcdef1234567890abcde', '1234567890abcdef1234567890abcde'],
    ['a repeated-character secret', 'a'.repeat(40), 'a'.repeat(40)],
    ['a weak previous secret', [SECRET, 'a'.repeat(40)], 'a'.repeat(40)],
  ])('never accepts an HMAC computed under %s', (_name, secret, forgedWith) => {
    expect(verifyHmacWebhook({ headers: forgedUnder(forgedWith), body, secret, now: NOW })).toEqual(secretRefused);
  });

  it('refuses a strong secret in a rotation list that also holds a weak one, even for a genuine signature', () => {
    expect(verifyHmacWebhook({ headers: forgedUnder(SECRET), body, secret: [SECRET, ''], now: NOW })).toEqual(secretRefused);
    expect(verifyHmacWebhook({ headers: forgedUnder(SECRET), body, secret: [SECRET], now: NOW })).toEqual({ ok: true });
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['a number', 12345678901234567890123456789012],
    ['an object', { secret: SECRET }],
    ['an empty list', []],
    ['a list holding a number', [SECRET, 42]],
    ['a list holding null', [null]],
  ])('fails closed with a typed code, never a TypeError, when the secret is %s', (_name, secret) => {
    const verify = () => verifyHmacWebhook({ headers: forgedUnder(SECRET), body, secret: secret as never, now: NOW });
    expect(verify).not.toThrow();
    expect(verify()).toEqual(secretRefused);
  });

  it('fails closed on input it cannot read, without throwing', () => {
    const inputInvalid = { ok: false, code: 'webhook_verifier_input_invalid' };
    const throwingHeaders = { get: () => { throw new Error('header store down'); } };
    const throwingKeys = new Proxy({}, { ownKeys: () => { throw new Error('hostile'); } });
    const hostileInput = new Proxy({}, { get: () => { throw new Error('hostile'); } });
    const cases: unknown[] = [
      { headers: throwingHeaders, body, secret: SECRET, now: NOW },
      { headers: throwingKeys, body, secret: SECRET, now: NOW },
      { headers: forgedUnder(SECRET), body: 42, secret: SECRET, now: NOW },
      { headers: forgedUnder(SECRET), body: undefined, secret: SECRET, now: NOW },
      { headers: forgedUnder(SECRET), body, secret: SECRET, now: Number.NaN },
      { headers: null, body, secret: SECRET, now: NOW },
      hostileInput,
    ];
    for (const input of cases) {
      expect(() => verifyHmacWebhook(input as never)).not.toThrow();
      expect(verifyHmacWebhook(input as never)).toEqual(inputInvalid);
    }
  });
});

describe('createBearerSigner / tokensEqual / unsignedSigner', () => {
  const TOKEN = 'tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

  it('sends Authorization: Bearer <token>', () => {
    const signer = createBearerSigner({ token: TOKEN, credentialRef: 'buyer-42/bearer' });
    expect(signer.descriptor).toEqual({ mode: 'bearer', credentialRef: 'buyer-42/bearer' });
    expect(signer.headersFor(request(), NOW)).toEqual({ Authorization: `Bearer ${TOKEN}` });
  });

  it.each([
    ['short', 'tok_short'],
    ['empty', ''],
    ['one repeated character', 'x'.repeat(40)],
    ['containing a space', `${TOKEN} extra`],
    ['containing a line break', `${TOKEN}\r\nX-Injected: 1`],
  ])('refuses a token that is %s, without echoing it', (_name, token) => {
    const error = thrown(() => createBearerSigner({ token, credentialRef: 'ref' }));
    expect(error).toBeInstanceOf(SigningConfigError);
    if (token !== '') expect(error.message).not.toContain(token);
  });

  it('compares tokens in constant time (by digest) and exactly', () => {
    expect(tokensEqual(TOKEN, TOKEN)).toBe(true);
    expect(tokensEqual(TOKEN, `${TOKEN}x`)).toBe(false);
    expect(tokensEqual(TOKEN, TOKEN.toUpperCase())).toBe(false);
    expect(tokensEqual('', '')).toBe(true);
  });

  it('unsignedSigner adds nothing but still refuses duplicate keys', () => {
    expect(unsignedSigner.descriptor).toEqual({ mode: 'none' });
    expect(unsignedSigner.headersFor(request(), NOW)).toEqual({});
    expect(() => unsignedSigner.headersFor(request('{"a":1,"a":2}'), NOW)).toThrow(DuplicateKeyInputError);
  });
});
