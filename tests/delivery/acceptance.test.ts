// Issue 3 acceptance, against a real node:http receiver on loopback and real undici: retries with
// identical bytes and fresh Ed25519 signatures, terminal statuses, redirects never followed, the
// attempt timeout, and Retry-After.
import { createHash, verify } from 'node:crypto';
import { parseDictionary, type InnerList } from 'structured-headers';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookDelivery, type WebhookDeliveryOptions } from '../../src/runtime/delivery/index.js';
import { buildSignatureBase } from '../../src/runtime/signing/signature-base.js';
import { createInstantClock } from './support/instant-clock.js';
import { startReceiver, type ReceivedRequest, type Receiver } from './support/receiver.js';
import { ed25519TestKey, noSigner } from './support/signers.js';

const receivers: Receiver[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

async function receiver(statuses: readonly number[], headers: Record<string, string>[] = []): Promise<Receiver> {
  const started = await startReceiver((_request, response, index) => {
    const status = statuses[Math.min(index, statuses.length - 1)] ?? 204;
    response.writeHead(status, headers[index] ?? {}).end();
  });
  receivers.push(started);
  return started;
}

function runtime(options: WebhookDeliveryOptions = {}) {
  const clock = createInstantClock();
  const delivery = createWebhookDelivery({
    unsafeAllowPrivateNetwork: true,
    clock,
    retry: { baseDelayMs: 1_000, jitter: 0 },
    ...options,
  });
  closers.push(() => delivery.close());
  return { delivery, clock };
}

const payload = () => ({
  task_id: 'task_1',
  task_type: 'create_media_buy',
  status: 'completed',
  timestamp: '2026-11-26T12:00:00.000Z',
  operation_id: 'op_1',
  result: { media_buy_id: 'mb_1' },
});

describe('retries until delivered', () => {
  it('503, 503, 503 then 200: four attempts, identical bytes, distinct nonces, every signature valid', async () => {
    const hook = await receiver([503, 503, 503, 200]);
    const key = ed25519TestKey('seller-key-1');
    const { delivery, clock } = runtime();

    const result = await delivery.deliver({ url: `${hook.url}?op=1`, payload: payload(), signer: key.signer });

    expect(result).toMatchObject({ delivered: true, attempts: 4, finalStatus: 200 });
    expect(result.errorClass).toBeUndefined();
    expect(hook.requests).toHaveLength(4);
    const [first] = hook.requests;
    for (const request of hook.requests) {
      expect(request.body.equals(first!.body)).toBe(true);
      expect(request.headers['content-type']).toBe('application/json');
    }
    const envelope = JSON.parse(first!.body.toString('utf8'));
    expect(envelope.idempotency_key).toBe(result.idempotencyKey);
    expect(envelope.idempotency_key).toMatch(/^[A-Za-z0-9_.:-]{16,255}$/);
    expect(envelope.timestamp).toBe('2026-11-26T12:00:00.000Z');

    const nonces = hook.requests.map((request) => verifySignature(request, hook, key.publicKey, 'seller-key-1'));
    expect(new Set(nonces).size).toBe(4);
    expect(clock.delays).toEqual([1_000, 2_000, 4_000]);
  });

  it('gives each new payload a new idempotency key, even an identical one', async () => {
    const hook = await receiver([204]);
    const { delivery } = runtime();
    const a = await delivery.deliver({ url: hook.url, payload: payload(), signer: noSigner });
    const b = await delivery.deliver({ url: hook.url, payload: payload(), signer: noSigner });
    expect(a.delivered && b.delivered).toBe(true);
    expect(a.idempotencyKey).not.toBe(b.idempotencyKey);
    const keys = hook.requests.map((request) => JSON.parse(request.body.toString('utf8')).idempotency_key);
    expect(keys).toEqual([a.idempotencyKey, b.idempotencyKey]);
  });

  it('retries 429, a plain 401 and 5xx; stops after maxAttempts and says so', async () => {
    const hook = await receiver([429, 401, 500, 502]);
    const { delivery } = runtime({ retry: { maxAttempts: 4, baseDelayMs: 10, jitter: 0 } });
    const result = await delivery.deliver({ url: hook.url, payload: payload(), signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 4, finalStatus: 502, errorClass: 'http_5xx', retriesExhausted: true });
    expect(hook.requests).toHaveLength(4);
  });

  it('stops at the retry horizon', async () => {
    const hook = await receiver([503]);
    const { delivery, clock } = runtime({ retry: { baseDelayMs: 60_000, maxDelayMs: 60_000, horizonMs: 150_000, jitter: 0 } });
    const result = await delivery.deliver({ url: hook.url, payload: payload(), signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 3, errorClass: 'http_5xx', retriesExhausted: true });
    expect(clock.delays).toEqual([60_000, 60_000]);
  });
});

describe('terminal answers', () => {
  it.each([
    [409, 'http_409'],
    [413, 'http_413'],
    [400, 'http_4xx'],
    [404, 'http_4xx'],
  ] as const)('%i: one attempt, error class %s', async (status, errorClass) => {
    const hook = await receiver([status, 200]);
    const { delivery } = runtime();
    const result = await delivery.deliver({ url: hook.url, payload: payload(), signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 1, finalStatus: status, errorClass });
    expect(result.retriesExhausted).toBeUndefined();
    expect(hook.requests).toHaveLength(1);
  });

  it('401 with a webhook Signature challenge is terminal; a plain 401 is retried', async () => {
    const challenged = await receiver([401, 200], [{ 'www-authenticate': 'Signature error="webhook_signature_invalid"' }]);
    const plain = await receiver([401, 200], [{ 'www-authenticate': 'Bearer realm="x"' }]);
    const { delivery } = runtime();
    const rejected = await delivery.deliver({ url: challenged.url, payload: payload(), signer: noSigner });
    const retried = await delivery.deliver({ url: plain.url, payload: payload(), signer: noSigner });
    expect(rejected).toMatchObject({ delivered: false, attempts: 1, finalStatus: 401, errorClass: 'signature_rejected' });
    expect(retried).toMatchObject({ delivered: true, attempts: 2, finalStatus: 200 });
  });

  it('302: one attempt, and the redirect target is never contacted', async () => {
    const target = await receiver([200]);
    const redirecting = await startReceiver((_request, response) => {
      response.writeHead(302, { location: target.url }).end();
    });
    receivers.push(redirecting);
    const { delivery } = runtime();
    const result = await delivery.deliver({ url: redirecting.url, payload: payload(), signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 1, finalStatus: 302, errorClass: 'redirect' });
    expect(redirecting.requests).toHaveLength(1);
    expect(target.connections()).toBe(0);
  });
});

describe('time limits', () => {
  it('a receiver that never answers: the attempt timeout fires', async () => {
    const hanging = await startReceiver(() => {
      /* never answers */
    });
    receivers.push(hanging);
    const { delivery } = runtime({ attemptTimeoutMs: 150, retry: { maxAttempts: 1 } });
    const started = Date.now();
    const result = await delivery.deliver({ url: hanging.url, payload: payload(), signer: noSigner });
    const elapsed = Date.now() - started;
    expect(result).toMatchObject({ delivered: false, attempts: 1, errorClass: 'timeout' });
    expect(result.finalStatus).toBeUndefined();
    expect(elapsed).toBeGreaterThanOrEqual(140);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('honours Retry-After in seconds', async () => {
    const hook = await receiver([503, 200], [{ 'retry-after': '7' }]);
    const { delivery, clock } = runtime({ retry: { baseDelayMs: 10, jitter: 0 } });
    const result = await delivery.deliver({ url: hook.url, payload: payload(), signer: noSigner });
    expect(result).toMatchObject({ delivered: true, attempts: 2 });
    expect(clock.delays).toEqual([7_000]);
  });

  it('honours Retry-After as an HTTP-date, and caps it', async () => {
    const clock = createInstantClock();
    const at = new Date(clock.now() + 90_000).toUTCString();
    const hook = await receiver([429, 429, 200], [{ 'retry-after': at }, { 'retry-after': '99999' }]);
    const delivery = createWebhookDelivery({
      unsafeAllowPrivateNetwork: true,
      clock,
      retry: { baseDelayMs: 10, jitter: 0, maxRetryAfterMs: 120_000 },
    });
    closers.push(() => delivery.close());
    const result = await delivery.deliver({ url: hook.url, payload: payload(), signer: noSigner });
    expect(result).toMatchObject({ delivered: true, attempts: 3 });
    expect(clock.delays[0]).toBeGreaterThanOrEqual(89_000);
    expect(clock.delays[0]).toBeLessThanOrEqual(90_000);
    expect(clock.delays[1]).toBe(120_000);
  });
});

/** Verifies the RFC 9421 signature of one received request; returns its nonce. */
function verifySignature(request: ReceivedRequest, hook: Receiver, publicKey: import('node:crypto').KeyObject, keyId: string): string {
  const digest = String(request.headers['content-digest']);
  const expectedDigest = createHash('sha256').update(request.body).digest('base64url');
  expect(digest).toBe(`sha-256=:${expectedDigest}:`);

  const input = parseDictionary(String(request.headers['signature-input'])).get('sig1') as InnerList;
  const params = Object.fromEntries(input[1]) as Record<string, string | number>;
  expect(input[0].map(([name]) => name)).toEqual(['@method', '@target-uri', '@authority', 'content-type', 'content-digest']);
  expect(params).toMatchObject({ keyid: keyId, alg: 'ed25519', tag: 'adcp/webhook-signing/v1' });
  expect(Number(params.expires) - Number(params.created)).toBeLessThanOrEqual(300);

  const base = buildSignatureBase({
    method: request.method,
    url: `http://127.0.0.1:${hook.port}${request.url}`,
    contentType: String(request.headers['content-type']),
    contentDigest: digest,
    params: {
      created: Number(params.created),
      expires: Number(params.expires),
      nonce: String(params.nonce),
      keyid: String(params.keyid),
      alg: String(params.alg),
    },
  });
  const signature = /^sig1=:([A-Za-z0-9_-]+):$/.exec(String(request.headers.signature))?.[1];
  expect(signature).toBeDefined();
  expect(verify(null, Buffer.from(base, 'utf8'), publicKey, Buffer.from(signature!, 'base64url'))).toBe(true);
  expect(Buffer.from(String(params.nonce), 'base64url').length).toBeGreaterThanOrEqual(16);
  return String(params.nonce);
}
