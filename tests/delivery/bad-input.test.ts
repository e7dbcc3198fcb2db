// Bad input of every kind ends in a typed result — never an exception into the caller.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookDelivery, type WebhookDeliveryOptions } from '../../src/runtime/delivery/index.js';
import type { WebhookSigner } from '../../src/runtime/signing/webhook-signer.js';
import { createInstantClock } from './support/instant-clock.js';
import { startReceiver, type Receiver } from './support/receiver.js';
import { ed25519TestKey, noSigner } from './support/signers.js';

const receivers: Receiver[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

function runtime(options: WebhookDeliveryOptions = {}) {
  const delivery = createWebhookDelivery({ clock: createInstantClock(), retry: { maxAttempts: 2, baseDelayMs: 10 }, ...options });
  closers.push(() => delivery.close());
  return delivery;
}

async function receiver(handler: (response: ServerResponse) => void): Promise<Receiver> {
  const started = await startReceiver((_request, response) => handler(response));
  receivers.push(started);
  return started;
}

describe('refused at admission, synchronously', () => {
  it.each([
    ['not a url', 'invalid_url'],
    ['https://', 'invalid_url'],
    ['mailto:buyer@example.com', 'invalid_url'],
    ['https://user:secret@buyer.example/hook', 'invalid_url'],
    ['http://buyer.example/hook', 'ssrf_blocked'],
    ['https://10.1.2.3/hook', 'ssrf_blocked'],
  ])('%s → %s', (url, reason) => {
    const delivery = runtime();
    const acceptance = delivery.deliverInBackground({ url, payload: { a: 1 }, signer: noSigner });
    expect(acceptance).toMatchObject({ accepted: false, reason });
    expect(delivery.stats()).toMatchObject({ refused: 1, pending: 0 });
  });

  const cyclic = (): object => {
    const value: Record<string, unknown> = { a: 1 };
    value.self = value;
    return value;
  };
  const throwingGetter = (): object =>
    Object.defineProperty({}, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('getter');
      },
    });
  const hostileProxy = (): object =>
    new Proxy({}, {
      ownKeys: () => {
        throw new Error('proxy');
      },
    });

  const PAYLOADS: readonly (readonly [string, () => unknown, string])[] = [
    ['a cycle', cyclic, 'serialization_error'],
    ['a BigInt', () => ({ amount: 10n }), 'serialization_error'],
    ['a top-level toJSON', () => ({ toJSON: (): never => { throw new Error('nope'); } }), 'invalid_payload'],
    ['a nested throwing toJSON', () => ({ result: { toJSON: (): never => { throw new Error('nope'); } } }), 'serialization_error'],
    ['a throwing getter', throwingGetter, 'serialization_error'],
    ['a hostile proxy', hostileProxy, 'serialization_error'],
    ['a toJSON returning a string', () => ({ toJSON: () => 'text' }), 'invalid_payload'],
    ['an idempotency_key that is not a string', () => ({ idempotency_key: 12345678901234567890 }), 'invalid_payload'],
    ['a string', () => 'just text', 'invalid_payload'],
    ['null', () => null, 'invalid_payload'],
    ['an array', () => [1, 2], 'invalid_payload'],
    ['an invalid idempotency_key', () => ({ idempotency_key: 'short' }), 'invalid_payload'],
  ];

  it.each(PAYLOADS)('payload with %s is refused with a typed class, never thrown', async (_what, makePayload, errorClass) => {
    const delivery = runtime({ unsafeAllowPrivateNetwork: true });
    const request = { url: 'https://buyer.example/hook', payload: makePayload() as object, signer: noSigner };
    expect(delivery.deliverInBackground(request)).toMatchObject({ accepted: false, reason: errorClass });
    await expect(delivery.deliver(request)).resolves.toMatchObject({ delivered: false, attempts: 0, errorClass });
  });

  it('malformed requests and signers are refused, not thrown', async () => {
    const delivery = runtime();
    const bad = [
      null,
      {},
      { url: 'https://buyer.example/', payload: {} },
      { url: 'https://buyer.example/', payload: {}, signer: { headersFor: () => ({}) } },
      { url: 42, payload: {}, signer: noSigner },
      { url: 'https://buyer.example/', body: 'not bytes', signer: noSigner },
    ];
    for (const request of bad) {
      const result = await delivery.deliver(request as never);
      expect(result.delivered).toBe(false);
      expect(result.errorClass).toMatch(/^(invalid_payload|invalid_url|signer_unavailable|serialization_error)$/);
    }
  });

  it('a pre-serialized body is refused when it repeats a key, lacks a valid key, or contradicts the given key', () => {
    const delivery = runtime({ unsafeAllowPrivateNetwork: true });
    const url = 'https://buyer.example/hook';
    const bytes = (text: string) => new TextEncoder().encode(text);
    const refused = [
      { body: bytes('{"idempotency_key":"whk_0123456789abcdef","a":1,"a":2}') },
      { body: bytes('{"a":1}') },
      { body: bytes('[1]') },
      { body: bytes('{"idempotency_key":"whk_0123456789abcdef"') },
      { body: bytes('{"idempotency_key":"whk_0123456789abcdef"}'), idempotencyKey: 'whk_fedcba9876543210' },
    ];
    for (const extra of refused) {
      expect(delivery.deliverInBackground({ url, signer: noSigner, ...extra })).toMatchObject({ accepted: false, reason: 'invalid_payload' });
    }
  });
});

