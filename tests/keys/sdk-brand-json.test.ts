// The reference SDK's receiver side finds our keys through brand.json: `@adcp/sdk@6.11.0`'s
// BrandJsonJwksResolver + verifyWebhookSignature (public exports of @adcp/sdk/signing/server), run in
// a child process that trusts the test CA (NODE_EXTRA_CA_CERTS), fetch brand.json → agents[] →
// jwks_uri from our publication handler's answers served over TLS on loopback, and verify a webhook
// signed by a SigningKeySet; after rotation and revocation, the revoked key no longer verifies.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brandJsonAgentEntry, createKeyPublicationHandler, createRfc9421Signer, generateSigningKey, SigningKeySet } from '../../src/index.js';
import { KeyServer, makeTestCertificates } from './support/key-server.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const certificates = makeTestCertificates(['localhost']);
const dir = mkdtempSync(join(tmpdir(), 'adcp-sdk-brand-'));
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, certificates.ca);
let server: KeyServer;
let origin: string;

const VERIFY_SCRIPT = `
const { BrandJsonJwksResolver, InMemoryReplayStore, InMemoryRevocationStore, verifyWebhookSignature } = require('@adcp/sdk/signing/server');
const input = JSON.parse(process.argv[1]);
const jwks = new BrandJsonJwksResolver(input.brandJsonUrl, { agentType: 'sales', agentId: 'seller', allowPrivateIp: true });
verifyWebhookSignature(input.request, { jwks, replayStore: new InMemoryReplayStore(), revocationStore: new InMemoryRevocationStore() })
  .then((result) => process.stdout.write(result.status))
  .catch((error) => process.stdout.write('rejected: ' + (error.code || error.message)));
`;

function sdkVerify(request: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', VERIFY_SCRIPT, JSON.stringify({ brandJsonUrl: `${origin}/.well-known/brand.json`, request })], {
      cwd: repoRoot,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out === '' ? `no answer: ${err.slice(-300)}` : out));
  });
}

beforeAll(async () => {
  server = new KeyServer(certificates);
  await server.start();
  origin = `https://localhost:${await portOf(server)}`;
});
afterAll(() => server.close());

async function portOf(keyServer: KeyServer): Promise<number> {
  // KeyServer keeps its port private; its loopback connector dials it, and the socket says where.
  let port = 0;
  const options = keyServer.fetchOptions({});
  const probe = options.socketConnector as unknown as (opts: Record<string, unknown>, cb: (error: unknown, socket: { remotePort?: number; destroy(): void }) => void) => void;
  await new Promise<void>((resolve) =>
    probe({ hostname: 'localhost', host: 'localhost', port: '443', protocol: 'https:', servername: 'localhost' }, (_error, socket) => {
      port = socket?.remotePort ?? 0;
      socket?.destroy();
      resolve();
    }),
  );
  return port;
}

describe('@adcp/sdk@6.11.0 BrandJsonJwksResolver finds our published keys', () => {
  it('verifies through brand.json, and not a revoked key after rotation', async () => {
    expect(origin).toMatch(/^https:\/\/localhost:\d+$/);
    const k1 = generateSigningKey({ alg: 'ed25519', purpose: 'webhook-signing', kid: 'sdk-k1' });
    const k2 = generateSigningKey({ alg: 'es256', purpose: 'webhook-signing', kid: 'sdk-k2' });
    const set = new SigningKeySet([
      { privateJwk: k1.privateJwk, state: 'active' },
      { privateJwk: k2.privateJwk, state: 'next' },
    ]);
    const publish = async () => {
      // No portfolio `house` object: 6.11 then looks for agents under house.agents only.
      const brand = { agents: [brandJsonAgentEntry({ url: `${origin}/mcp`, id: 'seller', jwksUri: `${origin}/.well-known/jwks.json` })] };
      const handler = createKeyPublicationHandler({ jwks: set, brandJson: brand });
      for (const path of ['/.well-known/brand.json', '/.well-known/jwks.json']) {
        const answer = (await handler.respond('GET', path))!;
        server.set(`https://localhost${path}`, { status: answer.status, headers: answer.headers, body: answer.body });
      }
    };
    const signed = async (signer: { headersFor: (...args: never[]) => unknown }) => {
      const url = 'https://buyer.example/webhooks/adcp';
      const body = JSON.stringify({ idempotency_key: 'whk_sdk_0000000001', task_id: 't', task_type: 'create_media_buy', status: 'working', operation_id: 'o' });
      const headers = await (signer.headersFor as (r: unknown, n: number) => Promise<Record<string, string>>)(
        { method: 'POST', url, contentType: 'application/json', body: Buffer.from(body) },
        Math.floor(Date.now() / 1000),
      );
      return { method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, body };
    };
    await publish();
    expect(await sdkVerify(await signed(set.signer()))).toBe('verified');
    set.rotate();
    set.revoke('sdk-k1');
    await publish();
    expect(await sdkVerify(await signed(set.signer()))).toBe('verified');
    expect(await sdkVerify(await signed(createRfc9421Signer({ key: k1.privateJwk })))).toMatch(/^rejected: /);
  }, 60_000);
});
