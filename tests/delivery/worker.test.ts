// The store worker: deliveries enqueued as records (by this or another process) are claimed with a
// lease, signed with the signer their descriptor names, attempted, and recorded — on the in-memory
// store and on the real SQLite store.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryWorker, createWebhookDelivery, runDueDeliveries } from '../../src/runtime/delivery/index.js';
import type { DeliveryStore, NewDelivery, SigningDescriptor } from '../../src/runtime/store/delivery-store.js';
import { createMemoryDeliveryStore } from '../../src/runtime/store/memory-store.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { createInstantClock } from './support/instant-clock.js';
import { eventually, startReceiver, type Receiver } from './support/receiver.js';
import { ed25519TestKey, noSigner } from './support/signers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(statuses: readonly number[] = [204]): Promise<Receiver> {
  const started = await startReceiver((_request, response, index) => {
    response.writeHead(statuses[Math.min(index, statuses.length - 1)] ?? 204).end();
  });
  cleanups.push(() => started.close());
  return started;
}

function record(url: string, signing: SigningDescriptor, now: number, key = `whk_${randomUUID()}`): NewDelivery {
  return {
    id: randomUUID(),
    idempotencyKey: key,
    url,
    body: new TextEncoder().encode(JSON.stringify({ idempotency_key: key, task_id: 't1', status: 'completed' })),
    signing,
    nextAttemptAt: now,
    labels: { task_type: 'create_media_buy' },
  };
}

const stores: Record<string, () => Promise<DeliveryStore>> = {
  memory: async () => createMemoryDeliveryStore(),
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-worker-'));
    const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return store;
  },
};

