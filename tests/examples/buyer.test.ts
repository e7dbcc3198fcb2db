// The buyer example receiver against real signed webhooks sent by our delivery runtime over
// loopback HTTP: it accepts, deduplicates by idempotency_key (2xx, processed once) and rejects with
// the spec's 401 challenge — which the runtime treats as terminal (one attempt).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildMcpWebhookPayload,
  createHmacSigner,
  createInMemoryReplayCache,
  createRfc9421Signer,
  createWebhookDelivery,
  unsignedSigner,
  type McpWebhookPayload,
  type PrivateJwk,
  type WebhookDelivery,
  type SyncWebhookSigner,
  type WebhookSigner,
} from '../../src/index.js';
import { generateDemoKeyPair } from '../../examples/buyer/demo-keys.js';
import { IdempotencyCache } from '../../examples/buyer/idempotency-cache.js';
import { startBuyerReceiver, type BuyerReceiverOptions } from '../../examples/buyer/receiver.js';

const seller = generateDemoKeyPair('seller-key-1');
const stranger = generateDemoKeyPair('seller-key-1'); // same kid, different key: a forged signature
const HMAC_SECRET = 'buyer-hmac-secret-0123456789-abcdef-XYZ';
const TOKEN = 't'.repeat(32);

let delivery: WebhookDelivery;
const receivers: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 } });
});
afterAll(() => delivery.close());
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiver(options: Partial<BuyerReceiverOptions> = {}): Promise<{ url: string; received: McpWebhookPayload[] }> {
  const received: McpWebhookPayload[] = [];
  const started = await startBuyerReceiver({
    authentication: { mode: 'rfc9421', jwks: [seller.publicJwk], replay: createInMemoryReplayCache() },
    onWebhook: (payload) => void received.push(payload),
    ...options,
  });
  receivers.push(started);
  return { url: started.url, received };
}

type SentPayload = McpWebhookPayload<'create_media_buy', 'completed' | 'working'>;

function payload(overrides: { token?: string; status?: 'completed' | 'working' } = {}): SentPayload {
  return buildMcpWebhookPayload({
    task_id: 'task_1',
    task_type: 'create_media_buy',
    status: overrides.status ?? 'working',
    operation_id: 'op_1',
    ...(overrides.token === undefined ? {} : { token: overrides.token }),
  });
}

const sellerSigner = (): SyncWebhookSigner => createRfc9421Signer({ key: seller.privateJwk });

