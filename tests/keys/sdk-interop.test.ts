// Interop with the JavaScript reference SDK, `@adcp/sdk@6.11.0` (an AdCP 3.0 implementation), through
// its public exports only: our RFC 9421 webhooks (Ed25519 and ES256) verify with its
// verifyWebhookSignature and our HMAC-SHA256 webhooks with its AgentClient.verifyWebhookSignature;
// its createWebhookEmitter's webhooks (RFC 9421 under both algorithms, and HMAC) verify with ours,
// received on a real loopback node:http server. Its 3.0 verifier accepts only keys of the
// 3.0-compatible purpose (`webhook-signing`) and rejects our default `request-signing` key, which
// is what `keys generate --help` tells a seller.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AgentClient } from '@adcp/sdk';
import { createWebhookEmitter } from '@adcp/sdk/server';
import { InMemoryReplayStore, InMemoryRevocationStore, StaticJwksResolver, verifyWebhookSignature } from '@adcp/sdk/signing/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHmacSigner,
  createInMemoryReplayCache,
  createRfc9421Signer,
  generateSigningKey,
  verifyHmacWebhook,
  verifyRfc9421Webhook,
  type SigningKeyPair,
} from '../../src/index.js';

const HMAC_SECRET = 'interop-secret-9f2c7a1d4e8b6035c1a2';
const URL_ = 'https://buyer.example/webhooks/adcp?op=op_1';

function webhookBody(i: number): string {
  return JSON.stringify({
    idempotency_key: `whk_interop_${String(i).padStart(8, '0')}`,
    task_id: `task_${i}`,
    task_type: 'create_media_buy',
    status: 'completed',
    operation_id: `op_${i}`,
    timestamp: '2026-12-02T10:00:00Z',
    result: { media_buy_id: `mb_${i}`, packages: [] },
  });
}

async function sdkVerifies(pair: SigningKeyPair, headers: Record<string, string>, body: string, now: number): Promise<string> {
  try {
    const result = await verifyWebhookSignature(
      { method: 'POST', url: URL_, headers: { 'content-type': 'application/json', ...headers }, body },
      {
        jwks: new StaticJwksResolver([pair.publicJwk as never]),
        replayStore: new InMemoryReplayStore(),
        revocationStore: new InMemoryRevocationStore(),
        now: () => now,
      },
    );
    return result.status;
  } catch (error) {
    return `rejected: ${(error as { code?: string }).code ?? String(error)}`;
  }
}

describe('our webhooks → @adcp/sdk@6.11.0 verifiers', () => {
  it.each(['ed25519', 'es256'] as const)('%s key of the 3.0-compatible purpose: 50 webhooks all verify', async (alg) => {
    const pair = generateSigningKey({ alg, purpose: 'webhook-signing' });
    const signer = createRfc9421Signer({ key: pair.privateJwk });
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 50; i += 1) {
      const body = webhookBody(i);
      const headers = signer.headersFor({ method: 'POST', url: URL_, contentType: 'application/json', body: Buffer.from(body) }, now);
      expect(await sdkVerifies(pair, headers, body, now)).toBe('verified');
    }
  });

  it('a key of the default purpose (request-signing) is rejected by the 3.0 verifier and accepted by ours', async () => {
    const pair = generateSigningKey({ alg: 'ed25519' });
    const now = Math.floor(Date.now() / 1000);
    const body = webhookBody(1);
    const headers = createRfc9421Signer({ key: pair.privateJwk }).headersFor({ method: 'POST', url: URL_, contentType: 'application/json', body: Buffer.from(body) }, now);
    expect(await sdkVerifies(pair, headers, body, now)).toMatch(/^rejected: webhook_/);
    expect(verifyRfc9421Webhook({ method: 'POST', url: URL_, headers: { 'content-type': 'application/json', ...headers }, body, jwks: [pair.publicJwk], now })).toMatchObject({ ok: true });
  });

  it('HMAC-SHA256: our signatures verify with AgentClient.verifyWebhookSignature (and a tampered body does not)', () => {
    const client = new AgentClient({ id: 'seller', name: 'Seller', agent_uri: 'https://seller.example/mcp', protocol: 'mcp' }, { webhookSecret: HMAC_SECRET });
    const signer = createHmacSigner({ secret: HMAC_SECRET, credentialRef: 'interop' });
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 20; i += 1) {
      const body = webhookBody(i);
      const headers = signer.headersFor({ method: 'POST', url: URL_, contentType: 'application/json', body: Buffer.from(body) }, now);
      const signature = headers['X-ADCP-Signature'] ?? headers['x-adcp-signature'];
      const timestamp = headers['X-ADCP-Timestamp'] ?? headers['x-adcp-timestamp'];
      expect(client.verifyWebhookSignature(body, signature!, timestamp!)).toBe(true);
      expect(client.verifyWebhookSignature(body.replace('completed', 'failed'), signature!, timestamp!)).toBe(false);
    }
  });
});