describe('sent exactly as given', () => {
  it('a pre-serialized body goes out byte for byte, and later changes to the caller buffer do not leak in', async () => {
    const hook = await receiver((response) => response.writeHead(503).end());
    const delivery = runtime({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 3, baseDelayMs: 1 } });
    const text = '{ "idempotency_key" : "whk_0123456789abcdef",\n  "status": "completed" }';
    const body = new TextEncoder().encode(text);
    const pending = delivery.deliver({ url: hook.url, body, signer: noSigner });
    body.fill(0x20);
    const result = await pending;
    expect(result).toMatchObject({ idempotencyKey: 'whk_0123456789abcdef', attempts: 3, delivered: false });
    expect(hook.requests.map((request) => request.body.toString('utf8'))).toEqual([text, text, text]);
  });
});

describe('hostile or broken receivers', () => {
  it('DNS failure → dns_failure, retried, never thrown', async () => {
    const delivery = runtime({
      resolver: async () => {
        throw Object.assign(new Error('getaddrinfo ENOTFOUND nx.example'), { code: 'ENOTFOUND' });
      },
    });
    const result = await delivery.deliver({ url: 'https://nx.example/hook', payload: { a: 1 }, signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 2, errorClass: 'dns_failure', retriesExhausted: true });
    expect(result.errorMessage).not.toContain('nx.example');
  });

  it('a name that resolves to nothing → dns_failure', async () => {
    const delivery = runtime({ resolver: async () => [] });
    const result = await delivery.deliver({ url: 'https://empty.example/hook', payload: { a: 1 }, signer: noSigner });
    expect(result).toMatchObject({ delivered: false, errorClass: 'dns_failure' });
  });

  it('a connection reset before any response → connection_reset (retried)', async () => {
    const hook = await receiver((response) => response.socket?.destroy());
    const delivery = runtime({ unsafeAllowPrivateNetwork: true });
    const result = await delivery.deliver({ url: hook.url, payload: { a: 1 }, signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 2, errorClass: 'connection_reset' });
  });

  it('a reset in the middle of a 503 body: the status stands', async () => {
    const hook = await receiver((response) => {
      response.writeHead(503, { 'content-length': '1000' });
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 5);
    });
    const delivery = runtime({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 1 } });
    const result = await delivery.deliver({ url: hook.url, payload: { a: 1 }, signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 1, finalStatus: 503, errorClass: 'http_5xx' });
  });

  it('a 10 MB response: read up to the cap, then the connection is cut', async () => {
    let written = 0;
    let closedEarly = false;
    const hook = await receiver((response) => {
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      response.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      response.on('close', () => {
        closedEarly = written < 10 * 1024 * 1024;
      });
      const pump = () => {
        while (written < 10 * 1024 * 1024 && !response.destroyed) {
          written += chunk.length;
          if (!response.write(chunk)) return void response.once('drain', pump);
        }
        response.end();
      };
      pump();
    });
    const delivery = runtime({ unsafeAllowPrivateNetwork: true, maxResponseBytes: 64 * 1024 });
    const result = await delivery.deliver({ url: hook.url, payload: { a: 1 }, signer: noSigner });
    expect(result).toMatchObject({ delivered: true, attempts: 1, finalStatus: 200 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closedEarly).toBe(true);
    expect(written).toBeLessThan(10 * 1024 * 1024);
  });

  it('a receiver that answers with garbage → protocol_error', async () => {
    const hook = await receiver((response) => {
      response.socket?.end('NOT HTTP AT ALL\r\n\r\n');
    });
    const delivery = runtime({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 1 } });
    const result = await delivery.deliver({ url: hook.url, payload: { a: 1 }, signer: noSigner });
    expect(result.delivered).toBe(false);
    expect(result.errorClass).toMatch(/^(protocol_error|connection_reset)$/);
  });

  it('nothing listening → connect_error', async () => {
    const hook = await startReceiver();
    const url = hook.url;
    await hook.close();
    const delivery = runtime({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 1 } });
    const result = await delivery.deliver({ url, payload: { a: 1 }, signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 1, errorClass: 'connect_error' });
  });
});

