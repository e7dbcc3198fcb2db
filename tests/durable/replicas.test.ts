// Acceptance: three worker processes share one PostgreSQL outbox. 5,000 deliveries all arrive, no
// key is ever in flight in two replicas at once, every replica does part of the work, and when one
// replica is SIGKILLed mid-run the rows it had leased are delivered by the others once its lease
// has expired.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { PG_URL, dropOutbox, uniquePrefix } from '../store/pg-helpers.js';
import { pollUntil, startFixture, startReceiver, writeSigningKey, type Fixture } from './processes.js';

const COUNT = 5000;
const LEASE_MS = 3000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

it('three replicas deliver 5,000 from one outbox, and survive one of them being SIGKILLed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-replicas-'));
  const prefix = uniquePrefix('replicas');
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => dropOutbox(prefix));
  const storeUrl = `${PG_URL}?table_prefix=${prefix}`;
  const { jwkFile, publicJwk } = writeSigningKey(dir, 'replica-key');
  const receiver = await startReceiver({ delayMs: 5, publicJwk });
  cleanups.push(() => receiver.stop());
  const store = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
  cleanups.push(() => store.close());

  const replicas: Record<string, Fixture> = {};
  for (const name of ['r1', 'r2', 'r3']) {
    replicas[name] = startFixture('worker.mjs', { STORE_URL: storeUrl, WORKER_NAME: name, JWK_FILE: jwkFile, LEASE_MS: String(LEASE_MS) });
    cleanups.push(async () => replicas[name]!.kill());
  }
  await Promise.all(Object.values(replicas).map((replica) => replica.waitFor((event) => event.event === 'ready', 15_000)));

  const url = `http://127.0.0.1:${receiver.port}/hooks/adcp`;
  for (let i = 0; i < COUNT; i += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) => {
        const key = `whk_${randomUUID()}`;
        return store.enqueue({
          id: randomUUID(),
          idempotencyKey: key,
          url,
          body: Buffer.from(JSON.stringify({ idempotency_key: key, task_id: `t-${i + j}`, status: 'completed' })),
          signing: { mode: 'rfc9421', keyId: 'replica-key' },
          nextAttemptAt: Date.now(),
        });
      }),
    );
  }

  // In the middle of the run the receiver stops answering r1, so r1 is certain to hold leased
  // deliveries when it is SIGKILLed; note what it held at that moment.
  await pollUntil(async () => ((await receiver.stats()).requests >= COUNT * 0.3 ? true : undefined), 60_000, '30% delivered');
  await receiver.hold('r1');
  await pollUntil(async () => ((await receiver.stats()).heldNow > 0 ? true : undefined), 30_000, 'r1 holds a delivery');
  replicas.r1!.kill('SIGKILL');
  await replicas.r1!.exited;
  const heldByKilled = (await store.list({ status: 'in_flight' })).filter((record) => record.leaseOwner === 'r1');

  await pollUntil(async () => ((await store.list({ status: 'delivered' })).length === COUNT ? true : undefined), 90_000, 'all delivered');
  const stats = await receiver.stats();
  console.log(
    `replicas: ${stats.distinctKeys} distinct keys, ${stats.duplicates} duplicates, per replica ${JSON.stringify(stats.perWorker)}, ` +
      `${heldByKilled.length} rows leased by the killed replica`,
  );
  expect(stats.distinctKeys).toBe(COUNT);
  expect(stats.bodyMismatches).toBe(0);
  expect(stats.overlaps).toBe(0);
  expect(stats.rejected).toEqual({});
  expect(stats.verified).toBe(stats.requests);
  for (const name of ['r1', 'r2', 'r3']) expect(stats.perWorker[name] ?? 0).toBeGreaterThan(COUNT * 0.05);

  expect(heldByKilled.length).toBeGreaterThan(0);
  const workersByKey = await receiver.workersByKey();
  for (const held of heldByKilled) {
    expect(workersByKey[held.idempotencyKey]?.some((worker) => worker !== 'r1')).toBe(true);
    const final = await store.get(held.id);
    expect(final?.status).toBe('delivered');
    expect(final!.updatedAt).toBeGreaterThanOrEqual(held.leaseExpiresAt!);
  }

  for (const name of ['r2', 'r3']) replicas[name]!.kill('SIGTERM');
  expect(await replicas.r2!.exited).toBe(0);
  expect(await replicas.r3!.exited).toBe(0);
});