describe('buyer receiver, RFC 9421 mode', () => {
  it('accepts a webhook signed with the key in its JWKS and hands over the validated payload', async () => {
    const { url, received } = await receiver();
    const sent = payload();
    const result = await delivery.deliver({ url, payload: sent, signer: sellerSigner() });
    expect(result).toMatchObject({ delivered: true, attempts: 1, finalStatus: 200 });
    expect(received).toHaveLength(1);
    expect(received[0]?.idempotency_key).toBe(sent.idempotency_key);
    expect(received[0]?.task_type).toBe('create_media_buy');
  });

  it('answers a second delivery of the same idempotency_key with 2xx and does not process it again', async () => {
    const { url, received } = await receiver();
    const sent = payload();
    const first = await delivery.deliver({ url, payload: sent, signer: sellerSigner() });
    const second = await delivery.deliver({ url, payload: sent, signer: sellerSigner() }); // fresh signature and nonce
    expect([first.finalStatus, second.finalStatus]).toEqual([200, 200]);
    expect(second.idempotencyKey).toBe(first.idempotencyKey);
    expect(received).toHaveLength(1);
  });

  it('processes distinct idempotency keys separately', async () => {
    const { url, received } = await receiver();
    await delivery.deliver({ url, payload: payload(), signer: sellerSigner() });
    await delivery.deliver({ url, payload: payload(), signer: sellerSigner() });
    expect(new Set(received.map((p) => p.idempotency_key)).size).toBe(2);
  });

  it('rejects a forged signature with 401 Signature error="webhook_signature_invalid"; the sender stops at once', async () => {
    const { url, received } = await receiver();
    const result = await delivery.deliver({ url, payload: payload(), signer: createRfc9421Signer({ key: stranger.privateJwk }) });
    expect(result).toMatchObject({ delivered: false, attempts: 1, finalStatus: 401 });
    expect(received).toHaveLength(0);
    const raw = await postSigned(url, createRfc9421Signer({ key: stranger.privateJwk }), JSON.stringify(payload()));
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toBe('Signature error="webhook_signature_invalid"');
  });

  it('rejects a body changed after signing (webhook_signature_digest_mismatch)', async () => {
    const { url, received } = await receiver();
    const signedBody = JSON.stringify(payload());
    const raw = await postSigned(url, sellerSigner(), signedBody, signedBody.replace('"working"', '"completed"'));
    expect(raw.status).toBe(401);
    expect(raw.headers.get('www-authenticate')).toBe('Signature error="webhook_signature_digest_mismatch"');
    expect(received).toHaveLength(0);
  });

  it('rejects an unsigned webhook and an HMAC-signed one (no fallback: webhook_mode_mismatch)', async () => {
    const { url } = await receiver();
    const unsigned = await postSigned(url, unsignedSigner, JSON.stringify(payload()));
    expect(unsigned.headers.get('www-authenticate')).toBe('Signature error="webhook_signature_header_malformed"');
    const hmac = await postSigned(url, createHmacSigner({ secret: HMAC_SECRET, credentialRef: 'buyer-1' }), JSON.stringify(payload()));
    expect(hmac.status).toBe(401);
    expect(hmac.headers.get('www-authenticate')).toBe('Signature error="webhook_mode_mismatch"');
  });

  it('rejects a replayed signature (same nonce) with webhook_signature_replayed', async () => {
    const { url } = await receiver();
    const body = JSON.stringify(payload());
    const headers = sellerSigner().headersFor({ method: 'POST', url, contentType: 'application/json', body: Buffer.from(body) }, now());
    const first = await post(url, body, headers);
    const replayed = await post(url, body, headers);
    expect(first.status).toBe(200);
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('www-authenticate')).toBe('Signature error="webhook_signature_replayed"');
  });

  it('answers 400 naming the field when a correctly signed envelope is invalid', async () => {
    const { url, received } = await receiver();
    const { operation_id: _dropped, ...withoutOperationId } = payload();
    const raw = await postSigned(url, sellerSigner(), JSON.stringify(withoutOperationId));
    expect(raw.status).toBe(400);
    expect(JSON.stringify(await raw.json())).toContain('/operation_id');
    expect(received).toHaveLength(0);
  });

  it('checks the echoed token in constant time when one was registered: 403 on mismatch', async () => {
    const { url, received } = await receiver({ expectedToken: TOKEN });
    const wrong = await delivery.deliver({ url, payload: payload({ token: 'x'.repeat(32) }), signer: sellerSigner() });
    const missing = await delivery.deliver({ url, payload: payload(), signer: sellerSigner() });
    const right = await delivery.deliver({ url, payload: payload({ token: TOKEN }), signer: sellerSigner() });
    expect([wrong.finalStatus, missing.finalStatus, right.finalStatus]).toEqual([403, 403, 200]);
    expect(received).toHaveLength(1);
  });

  it('answers 500 when processing fails and processes the retry of the same key', async () => {
    let calls = 0;
    const { url } = await receiver({
      onWebhook: () => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
      },
    });
    const result = await delivery.deliver({ url, payload: payload(), signer: sellerSigner() });
    expect(result).toMatchObject({ delivered: true, attempts: 2, finalStatus: 200 });
    expect(calls).toBe(2);
  });

  it('answers 413 to a body over 1 MB', async () => {
    const { url } = await receiver();
    const raw = await post(url, JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 1) }), {});
    expect(raw.status).toBe(413);
  });
});

