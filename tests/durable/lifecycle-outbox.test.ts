// The task lifecycle over the durable outbox, against real SQLite and PostgreSQL stores and a real
// loopback receiver: each `update` resolves only once its row is in the store, a dead store is a
// typed refusal rather than an exception in the seller's handler, and a worker started afterwards
// delivers the signed webhooks, which the receiver verifies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { validateMcpWebhookPayload } from '../../src/generated/index.js';
import type { PublicJwk } from '../../src/runtime/keys/jwk.js';
import { createInMemoryReplayCache, verifyRfc9421Webhook } from '../../src/runtime/signing/index.js';
import type { DeliveryStore } from '../../src/runtime/store/delivery-store.js';
import { createDurableOutbox } from '../../src/runtime/store/durable-outbox.js';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { signerResolverFor } from '../../src/runtime/store/signer-resolver.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import {
  createWebhookSender,
  extractPushNotificationConfig,
  startTaskLifecycle,
  type DurableWebhookSender,
  type LifecycleUpdateOutcome,
  type WebhookSender,
} from '../../src/runtime/webhooks/index.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { ed25519TestKey, type TestKey } from '../delivery/support/signers.js';
import { PG_URL, dropOutbox, uniquePrefix } from '../store/pg-helpers.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface Stores {
  /** The store the seller writes through. */
  readonly store: DeliveryStore;
  /** A second handle on the same data (PostgreSQL: a second connection pool). */
  readonly observer: DeliveryStore;
}

