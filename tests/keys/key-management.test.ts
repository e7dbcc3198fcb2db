// Key generation, JWKS building, key sets, the signed revocation list (read back by the receiver's
// own revocation-list reader), the publication handler over a real node:http server and the
// Fetch API, and the capability blocks validated against the 3.0.26 and 3.1.19 schemas.
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  brandJsonAgentEntry,
  buildJwks,
  createKeyPublicationHandler,
  createHmacSigner,
  createRfc9421Signer,
  generateSigningKey,
  jwkThumbprint,
  KeyManagementError,
  parseSigningKeyAlgorithm,
  signingCapabilities,
  SigningKeySet,
  signRevocationList,
  verifyRfc9421Webhook,
  webhookSigningCapability,
} from '../../src/index.js';
import { readRevocationList } from '../../src/runtime/keys/discovery/revocation-list.js';
import { sharedSchemasRoot } from '../helpers/shared.js';
import { request, URL_ } from '../signing/signing-helpers.js';

describe('generateSigningKey', () => {
  it.each(['ed25519', 'es256'] as const)('%s: public JWK carries every member a verifier requires; kid is the RFC 7638 thumbprint', (alg) => {
    const { privateJwk, publicJwk } = generateSigningKey({ alg });
    expect(publicJwk).toMatchObject({ use: 'sig', key_ops: ['verify'], adcp_use: 'request-signing', alg: alg === 'ed25519' ? 'EdDSA' : 'ES256' });
    expect('d' in publicJwk).toBe(false);
    expect(publicJwk.kid).toBe(jwkThumbprint(publicJwk));
    expect(privateJwk.kid).toBe(publicJwk.kid);
    expect(privateJwk.key_ops).toEqual(['sign']);
    const signer = createRfc9421Signer({ key: privateJwk });
    const headers = signer.headersFor(request(), 1_776_000_000);
    const verdict = verifyRfc9421Webhook({ ...request(), url: URL_, headers: { ...headers, 'content-type': 'application/json' }, jwks: { keys: [publicJwk] }, now: 1_776_000_000 });
    expect(verdict).toEqual({ ok: true, keyid: publicJwk.kid });
  });

  it('RFC 7638 §3.1 example thumbprint (RSA is out of scope; the Ed25519 example of RFC 8037 §A.3)', () => {
    expect(jwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' })).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('takes the 3.0-compatible purpose and a given kid', () => {
    const { publicJwk } = generateSigningKey({ alg: 'ed25519', purpose: 'webhook-signing', kid: 'seller-2026-12' });
    expect(publicJwk).toMatchObject({ kid: 'seller-2026-12', adcp_use: 'webhook-signing' });
  });

  it.each([
    ['Ed25519', /use "ed25519" here; in a JWK the "alg" member of an Ed25519 key is "EdDSA"/],
    ['EdDSA', /use "ed25519" here/],
    ['ES256', /use "es256" here; in a JWK the "alg" member of a P-256 key is "ES256"/],
    ['ecdsa-p256-sha256', /use "es256" here/],
    ['RS256', /Ed25519 or ECDSA P-256 only/],
  ])('wrong algorithm name %s is refused with a pointer to the right one', (name, message) => {
    expect(() => parseSigningKeyAlgorithm(name)).toThrow(message);
    expect(() => generateSigningKey({ alg: name as never })).toThrow(KeyManagementError);
  });
});

describe('buildJwks', () => {
  const a = generateSigningKey({ alg: 'ed25519' });
  const b = generateSigningKey({ alg: 'es256' });

  it('builds one document from keys and documents', () => {
    expect(buildJwks([a.publicJwk, { keys: [b.publicJwk] }]).keys.map((key) => key.kid)).toEqual([a.publicJwk.kid, b.publicJwk.kid]);
  });

  it.each([
    ['a private key', () => buildJwks([a.privateJwk]), 'ADCP_KEYS_PRIVATE_MEMBER'],
    ['a private key inside a document', () => buildJwks([{ keys: [b.privateJwk] }]), 'ADCP_KEYS_PRIVATE_MEMBER'],
    ['a kid twice', () => buildJwks([a.publicJwk, { ...b.publicJwk, kid: a.publicJwk.kid }]), 'ADCP_KEYS_KID_COLLISION'],
    ['alg Ed25519', () => buildJwks([{ ...a.publicJwk, alg: 'Ed25519' }]), 'ADCP_KEYS_INVALID_KEY'],
    ['no adcp_use', () => buildJwks([{ ...a.publicJwk, adcp_use: undefined }]), 'ADCP_KEYS_INVALID_KEY'],
    ['adcp_use array', () => buildJwks([{ ...a.publicJwk, adcp_use: ['request-signing', 'webhook-signing'] }]), 'ADCP_KEYS_INVALID_KEY'],
    ['key_ops sign', () => buildJwks([{ ...a.publicJwk, key_ops: ['sign'] }]), 'ADCP_KEYS_INVALID_KEY'],
    ['an X25519 key', () => buildJwks([{ ...a.publicJwk, crv: 'X25519' }]), 'ADCP_KEYS_INVALID_KEY'],
    ['42', () => buildJwks([42]), 'ADCP_KEYS_INVALID_KEY'],
  ])('refuses %s', (_name, build, code) => {
    expect(build).toThrow(expect.objectContaining({ code }));
  });

  it('says why alg "Ed25519" is wrong', () => {
    expect(() => buildJwks([{ ...a.publicJwk, alg: 'Ed25519' }])).toThrow(/"Ed25519" names the curve; the JOSE algorithm is "EdDSA"/);
  });
});

describe('SigningKeySet', () => {
  it('signs with the active key, publishes every non-revoked key, and follows rotate and revoke', async () => {
    const one = generateSigningKey({ alg: 'ed25519', kid: 'k1' });
    const two = generateSigningKey({ alg: 'es256', kid: 'k2' });
    const three = generateSigningKey({ alg: 'ed25519', kid: 'k3' });
    const set = new SigningKeySet([
      { privateJwk: one.privateJwk, state: 'active' },
      { privateJwk: two.privateJwk, state: 'next' },
    ]);
    const signer = set.signer();
    const keyidOf = async () => /keyid="([^"]+)"/.exec((await signer.headersFor(request(), 1_776_000_000))['Signature-Input']!)![1];
    expect(await keyidOf()).toBe('k1');
    expect(set.jwks().keys.map((key) => key.kid)).toEqual(['k1', 'k2']);
    expect(set.signingAlgorithms()).toEqual(['ed25519']);
    set.rotate();
    expect(await keyidOf()).toBe('k2');
    expect(set.states()).toEqual({ k1: 'retiring', k2: 'active' });
    expect(set.signingAlgorithms()).toEqual(['ecdsa-p256-sha256']);
    set.add({ privateJwk: three.privateJwk, state: 'next' });
    set.revoke('k2');
    expect(await keyidOf()).toBe('k3');
    expect(set.jwks().keys.map((key) => key.kid)).toEqual(['k1', 'k3']);
    expect(set.revokedKids()).toEqual(['k2']);
    set.remove('k1');
    expect(set.jwks().keys.map((key) => key.kid)).toEqual(['k3']);
    const list = await set.revocationList({ issuer: 'https://seller.example', updatedAt: 1_776_000_000 });
    const read = readRevocationList(Buffer.from(list.document), three.publicJwk, ['https://seller.example']);
    expect(read).toMatchObject({ ok: true, list: { nextUpdate: 1_776_000_300 } });
    expect(read.ok && [...read.list.revokedKids]).toEqual(['k2']);
  });

  it('refuses two active keys, a duplicate kid, and a mismatched private key', () => {
    const one = generateSigningKey({ alg: 'ed25519', kid: 'k1' });
    const two = generateSigningKey({ alg: 'ed25519', kid: 'k2' });
    expect(() => new SigningKeySet([{ privateJwk: one.privateJwk, state: 'active' }, { privateJwk: two.privateJwk, state: 'active' }])).toThrow(/already is/);
    expect(() => new SigningKeySet([{ privateJwk: one.privateJwk, state: 'active' }, { privateJwk: one.privateJwk, state: 'next' }])).toThrow(expect.objectContaining({ code: 'ADCP_KEYS_KID_COLLISION' }));
    expect(() => new SigningKeySet([{ privateJwk: { ...one.privateJwk, x: two.privateJwk.x }, state: 'active' }])).toThrow(/does not belong to its private key/);
  });
});

