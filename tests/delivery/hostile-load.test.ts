// 10,000 hostile deliveries through one runtime: every one ends in exactly one typed result, and
// afterwards nothing is left behind — no pending or in-flight work, no retained records beyond the
// store's bound, no open sockets on either side.
import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createWebhookDelivery, type DeliveryResult, type WebhookDeliveryRequest } from '../../src/runtime/delivery/index.js';
import type { MemoryDeliveryStore } from '../../src/runtime/store/memory-store.js';
import { createInstantClock } from './support/instant-clock.js';
import { eventually, startReceiver } from './support/receiver.js';
import { noSigner } from './support/signers.js';

const TOTAL = 10_000;
const TEN_MB = 10 * 1024 * 1024;

function streamTenMegabytes(response: ServerResponse): void {
  const chunk = Buffer.alloc(64 * 1024, 0x62);
  let written = 0;
  response.writeHead(200, { 'content-length': String(TEN_MB) });
  const pump = () => {
    while (written < TEN_MB && !response.destroyed) {
      written += chunk.length;
      if (!response.write(chunk)) return void response.once('drain', pump);
    }
    response.end();
  };
  pump();
}

const BEHAVIOURS: Record<string, (response: ServerResponse) => void> = {
  '/ok': (response) => response.writeHead(204).end(),
  '/unavailable': (response) => response.writeHead(503, { 'retry-after': '1' }).end(),
  '/conflict': (response) => response.writeHead(409).end(),
  '/redirect': (response) => response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end(),
  '/reset': (response) => response.socket?.destroy(),
  '/reset-mid-body': (response) => {
    response.writeHead(200, { 'content-length': '100000' });
    response.write('x'.repeat(1000), () => response.socket?.destroy());
  },
  '/big': streamTenMegabytes,
  '/hang': () => {
    /* never answers */
  },
};

function activeSockets(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
}

describe('10,000 hostile deliveries', () => {
  it('each ends in one typed result; in-flight work, records and sockets return to zero', async () => {
    const receiver = await startReceiver((request, response) => {
      const behave = BEHAVIOURS[request.url.split('?')[0] ?? ''] ?? BEHAVIOURS['/ok']!;
      behave(response);
    });
    const socketsBefore = activeSockets();
    const results = new Map<string, DeliveryResult>();
    let duplicateResults = 0;
    const delivery = createWebhookDelivery({
      unsafeAllowPrivateNetwork: true,
      allowedPorts: [receiver.port],
      resolver: async (hostname) => {
        if (hostname === 'loopback.test') return [{ address: '127.0.0.1', family: 4 }];
        throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
      },
      clock: createInstantClock(),
      retry: { maxAttempts: 2, baseDelayMs: 10 },
      attemptTimeoutMs: 150,
      concurrency: 64,
      maxQueue: TOTAL,
      observer: (result) => {
        if (results.has(result.deliveryId)) duplicateResults += 1;
        results.set(result.deliveryId, result);
      },
    });
    const store = delivery.store as MemoryDeliveryStore;

    const origin = `http://127.0.0.1:${receiver.port}`;
    const cyclic: Record<string, unknown> = {};
    cyclic.loop = cyclic;
    const kinds: readonly ((i: number) => WebhookDeliveryRequest)[] = [
      (i) => ({ url: `${origin}/ok?i=${i}`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `${origin}/ok?i=${i}`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `${origin}/unavailable`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `${origin}/conflict`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `${origin}/redirect`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `${origin}/reset`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `${origin}/reset-mid-body`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `http://loopback.test:${receiver.port}/ok`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `http://nx.test:${receiver.port}/ok`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `http://127.0.0.1:1/blocked-port`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `http://user:pw@127.0.0.1:${receiver.port}/ok`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `::not a url ${i}`, payload: { i }, signer: noSigner }),
      () => ({ url: `${origin}/ok`, payload: cyclic, signer: noSigner }),
      (i) => ({ url: `${origin}/ok`, payload: { i, n: BigInt(i) }, signer: noSigner }),
    ];
    const rare: readonly ((i: number) => WebhookDeliveryRequest)[] = [
      (i) => ({ url: `${origin}/big`, payload: { i }, signer: noSigner }),
      (i) => ({ url: `${origin}/hang`, payload: { i }, signer: noSigner }),
    ];

    const started = Date.now();
    let accepted = 0;
    for (let i = 0; i < TOTAL; i++) {
      const make = i % 50 === 0 ? rare[(i / 50) % rare.length]! : kinds[i % kinds.length]!;
      if (delivery.deliverInBackground(make(i)).accepted) accepted += 1;
    }
    const report = await delivery.drain(60_000);
    const elapsed = Date.now() - started;

    expect(report).toEqual({ timedOut: false, undelivered: [] });
    expect(results.size).toBe(TOTAL);
    expect(duplicateResults).toBe(0);
    const byClass = new Map<string, number>();
    for (const result of results.values()) {
      const key = result.delivered ? 'delivered' : String(result.errorClass);
      byClass.set(key, (byClass.get(key) ?? 0) + 1);
    }
    for (const expected of ['delivered', 'http_5xx', 'http_409', 'redirect', 'connection_reset', 'dns_failure', 'ssrf_blocked', 'invalid_url', 'serialization_error', 'timeout']) {
      expect(byClass.get(expected) ?? 0, expected).toBeGreaterThan(0);
    }
    expect([...byClass.keys()].every((key) => key === 'delivered' || /^[a-z0-9_]+$/.test(key))).toBe(true);

    const stats = delivery.stats();
    expect(stats).toMatchObject({ accepted, pending: 0, inFlight: 0 });
    expect(stats.delivered + stats.failed).toBe(accepted);
    expect(stats.refused).toBe(TOTAL - accepted);
    expect(store.activeCount).toBe(0);
    expect(store.size).toBeLessThanOrEqual(10_000);
    expect(stats.openSockets).toBeLessThanOrEqual(2 * 64); // two origins, at most `concurrency` sockets each

    await delivery.close();
    expect(delivery.stats().openSockets).toBe(0);
    expect(await eventually(() => receiver.openSockets() === 0, 5_000)).toBe(true);
    await receiver.close();
    expect(await eventually(() => activeSockets() <= socketsBefore, 5_000)).toBe(true);
    expect(elapsed).toBeLessThan(30_000);
  }, 60_000);
});