describe('broken collaborators', () => {
  it('a signer that throws → signing_error, terminal, nothing sent', async () => {
    const hook = await receiver((response) => response.writeHead(204).end());
    const throwing: WebhookSigner = {
      descriptor: { mode: 'rfc9421', keyId: 'k' },
      headersFor: () => {
        throw new Error('duplicate_key_input');
      },
    };
    const delivery = runtime({ unsafeAllowPrivateNetwork: true });
    const result = await delivery.deliver({ url: hook.url, payload: { a: 1 }, signer: throwing });
    expect(result).toMatchObject({ delivered: false, attempts: 0, errorClass: 'signing_error' });
    expect(hook.connections()).toBe(0);
  });

  it('a payload whose getter slips a second idempotency_key into the JSON is refused by the product signer, nothing sent', async () => {
    const hook = await receiver((response) => response.writeHead(204).end());
    let reads = 0;
    const payload = {
      status: 'completed',
      get idempotency_key() {
        reads += 1;
        return reads === 1 ? undefined : 'whk_fedcba9876543210';
      },
    };
    const delivery = runtime({ unsafeAllowPrivateNetwork: true });
    const result = await delivery.deliver({ url: hook.url, payload, signer: ed25519TestKey().signer });
    expect(result).toMatchObject({ delivered: false, attempts: 0, errorClass: 'signing_error' });
    expect(hook.connections()).toBe(0);
  });

  it('an observer that throws does not break delivery', async () => {
    const hook = await receiver((response) => response.writeHead(204).end());
    const delivery = runtime({
      unsafeAllowPrivateNetwork: true,
      observer: () => {
        throw new Error('observer bug');
      },
    });
    await expect(delivery.deliver({ url: hook.url, payload: { a: 1 }, signer: noSigner })).resolves.toMatchObject({ delivered: true });
    expect(delivery.deliverInBackground({ url: 'nope', payload: {}, signer: noSigner })).toMatchObject({ accepted: false });
  });

  it('signer headers cannot override the transport headers', async () => {
    const hook = await receiver((response) => response.writeHead(204).end());
    const overriding: WebhookSigner = {
      descriptor: { mode: 'none' },
      headersFor: () => ({ 'Content-Type': 'text/plain', Host: 'evil.example', 'X-Extra': 'kept' }),
    };
    const delivery = runtime({ unsafeAllowPrivateNetwork: true });
    await delivery.deliver({ url: hook.url, payload: { a: 1 }, signer: overriding });
    expect(hook.requests[0]?.headers).toMatchObject({ 'content-type': 'application/json', host: `127.0.0.1:${hook.port}`, 'x-extra': 'kept' });
  });
});

describe('a broken resolver', () => {
  it.each([
    ['undefined', async () => undefined],
    ['null entries', async () => [null]],
    ['a non-string address', async () => [{ address: 42, family: 4 }]],
    ['a hang (bounded by the connect timeout)', () => new Promise(() => undefined)],
  ])('%s → dns_failure, never a crash', async (_what, resolver) => {
    const delivery = runtime({ resolver: resolver as never, connectTimeoutMs: 100, retry: { maxAttempts: 1 } });
    const result = await delivery.deliver({ url: 'https://odd.example/hook', payload: { a: 1 }, signer: noSigner });
    expect(result).toMatchObject({ delivered: false, attempts: 1, errorClass: 'dns_failure' });
  });
});

describe('body size', () => {
  it('a body over maxBodyBytes is refused before sending (default 1 MiB)', async () => {
    const delivery = runtime({ unsafeAllowPrivateNetwork: true });
    const big = { blob: 'x'.repeat(1024 * 1024) };
    expect(delivery.deliverInBackground({ url: 'https://buyer.example/hook', payload: big, signer: noSigner })).toMatchObject({
      accepted: false,
      reason: 'payload_too_large',
    });
    const small = runtime({ unsafeAllowPrivateNetwork: true, maxBodyBytes: 128 });
    expect(small.deliverInBackground({ url: 'https://buyer.example/hook', payload: { blob: 'x'.repeat(128) }, signer: noSigner }).accepted).toBe(false);
    expect(small.deliverInBackground({ url: 'https://buyer.example/hook', payload: { a: 1 }, signer: noSigner }).accepted).toBe(true);
  });
});
