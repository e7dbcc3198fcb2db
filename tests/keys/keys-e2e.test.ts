// The documented seller path end to end: `keys generate` (CLI child process) → `keys jwks` →
// publication (createKeyPublicationHandler's answers served over TLS by a loopback server with a
// test CA) → a buyer's createWebhookReceiver with brandJsonKeySource verifies webhooks through
// brand.json → agents[] → jwks_uri; then rotation (next → active) and revocation (signed list,
// picked up at the receiver's next poll) change what verifies, as security.mdx "Key rotation" and
// "Transport revocation" say.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  brandJsonAgentEntry,
  brandJsonKeySource,
  createKeyPublicationHandler,
  createWebhookReceiver,
  generateSigningKey,
  SigningKeySet,
  createRfc9421Signer,
  type BrandJsonKeySource,
  type PrivateJwk,
  type SignedRevocationList,
} from '../../src/index.js';
import { readRevocationList } from '../../src/runtime/keys/discovery/revocation-list.js';
import { runCliProcess } from '../helpers/cli.js';
import { envelope } from '../receiver/support.js';
import { KeyServer, makeTestCertificates } from './support/key-server.js';

const PUBLIC = '93.184.215.14';
const AGENT = 'https://agent.seller.example/mcp';
const BRAND_JSON = 'https://seller.example/.well-known/brand.json';
const JWKS = 'https://agent.seller.example/.well-known/jwks.json';
const REVOCATIONS = 'https://seller.example/.well-known/governance-revocations.json';
const HOOK = 'https://buyer.example/webhooks/adcp';
const ADDRESSES = { 'seller.example': PUBLIC, 'agent.seller.example': PUBLIC };

let server: KeyServer;
let source: BrandJsonKeySource;
let clock = Math.floor(Date.now() / 1000);
const dir = mkdtempSync(join(tmpdir(), 'adcp-keys-e2e-'));

beforeAll(async () => {
  server = new KeyServer(makeTestCertificates(Object.keys(ADDRESSES)));
  await server.start();
});

afterAll(async () => {
  await source?.close();
  await server.close();
});

function cli(args: string[]) {
  return runCliProcess(['keys', ...args]);
}