describe('buyer receiver, legacy HMAC-SHA256 mode', () => {
  it('accepts the right secret, rejects another with webhook_hmac_signature_invalid and a 9421 signature with webhook_mode_mismatch', async () => {
    const { url, received } = await receiver({ authentication: { mode: 'hmac-sha256', secret: HMAC_SECRET } });
    const ok = await delivery.deliver({ url, payload: payload(), signer: createHmacSigner({ secret: HMAC_SECRET, credentialRef: 'b' }) });
    const wrong = await postSigned(url, createHmacSigner({ secret: 'another-secret-0123456789-abcdef-XYZ', credentialRef: 'b' }), JSON.stringify(payload()));
    const rfc9421 = await postSigned(url, sellerSigner(), JSON.stringify(payload()));
    expect(ok).toMatchObject({ delivered: true, finalStatus: 200 });
    expect(wrong.headers.get('www-authenticate')).toBe('Signature error="webhook_hmac_signature_invalid"');
    expect(rfc9421.headers.get('www-authenticate')).toBe('Signature error="webhook_mode_mismatch"');
    expect(received).toHaveLength(1);
  });
});

describe('IdempotencyCache', () => {
  it('forgets keys after the TTL and refuses new keys when full of live ones', () => {
    let clock = 0;
    const cache = new IdempotencyCache({ ttlMs: 1000, maxEntries: 2, now: () => clock });
    expect(cache.admit('a')).toBe('new');
    expect(cache.admit('a')).toBe('in_progress');
    cache.complete('a');
    expect(cache.admit('a')).toBe('duplicate');
    expect(cache.admit('b')).toBe('new');
    expect(cache.admit('c')).toBe('full');
    clock = 1000;
    expect(cache.admit('a')).toBe('new'); // expired
    cache.release('a');
    expect(cache.admit('a')).toBe('new'); // released keys are processed again
  });
});

describe('npm run example:buyer (the built example, demo mode)', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGTERM');
  });

  it('prints its URL and a demo key; a webhook signed with that key is accepted and logged', async () => {
    const script = fileURLToPath(new URL('../../package.json', import.meta.url));
    const command = (JSON.parse(readFileSync(script, 'utf8')) as { scripts: Record<string, string> }).scripts['example:buyer'];
    expect(command).toBe('node dist/examples/buyer/main.js');
    child = spawn(process.execPath, ['dist/examples/buyer/main.js'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, ADCP_BUYER_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async (): Promise<string> => {
      const next = await lines.next();
      if (next.done === true) throw new Error('example:buyer exited before printing');
      return next.value;
    };
    const url = /listening on (\S+)/.exec(await nextLine())?.[1];
    const keyFile = /demo seller key: (\S+)/.exec(await nextLine())?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks$/);
    expect(keyFile).toBeDefined();
    await nextLine(); // the `try:` hint
    const key = JSON.parse(readFileSync(keyFile!, 'utf8')) as PrivateJwk;
    const sent = payload();
    const result = await delivery.deliver({ url: url!, payload: sent, signer: createRfc9421Signer({ key }) });
    expect(result).toMatchObject({ delivered: true, finalStatus: 200 });
    const logged = await nextLine();
    expect(logged).toContain(sent.idempotency_key);
  }, 30_000);
});

function now(): number {
  return Math.floor(Date.now() / 1000);
}

function post(url: string, body: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json', ...headers } });
}

/** Signs `signedBody` and sends `sentBody` (the same unless a test tampers with it). */
function postSigned(url: string, signer: SyncWebhookSigner, signedBody: string, sentBody = signedBody): Promise<Response> {
  const headers = signer.headersFor({ method: 'POST', url, contentType: 'application/json', body: Buffer.from(signedBody) }, now());
  return post(url, sentBody, headers);
}