describe('signRevocationList', () => {
  const key = generateSigningKey({ alg: 'es256', kid: 'list-signer' });

  it('is read by the receiver: issuer, updated, next_update, revoked_kids; ES256 signature', async () => {
    const list = await signRevocationList({ issuer: 'https://seller.example', revokedKids: ['old-1', 'old-0'], signingKey: key.privateJwk, updatedAt: 1_776_000_000, nextUpdateInSeconds: 900 });
    const payload = JSON.parse(Buffer.from(JSON.parse(list.document).payload, 'base64url').toString('utf8'));
    expect(payload).toEqual({ version: 1, issuer: 'https://seller.example', updated: '2026-04-12T13:20:00Z', next_update: '2026-04-12T13:35:00Z', revoked_kids: ['old-0', 'old-1'], revoked_jtis: [] });
    const read = readRevocationList(Buffer.from(list.document), key.publicJwk, ['https://seller.example']);
    expect(read.ok).toBe(true);
    const tampered = list.document.replace(/"payload":"[^"]+"/, `"payload":"${Buffer.from(JSON.stringify({ ...payload, revoked_kids: [] })).toString('base64url')}"`);
    expect(readRevocationList(Buffer.from(tampered), key.publicJwk, ['https://seller.example'])).toMatchObject({ ok: false, reason: 'signature does not verify' });
  });

  it.each([
    [{ nextUpdateInSeconds: 30 }, /from 60 to 1800/],
    [{ nextUpdateInSeconds: 3600 }, /from 60 to 1800/],
    [{ issuer: 'http://seller.example' }, /https origin/],
    [{ issuer: 'https://seller.example/path' }, /https origin/],
    [{ revokedKids: ['list-signer'] }, /a key it revokes/],
  ])('refuses %j', async (override, message) => {
    await expect(signRevocationList({ issuer: 'https://seller.example', revokedKids: [], signingKey: key.privateJwk, ...override })).rejects.toThrow(message);
  });
});