describe('keys generate → keys jwks → serve → verify through brand.json → rotate → revoke', () => {
  let set: SigningKeySet;
  let list: SignedRevocationList;

  /** Serves what the publication handler answers for each document (cache headers included). */
  async function publish(): Promise<void> {
    list = await set.revocationList({ issuer: 'https://seller.example', updatedAt: clock, nextUpdateInSeconds: 60 });
    const brand = { house: { domain: 'seller.example', name: 'Seller' }, agents: [brandJsonAgentEntry({ url: AGENT, jwksUri: JWKS, id: 'seller' })] };
    const handler = createKeyPublicationHandler({ jwks: set, revocationList: () => list, brandJson: brand, now: () => clock });
    for (const url of [BRAND_JSON, JWKS, REVOCATIONS]) {
      const answer = (await handler.respond('GET', new URL(url).pathname))!;
      expect(answer.status).toBe(200);
      server.set(url, { status: answer.status, headers: answer.headers, body: answer.body });
    }
  }

  const receiver = () =>
    createWebhookReceiver({ keys: source, registration: { mode: 'rfc9421', expectedSender: AGENT }, now: () => clock * 1000 });
  let buyer: ReturnType<typeof receiver>;

  async function deliver(signer: { headersFor: (...args: never[]) => unknown }): Promise<{ status: number; error?: string }> {
    const body = JSON.stringify(envelope());
    const headers = (await (signer.headersFor as (r: unknown, n: number) => Promise<Record<string, string>>)(
      { method: 'POST', url: HOOK, contentType: 'application/json', body: Buffer.from(body) },
      clock,
    )) as Record<string, string>;
    const answer = await buyer.handle({ method: 'POST', url: HOOK, headers: { 'content-type': 'application/json', ...headers }, body });
    const error = /error="([^"]+)"/.exec(answer.headers['www-authenticate'] ?? '')?.[1];
    return error === undefined ? { status: answer.status } : { status: answer.status, error };
  }

  it('keys generate writes a 0600 private JWK and a publishable public JWK; wrong names are explained', () => {
    const one = cli(['generate', '--alg', 'ed25519', '--kid', 'seller-k1', '--out-dir', dir]);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toContain('kid seller-k1 (EdDSA, adcp_use request-signing)');
    const two = cli(['generate', '--alg', 'es256', '--out-dir', dir]);
    expect(two.status, two.stderr).toBe(0);
    const privateFile = join(dir, 'seller-k1.private.jwk.json');
    expect(statSync(privateFile).mode & 0o777).toBe(0o600);
    const publicJwk = JSON.parse(readFileSync(join(dir, 'seller-k1.public.jwk.json'), 'utf8'));
    expect(publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: 'seller-k1', alg: 'EdDSA', use: 'sig', key_ops: ['verify'], adcp_use: 'request-signing' });
    expect(publicJwk.d).toBeUndefined();
    const wrong = cli(['generate', '--alg', 'Ed25519', '--out-dir', dir]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/use "ed25519" here; in a JWK the "alg" member of an Ed25519 key is "EdDSA"/);
    const again = cli(['generate', '--alg', 'ed25519', '--kid', 'seller-k1', '--out-dir', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists \(use --force/);
    const help = cli(['generate', '--help']);
    expect(help.stdout).toMatch(/AdCP 3\.0 webhook\s+verifiers accept only "webhook-signing" and REJECT this key/);
  });

  it('keys jwks builds the published document and refuses a private key', () => {
    const files = ['seller-k1.public.jwk.json'].map((file) => join(dir, file));
    const jwks = cli(['jwks', ...files]);
    expect(jwks.status, jwks.stderr).toBe(0);
    expect(JSON.parse(jwks.stdout).keys.map((key: { kid: string }) => key.kid)).toEqual(['seller-k1']);
    const refused = cli(['jwks', join(dir, 'seller-k1.private.jwk.json')]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/carries the private member "d"/);
    expect(refused.stdout).toBe('');
  });

  it('keys revoke signs the revocation list the receiver reads', () => {
    const signerFile = join(dir, 'seller-k1.private.jwk.json');
    const publicJwk = JSON.parse(readFileSync(join(dir, 'seller-k1.public.jwk.json'), 'utf8'));
    const run = cli(['revoke', '--signing-key', signerFile, '--issuer', 'https://seller.example', '--kid', 'old-1', 'old-2', '--next-update', '120']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/2 revoked kid\(s\), next_update /);
    const read = readRevocationList(Buffer.from(run.stdout), publicJwk, ['https://seller.example']);
    expect(read.ok && [...read.list.revokedKids]).toEqual(['old-1', 'old-2']);
    expect(read.ok && read.list.nextUpdate - read.list.updated).toBe(120);
    const bad = cli(['revoke', '--signing-key', signerFile, '--issuer', 'https://seller.example', '--kid', 'seller-k1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/a key it revokes/);
  });

  it('verifies through brand.json, follows a rotation, and stops accepting a revoked key at the next poll', async () => {
    const k1 = JSON.parse(readFileSync(join(dir, 'seller-k1.private.jwk.json'), 'utf8')) as PrivateJwk;
    const k1PublicJwk = JSON.parse(readFileSync(join(dir, 'seller-k1.public.jwk.json'), 'utf8')) as unknown;
    const k2 = generateSigningKey({ alg: 'es256', kid: 'seller-k2' });
    set = new SigningKeySet([
      { privateJwk: k1, state: 'active' },
      { privateJwk: k2.privateJwk, state: 'next' },
    ]);
    // The CLI's JWKS and the key set's JWKS publish the same k1.
    const cliJwks = JSON.parse(cli(['jwks', join(dir, 'seller-k1.public.jwk.json')]).stdout);
    expect(set.jwks().keys[0]).toEqual(cliJwks.keys[0]);
    await publish();
    source = brandJsonKeySource({ agentUrl: AGENT, brandJsonUrl: BRAND_JSON, fetch: server.fetchOptions(ADDRESSES) });
    buyer = receiver();
    const signer = set.signer();
    const k1Signer = createRfc9421Signer({ key: k1 });
    const stranger = createRfc9421Signer({ key: generateSigningKey({ alg: 'ed25519', kid: 'stranger' }).privateJwk });

    expect(await deliver(signer)).toEqual({ status: 200 });
    expect(await deliver(stranger)).toMatchObject({ status: 401, error: 'webhook_signature_key_unknown' });

    clock += 10;
    set.rotate(); // k2 was published as `next`, so receivers already know it
    await publish();
    expect(signer.descriptor).toMatchObject({ keyId: 'seller-k2' });
    expect(await deliver(signer)).toEqual({ status: 200 });
    expect(await deliver(k1Signer)).toEqual({ status: 200 }); // retiring: still published

    clock += 10;
    set.revoke('seller-k1');
    await publish();
    expect(set.jwks().keys.map((key) => key.kid)).toEqual(['seller-k2']);
    // Until the receiver's next poll of the list (next_update, floor 60 s) k1 still verifies: the
    // spec bounds revocation latency by the polling cadence.
    expect(await deliver(k1Signer)).toEqual({ status: 200 });
    clock += 61;
    await publish();
    expect(await deliver(k1Signer)).toMatchObject({ status: 401, error: 'webhook_signature_key_unknown' }); // gone from the JWKS
    // A stale JWKS copy (say, a CDN) that still lists k1 does not bring it back: the signed list revokes it.
    server.set(JWKS, { body: JSON.stringify({ keys: [k1PublicJwk, k2.publicJwk] }) });
    clock += 61;
    expect(await deliver(k1Signer)).toMatchObject({ status: 401, error: 'webhook_signature_key_revoked' });
    await publish();
    expect(await deliver(signer)).toEqual({ status: 200 });
  }, 60_000);
});
