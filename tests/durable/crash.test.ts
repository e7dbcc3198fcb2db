// Acceptance: nothing is lost when the sending process dies. A first process enqueues 1,000 webhooks
// while the receiver is down, retries, and is SIGKILLed mid-retry; a new process on the same store
// delivers all 1,000, each under its original idempotency_key with byte-identical body and a fresh,
// valid RFC 9421 signature (the receiver verifies with a replay cache).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDeliveryStore } from '../../src/runtime/store/store-url.js';
import type { DeliveryStore } from '../../src/runtime/store/delivery-store.js';
import { PG_URL, dropOutbox, uniquePrefix } from '../store/pg-helpers.js';
import { pollUntil, reservePort, startCli, startFixture, startReceiver, writeSigningKey, type Receiver } from './processes.js';

const COUNT = 1000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface FirstLife {
  readonly port: number;
  readonly manifest: Record<string, string>;
  readonly jwkFile: string;
  readonly publicJwk: object;
}

/** Enqueue 1,000 to a port nothing listens on, let every one fail and retries start, SIGKILL the process. */
async function firstLifeKilledMidRetry(storeUrl: string, dir: string): Promise<FirstLife> {
  const port = await reservePort();
  const { jwkFile, publicJwk } = writeSigningKey(dir);
  const manifestFile = join(dir, 'manifest.json');
  const first = startFixture('enqueue-then-retry.mjs', {
    STORE_URL: storeUrl,
    TARGET: `http://127.0.0.1:${port}/hooks/adcp`,
    COUNT: String(COUNT),
    MANIFEST: manifestFile,
    JWK_FILE: jwkFile,
  });
  cleanups.push(async () => first.kill());
  await first.waitFor((event) => event.event === 'enqueued', 30_000);
  await first.waitFor((event) => event.event === 'retrying', 30_000);
  first.kill('SIGKILL');
  await first.exited;
  return { port, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>, jwkFile, publicJwk };
}

async function expectAllDeliveredExactly(receiver: Receiver, manifest: Record<string, string>, store: DeliveryStore): Promise<void> {
  const stats = await receiver.stats();
  console.log(`crash test receiver: ${stats.distinctKeys} distinct keys, ${stats.duplicates} duplicates, ${stats.requests} requests`);
  expect(stats.distinctKeys).toBe(COUNT);
  expect(await receiver.digests()).toEqual(manifest);
  expect(stats.bodyMismatches).toBe(0);
  expect(stats.rejected).toEqual({});
  expect(stats.verified).toBe(stats.requests);
  expect(stats.overlaps).toBe(0);
  const delivered = await store.list({ status: 'delivered' });
  expect(delivered).toHaveLength(COUNT);
  expect(new Set(delivered.map((record) => record.idempotencyKey))).toEqual(new Set(Object.keys(manifest)));
}

describe('crash recovery', () => {
  it('SQLite: a new process (the CLI) delivers all 1,000 after the first was SIGKILLed mid-retry', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-crash-sqlite-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const storeUrl = `sqlite:${join(dir, 'outbox.db')}`;
    const life = await firstLifeKilledMidRetry(storeUrl, dir);

    const receiver = await startReceiver({ port: life.port, publicJwk: life.publicJwk });
    cleanups.push(() => receiver.stop());
    const store = await openDeliveryStore(storeUrl);
    cleanups.push(() => store.close());
    // The dead process's leases and backoffs run out within ~1.5 s; then everything is due at once.
    await pollUntil(async () => ((await allDue(store)) ? true : undefined), 10_000, 'every delivery to be due');

    const run = startCli(['deliveries', 'run', '--store', storeUrl, '--until-idle', '--jwk', life.jwkFile, '--unsafe-allow-private-network', '--json']);
    expect(await run.exited).toBe(0);
    const summary = await run.waitFor((event) => 'delivered' in event, 1000);
    expect(summary).toMatchObject({ delivered: COUNT, failed: 0 });
    await expectAllDeliveredExactly(receiver, life.manifest, store);
  });

  it('PostgreSQL: a new worker process delivers all 1,000, taking over the dead process leases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-crash-pg-'));
    const prefix = uniquePrefix('crash');
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => dropOutbox(prefix));
    const storeUrl = `${PG_URL}?table_prefix=${prefix}`;
    const life = await firstLifeKilledMidRetry(storeUrl, dir);

    const receiver = await startReceiver({ port: life.port, publicJwk: life.publicJwk });
    cleanups.push(() => receiver.stop());
    const store = await openDeliveryStore(storeUrl);
    cleanups.push(() => store.close());
    const leasedByTheDead = (await store.list({ status: 'in_flight' })).length;

    const survivor = startFixture('worker.mjs', { STORE_URL: storeUrl, WORKER_NAME: 'survivor', JWK_FILE: life.jwkFile, LEASE_MS: '3000' });
    cleanups.push(async () => survivor.kill());
    await pollUntil(async () => ((await store.list({ status: 'delivered' })).length === COUNT ? true : undefined), 60_000, 'all deliveries');
    console.log(`crash test (PostgreSQL): ${leasedByTheDead} rows were leased by the killed process`);
    await expectAllDeliveredExactly(receiver, life.manifest, store);
    survivor.kill('SIGTERM');
    expect(await survivor.exited).toBe(0);
  });
});

async function allDue(store: DeliveryStore): Promise<boolean> {
  const now = Date.now();
  const records = await store.list();
  return records.every((record) =>
    record.status === 'pending' ? record.nextAttemptAt <= now : record.status === 'in_flight' && (record.leaseExpiresAt ?? 0) <= now,
  );
}