describe('@adcp/sdk@6.11.0 createWebhookEmitter → our verifiers (real loopback server)', () => {
  let server: Server;
  let base: string;
  const received: Array<{ url: string; headers: Record<string, string>; body: Buffer }> = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
        received.push({ url: request.url ?? '/', headers, body: Buffer.concat(chunks) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(['ed25519', 'es256'] as const)('RFC 9421 %s: 20 emitted webhooks verify with verifyRfc9421Webhook', async (alg) => {
    const pair = generateSigningKey({ alg, purpose: 'webhook-signing' });
    const emitter = createWebhookEmitter({
      signerKey: { keyid: pair.publicJwk.kid, alg: alg === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256', privateKey: pair.privateJwk as never },
      retries: { maxAttempts: 1 },
    });
    received.length = 0;
    for (let i = 0; i < 20; i += 1) {
      const result = await emitter.emit({ url: `${base}/hook/${alg}/${i}`, payload: JSON.parse(webhookBody(i)), operation_id: `op_${i}` });
      expect(result.delivered).toBe(true);
    }
    expect(received.length).toBe(20);
    const replay = createInMemoryReplayCache();
    for (const request of received) {
      const verdict = verifyRfc9421Webhook({
        method: 'POST',
        url: `${base}${request.url}`,
        headers: request.headers,
        body: request.body,
        jwks: { keys: [pair.publicJwk] },
        now: Math.floor(Date.now() / 1000),
        replay,
      });
      expect(verdict).toEqual({ ok: true, keyid: pair.publicJwk.kid });
    }
  });

  it('HMAC-SHA256: emitted webhooks verify with verifyHmacWebhook (and not under another secret)', async () => {
    // The emitter needs a 9421 key even when a registration selects HMAC (mode is a switch per webhook).
    const pair = generateSigningKey({ alg: 'ed25519', purpose: 'webhook-signing' });
    const emitter = createWebhookEmitter({
      signerKey: { keyid: pair.publicJwk.kid, alg: 'ed25519', privateKey: pair.privateJwk as never },
      retries: { maxAttempts: 1 },
      suppressLegacyWarnings: true,
    });
    received.length = 0;
    for (let i = 0; i < 10; i += 1) {
      const result = await emitter.emit({
        url: `${base}/hook/hmac/${i}`,
        payload: JSON.parse(webhookBody(i)),
        operation_id: `op_${i}`,
        authentication: { type: 'hmac_sha256', secret: HMAC_SECRET },
      });
      expect(result.delivered).toBe(true);
    }
    expect(received.length).toBe(10);
    const now = Math.floor(Date.now() / 1000);
    for (const request of received) {
      expect(request.headers['signature']).toBeUndefined(); // HMAC only, never both
      expect(verifyHmacWebhook({ headers: request.headers, body: request.body, secret: HMAC_SECRET, now })).toMatchObject({ ok: true });
      expect(verifyHmacWebhook({ headers: request.headers, body: request.body, secret: `${HMAC_SECRET}-other`, now }).ok).toBe(false);
    }
  });
});
