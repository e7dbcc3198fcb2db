// The README's buyer quick start, run: its TypeScript block is transpiled and executed as written in
// a child process against the built package, with only the network around it redirected — the
// 'adcp-codegen' import gets brandJsonKeySource's fetch options for a TLS key server on loopback
// (test CA, names resolved to a public address so the SSRF guard's default policy admits them), and
// the 'node:http' import listens on a free loopback port instead of 8080. A seller then signs real
// webhooks at it: the typed handler runs once per event, duplicates answer 200 without running it,
// a replayed signature and a tampered body answer 401 with the spec's error.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import ts from 'typescript';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshNonce, loadPrivateSigningKey, signRfc9421Request } from '../../src/runtime/signing/index.js';
import { repoRoot } from '../helpers/cli.js';
import { isoAt, makeSigningKey, makeTestCertificates, signRevocationList } from '../keys/support/key-server.js';

const AGENT = 'https://agent.seller.example/mcp';
const PUBLIC_ADDRESS = '93.184.215.14';
const HOSTS = ['seller.example', 'agent.seller.example'];
const TOKEN = 'the-token-you-put-in-push_notification_config';
const dir = join(repoRoot, '.tmp', `readme-buyer-${process.pid}`);

function buyerQuickStart(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Buyer quick start\n');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const block = /^```ts\n([\s\S]*?)^```$/m.exec(section)?.[1];
  if (start === -1 || block === undefined) throw new Error('README.md has no TypeScript block under "## Buyer quick start"');
  return block;
}

/** The package, with brandJsonKeySource's network pointed at the loopback key server. */
const packageShim = (dist: string) => `
export * from ${JSON.stringify(join(dist, 'src/index.js'))};
import { brandJsonKeySource as discover } from ${JSON.stringify(join(dist, 'src/index.js'))};
import { buildConnector } from ${JSON.stringify(join(dist, 'src/runtime/delivery/undici-parts.js'))};
const dial = buildConnector({ ca: process.env.TEST_CA, timeout: 5000 });
const hosts = JSON.parse(process.env.TEST_HOSTS);
export function brandJsonKeySource(options) {
  return discover({
    ...options,
    fetch: {
      resolver: async (name) => {
        if (!hosts.includes(name)) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
        return [{ address: ${JSON.stringify(PUBLIC_ADDRESS)}, family: 4 }];
      },
      socketConnector: (connect, callback) => dial({ ...connect, hostname: '127.0.0.1', port: process.env.KEY_SERVER_PORT }, callback),
    },
  });
}
`;

/** node:http, with listen() taking a free loopback port and reporting it on stdout. */
const httpShim = `
import http from 'node:http';
export * from 'node:http';
export function createServer(...args) {
  const server = http.createServer(...args);
  const listen = server.listen.bind(server);
  server.listen = () => listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n'));
  return server;
}
`;

let keyServer: Server;
const documents = new Map<string, string>();
const fetched = new Map<string, number>();
let child: ChildProcess;
let port = 0;
let output = '';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const sellerJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'seller-2026-01', alg: 'EdDSA', use: 'sig', key_ops: ['verify'], adcp_use: 'webhook-signing' };
const sellerKey = loadPrivateSigningKey({ ...privateKey.export({ format: 'jwk' }), kid: 'seller-2026-01', alg: 'EdDSA' } as never);
const listSigner = makeSigningKey('seller-revocation-2026', 'governance-signing');

