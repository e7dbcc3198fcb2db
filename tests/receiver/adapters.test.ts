// Each adapter with its real framework on loopback (node:http, Express, Fastify; the Fetch adapter
// with undici's Request/Response): a signed webhook reaches the typed handler; a tampered one is 401
// with the WWW-Authenticate value; an oversized one is 413; a wrong content type is refused before
// any crypto (the key source is never consulted).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookKeySource } from '../../src/runtime/keys/webhook-key-source.js';
import {
  createWebhookReceiver,
  expressWebhookHandler,
  fetchWebhookHandler,
  nodeHttpWebhookHandler,
  registerFastifyWebhookRoute,
  staticKeySource,
  type ReceivedWebhookEvent,
  type WebhookReceiver,
} from '../../src/runtime/receiver/index.js';
import { envelope, publicSharedKey, SELLER_KID, signedRequest } from './support.js';

const MAX_BODY = 8 * 1024;
const PATH = '/adcp/webhook/op_abc?tenant=7';

interface Harness {
  readonly base: string;
  readonly seen: ReceivedWebhookEvent[];
  readonly keys: { calls: number };
  post(headers: Record<string, string>, body: string): Promise<{ status: number; headers: Headers; body: string }>;
  close(): Promise<void>;
}

function countingKeys(): WebhookKeySource & { calls: number } {
  const inner = staticKeySource([publicSharedKey(SELLER_KID)], { sender: 'https://seller.example.com' });
  const source = {
    calls: 0,
    lookup(query: Parameters<WebhookKeySource['lookup']>[0]) {
      source.calls += 1;
      return inner.lookup(query);
    },
  };
  return source;
}