describe('createKeyPublicationHandler', () => {
  const active = generateSigningKey({ alg: 'ed25519', kid: 'k1' });
  const set = new SigningKeySet([{ privateJwk: active.privateJwk, state: 'active' }]);
  let server: Server;
  let base: string;
  const now = 1_776_000_100;
  const brand = { agents: [brandJsonAgentEntry({ url: 'https://seller.example/mcp', jwksUri: 'https://seller.example/.well-known/jwks.json', id: 'seller' })] };

  beforeAll(async () => {
    const list = await set.revocationList({ issuer: 'https://seller.example', updatedAt: 1_776_000_000, nextUpdateInSeconds: 600 });
    const handler = createKeyPublicationHandler({ jwks: set, revocationList: list, brandJson: brand, now: () => now });
    server = createServer((req, res) => {
      void handler.node(req, res).then((served) => {
        if (!served) res.writeHead(404).end('app');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the JWKS with a max-age bounded by the revocation polling interval, and answers 304 on its ETag', async () => {
    const response = await fetch(`${base}/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await response.json()).toEqual({ keys: [active.publicJwk] });
    const again = await fetch(`${base}/.well-known/jwks.json`, { headers: { 'if-none-match': response.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('serves the revocation list with a max-age that ends at next_update', async () => {
    const response = await fetch(`${base}/.well-known/governance-revocations.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=500, must-revalidate');
    expect(response.headers.get('last-modified')).toBe(new Date(1_776_000_000_000).toUTCString());
    expect(readRevocationList(Buffer.from(await response.text()), active.publicJwk, ['https://seller.example']).ok).toBe(true);
  });

  it('serves brand.json, refuses other methods, and leaves other paths to the application', async () => {
    expect(await (await fetch(`${base}/.well-known/brand.json`)).json()).toEqual(brand);
    expect((await fetch(`${base}/.well-known/jwks.json`, { method: 'POST' })).status).toBe(405);
    expect(await (await fetch(`${base}/other`)).text()).toBe('app');
  });

  it('never publishes a private key: 500 instead', async () => {
    const handler = createKeyPublicationHandler({ jwks: { keys: [active.privateJwk as never] } });
    const response = await handler.fetch(new Request('https://seller.example/.well-known/jwks.json'));
    expect(response!.status).toBe(500);
    expect(await response!.text()).not.toContain(active.privateJwk.d);
    expect(await handler.fetch(new Request('https://seller.example/elsewhere'))).toBeUndefined();
  });
});

describe('signingCapabilities', () => {
  const ed = generateSigningKey({ alg: 'ed25519' });
  const ec = generateSigningKey({ alg: 'es256' });
  const urls = { brandJsonUrl: 'https://seller.example/.well-known/brand.json', jwksUri: 'https://keys.seller.example/.well-known/jwks.json' };

  it('lists exactly the algorithms the signers sign with', () => {
    const both = signingCapabilities({ signers: [createRfc9421Signer({ key: ed.privateJwk }), createRfc9421Signer({ key: ec.privateJwk })], ...urls });
    expect(both).toEqual({
      webhook_signing: { supported: true, profile: 'adcp/webhook-signing/v1', algorithms: ['ed25519', 'ecdsa-p256-sha256'], legacy_hmac_fallback: false },
      identity: { brand_json_url: urls.brandJsonUrl, key_origins: { request_signing: 'https://keys.seller.example', webhook_signing: 'https://keys.seller.example' } },
    });
    const set = new SigningKeySet([{ privateJwk: ec.privateJwk, state: 'active' }, { privateJwk: ed.privateJwk, state: 'next' }]);
    expect(webhookSigningCapability({ signers: [set], legacyHmacFallback: true })).toMatchObject({ algorithms: ['ecdsa-p256-sha256'], legacy_hmac_fallback: true });
  });

  it('refuses a non-9421 signer, no signer, and co-tenant governance keys', () => {
    expect(() => webhookSigningCapability({ signers: [createHmacSigner({ secret: 'k7Qz9pL2mN4vR8sT1wX6yB3cD5fG0hJq', credentialRef: 'c' }) as never] })).toThrow(/does not sign with the RFC 9421/);
    expect(() => webhookSigningCapability({ signers: [] })).toThrow(expect.objectContaining({ code: 'ADCP_KEYS_NO_ACTIVE_KEY' }));
    expect(() => signingCapabilities({ signers: [createRfc9421Signer({ key: ed.privateJwk })], ...urls, governanceSigningOrigin: 'https://keys.seller.example' })).toThrow(/origin separation/);
  });

  it.each(['3.0.26', '3.1.19'])('validates against the %s get_adcp_capabilities schema', (version) => {
    const schema = JSON.parse(readFileSync(join(sharedSchemasRoot, version, 'protocol/get-adcp-capabilities-response.json'), 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const blocks = signingCapabilities({ signers: [createRfc9421Signer({ key: ed.privateJwk }), createRfc9421Signer({ key: ec.privateJwk })], ...urls });
    for (const name of ['webhook_signing', 'identity'] as const) {
      const validate = ajv.compile(schema.properties[name]);
      expect(validate(blocks[name]), JSON.stringify(validate.errors)).toBe(true);
    }
    // The validators are not vacuous: an algorithm outside the profile fails.
    const validate = ajv.compile(schema.properties.webhook_signing);
    expect(validate({ ...blocks.webhook_signing, algorithms: ['rsa-pss-sha512'] })).toBe(false);
  });
});