describe.each(Object.keys(stores))('worker over the %s store', (kind) => {
  async function openStore(): Promise<DeliveryStore> {
    const store = await stores[kind]!();
    cleanups.push(() => store.close());
    return store;
  }

  it('delivers stored records with the signer their descriptor names, then records the outcome', async () => {
    const hook = await receiver();
    const store = await openStore();
    const key = ed25519TestKey('kid-1');
    const clock = createInstantClock(Date.now());
    const signed = record(hook.url, key.signer.descriptor, clock.now());
    const unsigned = record(hook.url, { mode: 'none' }, clock.now());
    await store.enqueue(signed);
    await store.enqueue(unsigned);

    const summary = await runDueDeliveries({
      store,
      clock,
      unsafeAllowPrivateNetwork: true,
      resolveSigner: (descriptor) => (descriptor.mode === 'rfc9421' && descriptor.keyId === 'kid-1' ? key.signer : noSigner),
    });

    expect(summary).toEqual({ delivered: 2, failed: 0 });
    expect(await store.get(signed.id)).toMatchObject({ status: 'delivered', attempts: 1, lastHttpStatus: 204 });
    expect(hook.requests).toHaveLength(2);
    const signedRequest = hook.requests.find((request) => request.body.equals(Buffer.from(signed.body)));
    expect(signedRequest?.headers['signature-input']).toContain('keyid="kid-1"');
    const unsignedRequest = hook.requests.find((request) => request.body.equals(Buffer.from(unsigned.body)));
    expect(unsignedRequest?.headers.signature).toBeUndefined();
  });

  it('retries through the store: same bytes, schedule recorded, delivered on a later run', async () => {
    const hook = await receiver([503, 200]);
    const store = await openStore();
    const clock = createInstantClock(Date.now());
    const delivery = record(hook.url, { mode: 'none' }, clock.now());
    await store.enqueue(delivery);
    const worker = createDeliveryWorker({
      store,
      clock,
      unsafeAllowPrivateNetwork: true,
      retry: { baseDelayMs: 5_000, jitter: 0 },
      resolveSigner: () => noSigner,
    });
    cleanups.push(() => worker.close());

    expect(await worker.runUntilIdle()).toEqual({ delivered: 0, failed: 0 });
    expect(await store.get(delivery.id)).toMatchObject({ status: 'pending', attempts: 1, lastHttpStatus: 503, lastErrorClass: 'http_5xx' });

    clock.advance(5_000);
    expect(await worker.runUntilIdle()).toEqual({ delivered: 1, failed: 0 });
    expect(await store.get(delivery.id)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(hook.requests[0]!.body.equals(hook.requests[1]!.body)).toBe(true);
  });

  it('a signer that cannot be resolved is retried as signer_unavailable, never sent unsigned', async () => {
    const hook = await receiver();
    const store = await openStore();
    const clock = createInstantClock(Date.now());
    const delivery = record(hook.url, { mode: 'rfc9421', keyId: 'gone' }, clock.now());
    await store.enqueue(delivery);
    await runDueDeliveries({
      store,
      clock,
      unsafeAllowPrivateNetwork: true,
      resolveSigner: () => {
        throw new Error('unknown key');
      },
    });
    expect(await store.get(delivery.id)).toMatchObject({ status: 'pending', attempts: 1, lastErrorClass: 'signer_unavailable' });
    expect(hook.connections()).toBe(0);
  });

  it('two workers sharing the store deliver each record exactly once', async () => {
    const hook = await receiver();
    const store = await openStore();
    const now = Date.now();
    const deliveries = Array.from({ length: 40 }, () => record(hook.url, { mode: 'none' }, now));
    for (const delivery of deliveries) await store.enqueue(delivery);
    const options = { store, unsafeAllowPrivateNetwork: true, concurrency: 4, resolveSigner: () => noSigner };
    const [a, b] = await Promise.all([runDueDeliveries({ ...options, workerId: 'a' }), runDueDeliveries({ ...options, workerId: 'b' })]);
    expect(a.delivered + b.delivered).toBe(40);
    const keys = hook.requests.map((request) => JSON.parse(request.body.toString('utf8')).idempotency_key);
    expect(new Set(keys).size).toBe(40);
    expect(keys).toHaveLength(40);
  });

  it('a started worker picks up records enqueued later (onEnqueue wake-up or polling)', async () => {
    const hook = await receiver();
    const store = await openStore();
    const worker = createDeliveryWorker({ store, unsafeAllowPrivateNetwork: true, pollIntervalMs: 50, resolveSigner: () => noSigner });
    cleanups.push(() => worker.close());
    worker.start();
    await store.enqueue(record(hook.url, { mode: 'none' }, Date.now()));
    expect(await eventually(() => worker.stats().delivered === 1, 3_000)).toBe(true);
    await worker.stop();
    await store.enqueue(record(hook.url, { mode: 'none' }, Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(worker.stats().delivered).toBe(1);
  });

  it('createWebhookDelivery on this store: state goes through it, and a second runtime finishes what the first left', async () => {
    const hook = await receiver([503, 204]);
    const store = await openStore();
    const first = createWebhookDelivery({ store, unsafeAllowPrivateNetwork: true, retry: { baseDelayMs: 60_000, jitter: 0 } });
    const acceptance = first.deliverInBackground({ url: hook.url, payload: { task_id: 't' }, signer: noSigner });
    await eventually(() => hook.requests.length === 1);
    await eventually(() => first.stats().inFlight === 0);
    await first.close();
    const left = await store.get(acceptance.deliveryId);
    expect(left).toMatchObject({ status: 'pending', attempts: 1, lastHttpStatus: 503 });

    const second = createDeliveryWorker({ store, unsafeAllowPrivateNetwork: true, resolveSigner: () => noSigner });
    cleanups.push(() => second.close());
    await store.redrive(acceptance.deliveryId, Date.now());
    await second.runUntilIdle();
    expect(await store.get(acceptance.deliveryId)).toMatchObject({ status: 'delivered' });
    expect(hook.requests[1]!.body.equals(hook.requests[0]!.body)).toBe(true);
  });
});

describe('worker with a signing filter', () => {
  it('claims only the deliveries it can sign', async () => {
    const hook = await receiver();
    const store = createMemoryDeliveryStore();
    const now = Date.now();
    const mine = record(hook.url, { mode: 'none' }, now);
    const theirs = record(hook.url, { mode: 'rfc9421', keyId: 'other' }, now);
    await store.enqueue(mine);
    await store.enqueue(theirs);
    await runDueDeliveries({ store, unsafeAllowPrivateNetwork: true, claimSigning: [{ mode: 'none' }], resolveSigner: () => noSigner });
    expect((await store.get(mine.id))?.status).toBe('delivered');
    expect((await store.get(theirs.id))?.status).toBe('pending');
  });
});
