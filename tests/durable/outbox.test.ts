// The durable outbox in one process, against real stores and a real node:http receiver: the write is
// durable before enqueue resolves, every attempt is signed afresh and nothing secret reaches the
// store, refusals are typed, drain leaves unfinished work in the store, settled rows are pruned.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { verifyRfc9421Webhook, createInMemoryReplayCache } from '../../src/runtime/signing/index.js';
import { DeliveryConfigError } from '../../src/runtime/delivery/errors.js';
import type { PublicJwk } from '../../src/runtime/keys/jwk.js';
import { createDurableOutbox, type DurableOutboxOptions } from '../../src/runtime/store/durable-outbox.js';
import type { DeliveryStore } from '../../src/runtime/store/delivery-store.js';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { signerResolverFor } from '../../src/runtime/store/signer-resolver.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { createInstantClock } from '../delivery/support/instant-clock.js';
import { eventually, startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { bearerLikeSigner, ed25519TestKey, noSigner } from '../delivery/support/signers.js';
import { newDelivery } from '../store/conformance.js';
import { PG_URL, dropOutbox, uniquePrefix } from '../store/pg-helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function sqliteStore(): Promise<{ store: DeliveryStore; dir: string; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-outbox-'));
  const path = join(dir, 'outbox.db');
  const store = await openSqliteDeliveryStore(path);
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, dir, path };
}

async function receiverAnswering(statuses: number[]): Promise<Receiver> {
  const receiver = await startReceiver((_request, response, index) => response.writeHead(statuses[index] ?? 204).end());
  cleanups.push(() => receiver.close());
  return receiver;
}

function outbox(options: DurableOutboxOptions) {
  const created = createDurableOutbox({ unsafeAllowPrivateNetwork: true, ...options });
  cleanups.push(() => created.close());
  return created;
}

const payload = (status = 'completed') => ({ task_id: 'task-1', task_type: 'create_media_buy', status, timestamp: '2026-01-01T00:00:00Z' });

