// A one-shot run (runUntilIdle / runDueDeliveries) ends with the store's error when the store fails
// during the run, instead of reporting an idle outbox: on the real SQLite store, closed under the
// worker while attempts are on the wire, and on the same store with one claim failing (a fault
// injected at the DeliveryStore interface). The CLI test corrupts a real file instead.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDeliveryWorker, runDueDeliveries } from '../../src/runtime/delivery/index.js';
import { DeliveryStoreError } from '../../src/runtime/store/delivery-store-error.js';
import type { NewDelivery } from '../../src/runtime/store/delivery-store.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { eventually, startReceiver } from './support/receiver.js';
import { noSigner } from './support/signers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function record(url: string): NewDelivery {
  const key = `whk_${randomUUID()}`;
  return {
    id: randomUUID(),
    idempotencyKey: key,
    url,
    body: new TextEncoder().encode(JSON.stringify({ idempotency_key: key, status: 'completed' })),
    signing: { mode: 'none' },
    nextAttemptAt: Date.now() - 1,
  };
}

async function sqliteStore() {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-worker-fail-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
  cleanups.push(() => store.close());
  return store;
}

describe('a one-shot run on a store that fails mid-run', () => {
  it('rejects with the outcome write error once the running attempts settle', async () => {
    const held: ServerResponse[] = [];
    const hook = await startReceiver((_request, response) => held.push(response));
    cleanups.push(() => hook.close());
    const store = await sqliteStore();
    for (let i = 0; i < 3; i += 1) await store.enqueue(record(hook.url));

    const run = runDueDeliveries({ store, unsafeAllowPrivateNetwork: true, concurrency: 2, resolveSigner: () => noSigner });
    const outcome = run.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    expect(await eventually(() => held.length === 2)).toBe(true);
    await store.close();
    for (const response of held.splice(0)) response.writeHead(204).end();

    const error = await outcome;
    expect(error).toBeInstanceOf(DeliveryStoreError);
    expect((error as DeliveryStoreError).code).toBe('ADCP_STORE_CLOSED');
    expect(hook.requests).toHaveLength(2); // nothing claimed after the failure
  });

  it('rejects with the claim error, and a later run on a healthy store resolves again', async () => {
    const hook = await startReceiver();
    cleanups.push(() => hook.close());
    const store = await sqliteStore();
    await store.enqueue(record(hook.url));
    const worker = createDeliveryWorker({ store, unsafeAllowPrivateNetwork: true, resolveSigner: () => noSigner });
    cleanups.push(() => worker.close());

    const originalClaim = store.claimDue.bind(store);
    let failNext = true;
    store.claimDue = async (options) => {
      if (failNext) {
        failNext = false;
        throw new DeliveryStoreError('ADCP_STORE_FAILED', 'disk I/O error');
      }
      return originalClaim(options);
    };
    await expect(worker.runUntilIdle()).rejects.toMatchObject({ code: 'ADCP_STORE_FAILED', message: 'disk I/O error' });
    expect(await worker.runUntilIdle()).toEqual({ delivered: 1, failed: 0 });
  });
});