beforeAll(async () => {
  const dist = join(repoRoot, 'dist');
  if (!existsSync(join(dist, 'src/index.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const certificates = makeTestCertificates(HOSTS);
  const now = Math.floor(Date.now() / 1000);
  documents.set('seller.example/.well-known/brand.json', JSON.stringify({ house: { domain: 'seller.example', name: 'Seller' }, agents: [{ type: 'sales', url: AGENT }] }));
  documents.set('agent.seller.example/.well-known/jwks.json', JSON.stringify({ keys: [sellerJwk, listSigner.jwk] }));
  documents.set(
    'seller.example/.well-known/governance-revocations.json',
    signRevocationList({ issuer: 'https://seller.example', updated: isoAt(now - 60), next_update: isoAt(now + 600), revoked_kids: [] }, listSigner),
  );
  keyServer = createServer({ key: certificates.key, cert: certificates.cert }, (req, res) => {
    const route = `${(req.headers.host ?? '').replace(/:\d+$/, '')}${req.url ?? ''}`;
    fetched.set(route, (fetched.get(route) ?? 0) + 1);
    const body = documents.get(route);
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' }).end(body ?? '{}');
  });
  await new Promise<void>((resolve) => keyServer.listen(0, '127.0.0.1', resolve));

  const code = buyerQuickStart();
  expect(code).toContain("from 'adcp-codegen'");
  expect(code).toContain("from 'node:http'");
  const js = ts
    .transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
    .outputText.replace("from 'adcp-codegen'", "from './adcp-codegen.mjs'")
    .replace("from 'node:http'", "from './node-http.mjs'");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'adcp-codegen.mjs'), packageShim(dist));
  writeFileSync(join(dir, 'node-http.mjs'), httpShim);
  writeFileSync(join(dir, 'buyer.mjs'), js);

  child = spawn(process.execPath, ['buyer.mjs'], {
    cwd: dir,
    env: { ...process.env, TEST_CA: certificates.ca, TEST_HOSTS: JSON.stringify(HOSTS), KEY_SERVER_PORT: String((keyServer.address() as AddressInfo).port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (status) => reject(new Error(`the quick start exited (${status}): ${output}`)));
    child.stdout?.on('data', (chunk) => {
      output += String(chunk);
      const listening = /\{"port":(\d+)\}/.exec(output);
      if (listening) resolve(Number(listening[1]));
    });
  });
}, 60_000);

afterAll(async () => {
  child?.kill('SIGKILL');
  keyServer?.closeAllConnections();
  await new Promise((resolve) => keyServer?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function envelope(idempotencyKey: string, mediaBuyId: string): string {
  return JSON.stringify({
    idempotency_key: idempotencyKey,
    task_id: `task_${mediaBuyId}`,
    operation_id: 'op_1',
    task_type: 'create_media_buy',
    status: 'completed',
    timestamp: new Date().toISOString(),
    token: TOKEN,
    result: { status: 'completed', media_buy_id: mediaBuyId, confirmed_at: null, revision: 1, packages: [] },
  });
}

function sign(body: string, path = '/adcp/webhooks/op_1') {
  const now = Math.floor(Date.now() / 1000);
  const signed = signRfc9421Request(
    { method: 'POST', url: `https://buyer.example.com${path}`, contentType: 'application/json', body: Buffer.from(body) },
    sellerKey,
    { created: now, expires: now + 300, nonce: freshNonce() },
  );
  return { path, body, headers: { host: 'buyer.example.com', 'content-type': 'application/json', ...signed.headers } };
}

async function post(signed: ReturnType<typeof sign>, body = signed.body) {
  const response = await request(`http://127.0.0.1:${port}${signed.path}`, { method: 'POST', headers: signed.headers, body });
  return { status: response.statusCode, wwwAuthenticate: response.headers['www-authenticate'], text: await response.body.text() };
}

const handled = (mediaBuyId: string) => output.split('\n').filter((line) => line === `media buy live ${mediaBuyId} task_${mediaBuyId}`).length;

async function settled(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 100));
}

describe('README buyer quick start, executed', () => {
  it('verifies with keys found through brand.json, runs the typed handler once, answers duplicates 200', async () => {
    const first = sign(envelope('whk_readme_0000000000000001', 'mb_1'));
    expect(await post(first)).toMatchObject({ status: 200, text: '{"status":"received"}' });
    const retry = sign(first.body); // the seller's retry: same event, fresh signature
    expect(await post(retry)).toMatchObject({ status: 200, text: '{"status":"duplicate"}' });
    await settled();
    expect(handled('mb_1')).toBe(1);
    expect(fetched.get('seller.example/.well-known/brand.json')).toBe(1);
  });

  it('rejects a replayed signature and a tampered body with 401 and the spec error, running nothing', async () => {
    const signed = sign(envelope('whk_readme_0000000000000002', 'mb_2'));
    expect((await post(signed)).status).toBe(200);
    expect(await post(signed)).toMatchObject({ status: 401, wwwAuthenticate: 'Signature error="webhook_signature_replayed"' });
    const tampered = sign(envelope('whk_readme_0000000000000003', 'mb_3'));
    expect(await post(tampered, tampered.body.replace('mb_3', 'mb_4'))).toMatchObject({
      status: 401,
      wwwAuthenticate: 'Signature error="webhook_signature_digest_mismatch"',
    });
    await settled();
    expect([handled('mb_2'), handled('mb_3'), handled('mb_4')]).toEqual([1, 0, 0]);
  });

  it('rejects an envelope without the registered token', async () => {
    const signed = sign(envelope('whk_readme_0000000000000005', 'mb_5').replace(TOKEN, 'not-the-token'));
    expect((await post(signed)).status).toBeGreaterThanOrEqual(400);
    await settled();
    expect(handled('mb_5')).toBe(0);
  });
});