function receiverFor(base: string, keys: WebhookKeySource, seen: ReceivedWebhookEvent[]): WebhookReceiver {
  return createWebhookReceiver({ keys, registration: { mode: 'rfc9421' }, publicBaseUrl: base, maxBodyBytes: MAX_BODY })
    .on('create_media_buy', 'completed', (event) => {
      seen.push(event);
    })
    .onAny((event) => {
      seen.push(event);
    });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function httpPost(base: string, headers: Record<string, string>, body: string) {
  const response = await fetch(`${base}${PATH}`, { method: 'POST', headers, body });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** A server whose handler is bound once the port (hence the public base URL) is known. */
async function nodeHarness(bind: (receiver: WebhookReceiver) => Parameters<typeof createServer>[1]): Promise<Harness> {
  let handler: ReturnType<typeof bind> | undefined;
  const server = createServer((request, response) => handler?.(request, response));
  const base = await listen(server);
  const keys = countingKeys();
  const seen: ReceivedWebhookEvent[] = [];
  handler = bind(receiverFor(base, keys, seen));
  return {
    base,
    seen,
    keys,
    post: (headers, body) => httpPost(base, headers, body),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const harnesses: Record<string, () => Promise<Harness>> = {
  'node:http': () => nodeHarness((receiver) => nodeHttpWebhookHandler(receiver)),
  Express: () =>
    nodeHarness((receiver) => {
      const app = express();
      app.post('/adcp/webhook/:op', expressWebhookHandler(receiver));
      return app;
    }),
  Fastify: async () => {
    const app = Fastify();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    // Fastify routes must be declared before it listens: a second instance owns the route.
    await app.close();
    const routed = Fastify();
    const keys = countingKeys();
    const seen: ReceivedWebhookEvent[] = [];
    const port = Number(new URL(base).port);
    registerFastifyWebhookRoute(routed, '/adcp/webhook/:op', receiverFor(base, keys, seen));
    await routed.listen({ port, host: '127.0.0.1' });
    return { base, seen, keys, post: (headers, body) => httpPost(base, headers, body), close: () => routed.close() };
  },
  'Fetch API': async () => {
    const base = 'https://buyer.example.com';
    const keys = countingKeys();
    const seen: ReceivedWebhookEvent[] = [];
    const handler = fetchWebhookHandler(receiverFor(base, keys, seen));
    return {
      base,
      seen,
      keys,
      async post(headers, body) {
        const response = await handler(new Request(`${base}${PATH}`, { method: 'POST', headers: { host: 'buyer.example.com', ...headers }, body }));
        return { status: response.status, headers: response.headers, body: await response.text() };
      },
      close: async () => {},
    };
  },
};

describe.each(Object.keys(harnesses))('%s adapter', (name) => {
  let harness: Harness;
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (body: string) => signedRequest(`${harness.base}${PATH}`, body, now());
  const wire = (headers: Record<string, string>) => {
    const { 'content-type': contentType = 'application/json', ...rest } = headers;
    return { 'content-type': contentType, ...rest };
  };

  beforeAll(async () => {
    harness = await harnesses[name]!();
  });
  afterAll(() => harness.close());

  it('a signed webhook reaches the typed handler and is answered 200', async () => {
    const request = sign(JSON.stringify(envelope()));
    const answer = await harness.post(wire(request.headers), request.body);
    expect(answer.status).toBe(200);
    expect(harness.seen.at(-1)).toMatchObject({ kind: 'event', taskType: 'create_media_buy', status: 'completed', result: { media_buy_id: 'mb_001' } });
  });

  it('the same event again is answered 200 as a duplicate, the handler not run twice', async () => {
    const body = JSON.stringify(envelope());
    const before = harness.seen.length;
    expect((await harness.post(wire(sign(body).headers), body)).status).toBe(200);
    const second = await harness.post(wire(sign(body).headers), body);
    expect(second.status).toBe(200);
    expect(second.body).toBe('{"status":"duplicate"}');
    expect(harness.seen.length).toBe(before + 1);
  });

  it('a tampered body is 401 with WWW-Authenticate', async () => {
    const request = sign(JSON.stringify(envelope()));
    const answer = await harness.post(wire(request.headers), request.body.replace('mb_001', 'mb_666'));
    expect(answer.status).toBe(401);
    expect(answer.headers.get('www-authenticate')).toBe('Signature error="webhook_signature_digest_mismatch"');
  });

  it('an oversized body is 413', async () => {
    const request = sign(JSON.stringify(envelope({ message: 'x'.repeat(MAX_BODY * 2) })));
    const calls = harness.keys.calls;
    const answer = await harness.post(wire(request.headers), request.body);
    expect(answer.status).toBe(413);
    expect(harness.keys.calls).toBe(calls);
  });

  it('a wrong content type is refused before any crypto', async () => {
    const request = sign(JSON.stringify(envelope()));
    const calls = harness.keys.calls;
    const answer = await harness.post(wire({ ...request.headers, 'content-type': 'text/plain' }), request.body);
    expect(answer.status).toBe(415);
    expect(harness.keys.calls).toBe(calls);
  });
});

describe('adapter URL policy', () => {
  it('the Host the request arrived with must match the configured public base URL', async () => {
    const server = createServer();
    const base = await listen(server);
    const receiver = createWebhookReceiver({
      keys: countingKeys(),
      registration: { mode: 'rfc9421' },
      publicBaseUrl: 'https://buyer.example.com',
    });
    server.on('request', nodeHttpWebhookHandler(receiver));
    try {
      const request = signedRequest(`https://buyer.example.com${PATH}`, JSON.stringify(envelope()), Math.floor(Date.now() / 1000));
      const answer = await httpPost(base, request.headers, request.body);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Signature error="webhook_target_uri_malformed"');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('with trustProxy the signed URL comes from X-Forwarded-Proto / X-Forwarded-Host', async () => {
    const server = createServer();
    const base = await listen(server);
    const seen: ReceivedWebhookEvent[] = [];
    const receiver = createWebhookReceiver({ keys: countingKeys(), registration: { mode: 'rfc9421' }, trustProxy: true }).onAny((event) => {
      seen.push(event);
    });
    server.on('request', nodeHttpWebhookHandler(receiver));
    try {
      const request = signedRequest(`https://buyer.example.com${PATH}`, JSON.stringify(envelope()), Math.floor(Date.now() / 1000));
      const headers = { ...request.headers, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'buyer.example.com' };
      expect((await httpPost(base, headers, request.body)).status).toBe(200);
      expect(seen).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Express refuses a body a JSON parser already consumed (raw bytes are required)', async () => {
    let handler: ReturnType<typeof express> | undefined;
    const server = createServer((request, response) => handler?.(request, response));
    const base = await listen(server);
    const app = express();
    app.use(express.json());
    app.post('/adcp/webhook/:op', expressWebhookHandler(receiverFor(base, countingKeys(), [])));
    handler = app;
    try {
      const request = signedRequest(`${base}${PATH}`, JSON.stringify(envelope()), Math.floor(Date.now() / 1000));
      const answer = await httpPost(base, request.headers, request.body);
      expect(answer.status).toBe(500);
      expect(answer.body).toBe('{"error":"webhook_raw_body_unavailable"}');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Express behind express.raw verifies the preserved bytes', async () => {
    let handler: ReturnType<typeof express> | undefined;
    const server = createServer((request, response) => handler?.(request, response));
    const base = await listen(server);
    const seen: ReceivedWebhookEvent[] = [];
    const app = express();
    app.post('/adcp/webhook/:op', express.raw({ type: 'application/json' }), expressWebhookHandler(receiverFor(base, countingKeys(), seen)));
    handler = app;
    try {
      const request = signedRequest(`${base}${PATH}`, JSON.stringify(envelope()), Math.floor(Date.now() / 1000));
      expect((await httpPost(base, request.headers, request.body)).status).toBe(200);
      expect(seen).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