async function sqliteStores(): Promise<Stores> {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-lifecycle-outbox-'));
  const path = join(dir, 'outbox.db');
  const store = await openSqliteDeliveryStore(path);
  const observer = await openSqliteDeliveryStore(path);
  cleanups.push(async () => {
    await store.close();
    await observer.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { store, observer };
}

async function postgresStores(): Promise<Stores> {
  const prefix = uniquePrefix('lifecycle');
  const store = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
  const observer = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
  cleanups.push(async () => {
    await store.close();
    await observer.close();
    await dropOutbox(prefix);
  });
  return { store, observer };
}

function pushConfigFor(receiver: Receiver) {
  const extracted = extractPushNotificationConfig(
    { push_notification_config: { url: `${receiver.url}/hooks/adcp`, operation_id: 'op_durable_1', token: 'tok_0123456789abcdef0123' } },
    { unsafeAllowPrivateNetwork: true },
  );
  if (extracted?.kind !== 'ok') throw new Error('fixture push config refused');
  return extracted.config;
}

function sellerSender(store: DeliveryStore, key: TestKey): DurableWebhookSender {
  const outbox = createDurableOutbox({ store, resolveSigner: signerResolverFor([key.signer]), unsafeAllowPrivateNetwork: true, worker: false });
  cleanups.push(() => outbox.close());
  return createWebhookSender({ delivery: outbox, rfc9421: key.signer });
}

function verifyAll(receiver: Receiver, key: TestKey): void {
  const jwk = { ...key.publicKey.export({ format: 'jwk' }), kid: key.keyId, use: 'sig', key_ops: ['verify'], adcp_use: 'request-signing' } as PublicJwk;
  const replay = createInMemoryReplayCache();
  for (const request of receiver.requests) {
    const verdict = verifyRfc9421Webhook({
      method: 'POST',
      url: `http://127.0.0.1:${receiver.port}${request.url}`,
      headers: request.headers,
      body: request.body,
      jwks: [jwk],
      now: Math.floor(Date.now() / 1000),
      replay,
    });
    expect(verdict).toEqual({ ok: true, keyid: key.keyId });
  }
}

describe.each([
  ['SQLite', sqliteStores],
  ['PostgreSQL', postgresStores],
])('task lifecycle over the durable outbox (%s)', (_name, openStores) => {
  it('each update resolves after its row is durable; a worker started later delivers, signatures verify', async () => {
    const { store, observer } = await openStores();
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const key = ed25519TestKey('durable-lifecycle-key');
    const sender = sellerSender(store, key);
    const pushConfig = pushConfigFor(receiver);

    // The seller's handler: answer `submitted` only once `working` is durable.
    const handle = async () => {
      const task = startTaskLifecycle({ sender, taskType: 'create_media_buy', pushConfig, initialStatus: 'submitted', context: { trace_id: 't-1' } });
      const working = await task.update('working', { percentage: 50, current_step: 'io_signature' });
      return { task, working, rowsWhenAnswered: await observer.list() };
    };
    const { task, working, rowsWhenAnswered } = await handle();
    expect(working).toMatchObject({ queued: true, idempotencyKey: expect.stringMatching(/.{16,}/) });
    expect(rowsWhenAnswered).toHaveLength(1);
    expect(rowsWhenAnswered[0]).toMatchObject({ status: 'pending', idempotencyKey: working.queued ? working.idempotencyKey : '', labels: { status: 'working', task_id: task.taskId } });

    const completed = await task.update('completed', { status: 'completed', media_buy_id: 'mb_1', revision: 1, confirmed_at: null, packages: [] });
    expect(completed).toMatchObject({ queued: true, notificationId: `${task.taskId}.terminal` });
    expect((await observer.list()).map((row) => row.labels?.['status']).sort()).toEqual(['completed', 'working']);
    expect(receiver.requests).toHaveLength(0); // nothing sent yet: no worker runs

    const worker = createDurableOutbox({ store: observer, resolveSigner: signerResolverFor([key.signer]), unsafeAllowPrivateNetwork: true });
    cleanups.push(() => worker.close());
    await vi.waitFor(async () => expect((await observer.list({ status: 'delivered' })).length).toBe(2), { timeout: 10_000 });
    expect(receiver.requests).toHaveLength(2);
    verifyAll(receiver, key);
    const envelopes = receiver.requests.map((request) => JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);
    for (const envelope of envelopes) {
      expect(validateMcpWebhookPayload(envelope).ok).toBe(true);
      expect(envelope).toMatchObject({ task_id: task.taskId, operation_id: 'op_durable_1' });
    }
    expect(envelopes.map((envelope) => envelope['status']).sort()).toEqual(['completed', 'working']);
  });

  it('a dead store is a typed refusal in the handler, never an exception', async () => {
    const { store } = await openStores();
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const sender = sellerSender(store, ed25519TestKey());
    const task = startTaskLifecycle({ sender, taskType: 'create_media_buy', pushConfig: pushConfigFor(receiver), initialStatus: 'submitted' });
    await store.close();
    const outcome: LifecycleUpdateOutcome = await task.update('working', { percentage: 10 });
    expect(outcome).toEqual({ queued: false, reason: 'store_unavailable' });
  });

  it('a terminal webhook the store refused leaves the task open; announcing it again once the store is back succeeds', async () => {
    const { store, observer } = await openStores();
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const key = ed25519TestKey();
    const pushConfig = pushConfigFor(receiver);
    const task = startTaskLifecycle({ sender: sellerSender(store, key), taskType: 'sync_creatives', pushConfig, initialStatus: 'working' });
    await store.close();
    expect(await task.update('completed', { status: 'completed', creatives: [] })).toEqual({ queued: false, reason: 'store_unavailable' });
    expect(task.terminal).toBe(false);
    const reopened = startTaskLifecycle({ sender: sellerSender(observer, key), taskType: 'sync_creatives', pushConfig, initialStatus: 'working', taskId: task.taskId });
    expect(await reopened.update('completed', { status: 'completed', creatives: [] })).toMatchObject({ queued: true, notificationId: `${task.taskId}.terminal` });
    expect(reopened.terminal).toBe(true);
    expect(await reopened.update('failed')).toEqual({ queued: false, reason: 'task_already_terminal' });
  });
});

describe('durable sender typing and legacy registrations', () => {
  it('update is a promise exactly for the durable sender', async () => {
    const { store } = await sqliteStores();
    const sender = sellerSender(store, ed25519TestKey());
    const task = startTaskLifecycle({ sender, taskType: 'sync_creatives', pushConfig: undefined, initialStatus: 'working' });
    const pending: Promise<LifecycleUpdateOutcome> = task.update('completed', { status: 'completed', creatives: [] });
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toEqual({ queued: false, reason: 'no_push_config' });
    // @ts-expect-error a durable sender's outcome is a promise, not the outcome itself
    const notAwaited: LifecycleUpdateOutcome = task.update('completed');
    expect(notAwaited).toBeInstanceOf(Promise);
    // @ts-expect-error the durable sender is not a background WebhookSender (send would not return at once)
    const background: WebhookSender = sender;
    expect(background).toBe(sender);
  });

  it('refuses a legacy HMAC registration without a durable credential name (the inline secret would be lost on restart)', async () => {
    const { store } = await sqliteStores();
    const sender = sellerSender(store, ed25519TestKey());
    const pushConfig = {
      url: 'https://buyer.example/hooks',
      operation_id: 'op_1',
      authentication: { schemes: ['HMAC-SHA256'], credentials: 'x'.repeat(40) },
    } as Parameters<DurableWebhookSender['send']>[0]['pushConfig'];
    const task = startTaskLifecycle({ sender, taskType: 'create_media_buy', pushConfig, initialStatus: 'submitted' });
    expect(await task.update('working')).toEqual({ queued: false, reason: 'signer_unavailable' });
    expect(await store.list()).toHaveLength(0);
  });
});