describe('durable outbox', () => {
  it('has written the row durably when enqueue resolves (PostgreSQL: visible to another connection)', async () => {
    const prefix = uniquePrefix('outbox');
    const store = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
    const other = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
    cleanups.push(async () => {
      await store.close();
      await other.close();
      await dropOutbox(prefix);
    });
    const box = outbox({ store, resolveSigner: () => noSigner, worker: false });
    const accepted = await box.enqueue({ url: 'https://buyer.example/hook', payload: payload(), signer: noSigner, labels: { task_type: 'create_media_buy' } });
    expect(accepted.accepted).toBe(true);
    const record = await other.get(accepted.deliveryId);
    expect(record).toMatchObject({ status: 'pending', idempotencyKey: accepted.idempotencyKey, labels: { task_type: 'create_media_buy' } });
    expect(JSON.parse(Buffer.from(record!.body).toString('utf8'))).toMatchObject({ idempotency_key: accepted.idempotencyKey, status: 'completed' });
  });

  it('signs every attempt afresh, resends the same bytes, and stores no signature or secret', async () => {
    const { store, dir } = await sqliteStore();
    const receiver = await receiverAnswering([503, 503, 204]);
    const key = ed25519TestKey('outbox-key');
    const clock = createInstantClock(Date.now());
    const box = outbox({ store, clock, resolveSigner: signerResolverFor([key.signer]), retry: { baseDelayMs: 1000 } });

    const accepted = await box.enqueue({ url: receiver.url, payload: payload(), signer: key.signer });
    expect(accepted.accepted).toBe(true);
    expect(await eventually(() => receiver.requests.length === 3)).toBe(true);
    await vi.waitFor(async () => expect((await store.get(accepted.deliveryId))?.status).toBe('delivered'));

    const bodies = new Set(receiver.requests.map((request) => request.body.toString('hex')));
    expect(bodies.size).toBe(1);
    const signatures = receiver.requests.map((request) => String(request.headers.signature));
    expect(new Set(signatures).size).toBe(3);
    const jwk = { ...key.publicKey.export({ format: 'jwk' }), kid: 'outbox-key', use: 'sig', key_ops: ['verify'], adcp_use: 'request-signing' } as PublicJwk;
    const replay = createInMemoryReplayCache();
    for (const request of receiver.requests) {
      const verdict = verifyRfc9421Webhook({
        method: 'POST',
        url: `http://127.0.0.1:${receiver.port}${request.url}`,
        headers: request.headers,
        body: request.body,
        jwks: [jwk],
        now: Math.floor(clock.now() / 1000),
        replay,
      });
      expect(verdict).toEqual({ ok: true, keyid: 'outbox-key' });
    }
    expect(await store.get(accepted.deliveryId)).toMatchObject({ attempts: 3, signing: { mode: 'rfc9421', keyId: 'outbox-key' } });
    expect(storedBytes(dir)).not.toContain(signatures[0]!.slice(6, 40));
  });

  it('never writes a Bearer token or other signer header to the store', async () => {
    const { store, dir } = await sqliteStore();
    const receiver = await receiverAnswering([204]);
    const signer = bearerLikeSigner('tok_live_0123456789abcdefSECRET');
    const box = outbox({ store, resolveSigner: signerResolverFor([signer]) });
    const accepted = await box.enqueue({ url: receiver.url, payload: payload(), signer });
    await vi.waitFor(async () => expect((await store.get(accepted.deliveryId))?.status).toBe('delivered'));
    expect(receiver.requests[0]?.headers.authorization).toBe('Bearer tok_live_0123456789abcdefSECRET');
    expect(storedBytes(dir)).not.toContain('tok_live_0123456789abcdefSECRET');
    expect(storedBytes(dir)).toContain('test/bearer');
  });

  it('refuses with a typed reason: bad URL, blocked destination, store unavailable', async () => {
    const { store } = await sqliteStore();
    const guarded = createDurableOutbox({ store, resolveSigner: () => noSigner, worker: false });
    cleanups.push(() => guarded.close());
    expect(await guarded.enqueue({ url: 'not a url', payload: payload(), signer: noSigner })).toMatchObject({ accepted: false, reason: 'invalid_url' });
    expect(await guarded.enqueue({ url: 'https://127.0.0.1/hook', payload: payload(), signer: noSigner })).toMatchObject({ accepted: false, reason: 'ssrf_blocked' });
    await store.close();
    const refused = await guarded.enqueue({ url: 'https://buyer.example/hook', payload: payload(), signer: noSigner });
    expect(refused).toMatchObject({ accepted: false, reason: 'store_unavailable' });
    expect(refused.accepted === false && refused.message).toContain('closed');
  });

  it('drain leaves an unfinished delivery in the store, due again once its lease expires', async () => {
    const { store } = await sqliteStore();
    const hanging = await startReceiver(() => undefined); // never answers
    cleanups.push(() => hanging.close());
    const box = createDurableOutbox({ store, resolveSigner: () => noSigner, unsafeAllowPrivateNetwork: true, attemptTimeoutMs: 2000, leaseMs: 3000 });
    const accepted = await box.enqueue({ url: hanging.url, payload: payload(), signer: noSigner });
    expect(await eventually(() => hanging.requests.length === 1)).toBe(true);

    expect(await box.drain(20)).toEqual({ timedOut: true });
    const leased = await store.get(accepted.deliveryId);
    expect(leased).toMatchObject({ status: 'in_flight', attempts: 0 });
    const reclaimed = await store.claimDue({ now: leased!.leaseExpiresAt!, limit: 10, leaseMs: 1000, workerId: 'next-process' });
    expect(reclaimed.map((record) => record.id)).toEqual([accepted.deliveryId]);
    await hanging.close();
    await box.close();
  });

  it('refuses a lease that does not outlast an attempt (two workers could hold one delivery)', async () => {
    const { store } = await sqliteStore();
    expect(() => createDurableOutbox({ store, resolveSigner: () => noSigner, leaseMs: 5000, attemptTimeoutMs: 5000 })).toThrow(
      'leaseMs (5000) must exceed the attempt timeout (5000 ms)',
    );
    expect(() => createDurableOutbox({ store, resolveSigner: () => noSigner, leaseMs: 9000 })).toThrow(DeliveryConfigError);
  });

  it('drain with nothing running returns at once and leaves pending rows pending', async () => {
    const { store } = await sqliteStore();
    const box = outbox({ store, resolveSigner: () => noSigner, startWorker: false });
    const accepted = await box.enqueue({ url: 'https://buyer.example/hook', payload: payload(), signer: noSigner });
    expect(await box.drain(1000)).toEqual({ timedOut: false });
    expect((await store.get(accepted.deliveryId))?.status).toBe('pending');
  });

  it('prunes delivered and failed rows older than the retention window', async () => {
    const { store } = await sqliteStore();
    const day = 24 * 60 * 60 * 1000;
    const now = Date.now();
    const [old, recent, waiting] = [newDelivery(), newDelivery(), newDelivery({ nextAttemptAt: now + day })];
    for (const delivery of [old!, recent!, waiting!]) await store.enqueue(delivery);
    await store.claimDue({ now, limit: 2, leaseMs: 1000, workerId: 'w' });
    await store.markDelivered(old!.id, { attempts: 1, httpStatus: 204 }, now - 8 * day);
    await store.markFailed(recent!.id, { attempts: 3, errorClass: 'http_4xx' }, now - day);

    outbox({ store, resolveSigner: () => noSigner, worker: false, retentionMs: 7 * day });
    await vi.waitFor(async () => expect(await store.get(old!.id)).toBeUndefined());
    expect((await store.get(recent!.id))?.status).toBe('failed');
    expect((await store.get(waiting!.id))?.status).toBe('pending');
  });
});

/** Everything SQLite wrote for this outbox: the database file and its WAL. */
function storedBytes(dir: string): string {
  return readdirSync(dir)
    .map((name) => readFileSync(join(dir, name)).toString('latin1'))
    .join('\n');
}
