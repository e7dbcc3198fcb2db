// A logger is the application's code: it may throw, hide its method behind a throwing getter, be
// a Proxy that throws on every operation, or reject asynchronously. None of that may reach the
// caller, leave a delivery unsettled or surface as an unhandled rejection.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../../src/runtime/logging/logger.js';
import { createMemoryDeliveryStore } from '../../src/runtime/store/memory-store.js';
import { ed25519TestKey, noSigner } from './support/signers.js';
import { eventually, startReceiver, type Receiver } from './support/receiver.js';

const throwingProxy = (): Logger =>
  new Proxy({} as Logger, {
    get: () => {
      throw new Error('proxy get');
    },
    has: () => {
      throw new Error('proxy has');
    },
    getPrototypeOf: () => {
      throw new Error('proxy getPrototypeOf');
    },
    ownKeys: () => {
      throw new Error('proxy ownKeys');
    },
    getOwnPropertyDescriptor: () => {
      throw new Error('proxy getOwnPropertyDescriptor');
    },
  });

const HOSTILE_LOGGERS: Record<string, () => Logger> = {
  'a log method that throws': () => ({
    log() {
      throw new Error('logger down');
    },
  }),
  'a log getter that throws': () =>
    ({
      get log(): never {
        throw new Error('getter down');
      },
    }) as Logger,
  'a Proxy that throws on every operation': throwingProxy,
  'a callable Proxy that throws when applied': () => ({
    log: new Proxy(() => undefined, {
      apply: () => {
        throw new Error('apply down');
      },
    }),
  }),
  'an async log that rejects': () => ({
    log: async () => {
      throw new Error('async logger down');
    },
  }),
};

/** A fresh copy of the runtime per case, so the once-per-process unsafe-mode warning is logged again. */
async function freshRuntime() {
  vi.resetModules();
  const delivery = await import('../../src/runtime/delivery/index.js');
  const outbox = await import('../../src/runtime/store/durable-outbox.js');
  const webhooks = await import('../../src/runtime/webhooks/index.js');
  return { ...delivery, ...outbox, ...webhooks };
}

let receiver: Receiver;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  receiver = await startReceiver((request, response) => {
    if (request.url.startsWith('/hang')) return;
    if (request.url.startsWith('/fail')) return void response.writeHead(503).end();
    response.writeHead(204).end();
  });
});
afterAll(() => receiver.close());
beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
});

const settleTicks = () => new Promise((resolve) => setTimeout(resolve, 50));

describe.each(Object.entries(HOSTILE_LOGGERS))('with %s', (_name, makeLogger) => {
  it('createWebhookDelivery does not throw while warning about unsafe mode', async () => {
    const { createWebhookDelivery } = await freshRuntime();
    const delivery = createWebhookDelivery({ logger: makeLogger(), unsafeAllowPrivateNetwork: true });
    await delivery.close();
  });

  it('deliverInBackground returns queue_full instead of throwing on the queue-full line', async () => {
    const { createWebhookDelivery } = await freshRuntime();
    const delivery = createWebhookDelivery({ logger: makeLogger(), unsafeAllowPrivateNetwork: true, maxQueue: 1, attemptTimeoutMs: 2_000 });
    const url = `http://127.0.0.1:${receiver.port}/hang`;
    expect(delivery.deliverInBackground({ url, payload: { n: 1 }, signer: noSigner }).accepted).toBe(true);
    const refused = delivery.deliverInBackground({ url, payload: { n: 2 }, signer: noSigner });
    expect(refused).toMatchObject({ accepted: false, reason: 'queue_full' });
    await delivery.close();
    await settleTicks();
    expect(unhandled).toEqual([]);
  });

  it('deliver() settles, delivered and failed alike, and stats return to pending 0', async () => {
    const { createWebhookDelivery } = await freshRuntime();
    const delivery = createWebhookDelivery({
      logger: makeLogger(),
      unsafeAllowPrivateNetwork: true,
      retry: { maxAttempts: 2, baseDelayMs: 1 },
    });
    const base = `http://127.0.0.1:${receiver.port}`;
    const [ok, failed] = await Promise.all([
      delivery.deliver({ url: `${base}/ok`, payload: { n: 1 }, signer: noSigner }),
      delivery.deliver({ url: `${base}/fail`, payload: { n: 2 }, signer: noSigner }),
    ]);
    expect(ok.delivered).toBe(true);
    expect(failed).toMatchObject({ delivered: false, errorClass: 'http_5xx', attempts: 2 });
    expect(delivery.stats()).toMatchObject({ pending: 0, delivered: 1, failed: 1 });
    await delivery.close();
    await settleTicks();
    expect(unhandled).toEqual([]);
  });

  it('a store claim failure is retried quietly, never an unhandled rejection', async () => {
    const { createWebhookDelivery } = await freshRuntime();
    const store = createMemoryDeliveryStore();
    await store.close(); // every claim now rejects
    const delivery = createWebhookDelivery({ logger: makeLogger(), store, pollIntervalMs: 5 });
    await settleTicks();
    await delivery.close();
    expect(unhandled).toEqual([]);
  });

  it('the durable outbox: enqueue on a failing store resolves with a refusal, pruning failures stay quiet', async () => {
    const { createDurableOutbox } = await freshRuntime();
    const store = createMemoryDeliveryStore();
    await store.close();
    const outbox = createDurableOutbox({
      store,
      logger: makeLogger(),
      unsafeAllowPrivateNetwork: true,
      resolveSigner: () => noSigner,
      pollIntervalMs: 5,
    });
    const outcome = await outbox.enqueue({ url: `http://127.0.0.1:${receiver.port}/ok`, payload: { n: 1 }, signer: noSigner });
    expect(outcome).toMatchObject({ accepted: false, reason: 'store_unavailable' });
    await settleTicks();
    await outbox.close();
    expect(unhandled).toEqual([]);
  });

  it('a worker over a live store delivers and counts despite the logger', async () => {
    const { createDeliveryWorker } = await freshRuntime();
    const store = createMemoryDeliveryStore();
    await store.enqueue({
      id: 'd1',
      idempotencyKey: 'idem_0123456789abcdef',
      url: `http://127.0.0.1:${receiver.port}/ok`,
      body: Buffer.from('{"idempotency_key":"idem_0123456789abcdef"}'),
      signing: { mode: 'none' },
      nextAttemptAt: Date.now(),
    });
    const worker = createDeliveryWorker({ store, logger: makeLogger(), unsafeAllowPrivateNetwork: true, resolveSigner: () => noSigner });
    expect(await worker.runUntilIdle()).toEqual({ delivered: 1, failed: 0 });
    await worker.close();
    await store.close();
    expect(unhandled).toEqual([]);
  });

  it('emitTaskWebhook returns its refusal instead of throwing while logging it', async () => {
    const { emitTaskWebhook, createWebhookDelivery, createWebhookSender } = await freshRuntime();
    const delivery = createWebhookDelivery();
    const sender = createWebhookSender({ delivery, rfc9421: ed25519TestKey().signer });
    const outcome = emitTaskWebhook(
      sender,
      { taskId: 't1', taskType: 'not_a_task', status: 'completed', initialStatus: 'submitted', pushConfig: { url: 'https://buyer.example/h' } } as never,
      { logger: makeLogger() },
    );
    expect(outcome).toEqual({ queued: false, reason: 'not_a_lifecycle_task' });
    await delivery.close();
  });
});

it('receiver sanity: the loopback receiver saw the deliveries', async () => {
  expect(await eventually(() => receiver.requests.some((request) => request.url === '/ok'))).toBe(true);
});
