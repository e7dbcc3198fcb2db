// The caller's request path gets a typed refusal, promptly, when the outbox cannot take a delivery.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { tryEnqueue } from '../../src/runtime/store/try-enqueue.js';
import { newDelivery } from './conformance.js';
import { PG_URL, dropOutbox, uniquePrefix } from './pg-helpers.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

const pgPort = Number(new URL(PG_URL).port || 5432);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function pgStoreBehindProxy(): Promise<{ proxy: TcpProxy; store: Awaited<ReturnType<typeof openPostgresDeliveryStore>> }> {
  const proxy = await startTcpProxy(pgPort);
  const prefix = uniquePrefix('tq');
  const url = new URL(PG_URL);
  url.port = String(proxy.port);
  const store = await openPostgresDeliveryStore(url.toString(), { tablePrefix: prefix, connectTimeoutMs: 500 });
  cleanups.push(async () => {
    await proxy.kill().catch(() => undefined);
    await store.close().catch(() => undefined);
    await dropOutbox(prefix);
  });
  return { proxy, store };
}

describe('tryEnqueue', () => {
  it('accepts when the store takes the write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-tq-'));
    const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
    cleanups.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const delivery = newDelivery();
    expect(await tryEnqueue(store, delivery)).toEqual({ accepted: true, id: delivery.id, idempotencyKey: delivery.idempotencyKey });
    expect((await store.get(delivery.id))?.status).toBe('pending');
  });

  it('refuses, typed, once PostgreSQL went away', async () => {
    const { proxy, store } = await pgStoreBehindProxy();
    expect((await tryEnqueue(store, newDelivery())).accepted).toBe(true);
    await proxy.kill();
    const started = Date.now();
    const outcome = await tryEnqueue(store, newDelivery(), { timeoutMs: 2000 });
    expect(outcome).toMatchObject({ accepted: false, reason: 'store_unavailable' });
    expect(['ADCP_STORE_UNREACHABLE', 'ADCP_STORE_TIMEOUT']).toContain(outcome.accepted ? '' : outcome.code);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('refuses within the bound when PostgreSQL hangs', async () => {
    const { proxy, store } = await pgStoreBehindProxy();
    expect((await tryEnqueue(store, newDelivery())).accepted).toBe(true);
    proxy.stall();
    const started = Date.now();
    const outcome = await tryEnqueue(store, newDelivery(), { timeoutMs: 300 });
    const elapsed = Date.now() - started;
    expect(outcome).toMatchObject({ accepted: false, reason: 'store_unavailable', code: 'ADCP_STORE_TIMEOUT' });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1500);
  });

  it('refuses a closed store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-tq-'));
    const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    expect(await tryEnqueue(store, newDelivery())).toMatchObject({ accepted: false, reason: 'store_unavailable', code: 'ADCP_STORE_CLOSED' });
  });
});
