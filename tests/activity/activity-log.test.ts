// webhook_activity from the durable outbox after retries, against a real loopback receiver and every store
// (memory, SQLite, PostgreSQL); each record validates against core/webhook-activity-record.json.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActivityLog } from '../../src/runtime/activity/index.js';
import { createDurableOutbox } from '../../src/runtime/store/durable-outbox.js';
import type { DeliveryStore } from '../../src/runtime/store/delivery-store.js';
import { createMemoryDeliveryStore } from '../../src/runtime/store/memory-store.js';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { signerResolverFor } from '../../src/runtime/store/signer-resolver.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { eventually, startReceiver } from '../delivery/support/receiver.js';
import { ed25519TestKey } from '../delivery/support/signers.js';
import { PG_URL, dropOutbox, uniquePrefix } from '../store/pg-helpers.js';

const SCHEMAS = new URL('../../schemas/cache', import.meta.url).pathname;
const ajv = new Ajv({ strict: false });
addFormats.default(ajv);
for (const file of ['enums/notification-type.json', 'core/ext.json']) ajv.addSchema(JSON.parse(readFileSync(`${SCHEMAS}/${file}`, 'utf8')));
const validRecord = ajv.compile(JSON.parse(readFileSync(`${SCHEMAS}/core/webhook-activity-record.json`, 'utf8')));

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const stores: Record<string, () => Promise<DeliveryStore>> = {
  memory: async () => createMemoryDeliveryStore(),
  sqlite: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-activity-'));
    const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
    cleanups.push(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
    return store;
  },
  postgres: async () => {
    const prefix = uniquePrefix('activity');
    const store = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
    cleanups.push(async () => { await store.close(); await dropOutbox(prefix); });
    return store;
  },
};

describe.each(Object.keys(stores))('webhook_activity on %s', (kind) => {
  it('shows every attempt of a fire that fails twice then succeeds, scoped to its principal', async () => {
    const receiver = await startReceiver((_request, response, index) => response.writeHead([503, 500][index] ?? 204).end());
    cleanups.push(() => receiver.close());
    const key = ed25519TestKey('activity-key');
    const log = createActivityLog();
    const store = log.observe(await stores[kind]!());
    const box = createDurableOutbox({ unsafeAllowPrivateNetwork: true, store, resolveSigner: signerResolverFor([key.signer]), retry: { baseDelayMs: 20 } });
    cleanups.push(() => box.close());

    const labels = { principal: 'buyer-a', notification_type: 'scheduled', resource_id: 'mb_1', sequence_number: '3' };
    const accepted = await box.enqueue({ url: `${receiver.url}?token=secret`, payload: { media_buy_id: 'mb_1', notification_type: 'scheduled' }, signer: key.signer, labels });
    expect(accepted.accepted).toBe(true);
    await vi.waitFor(async () => expect((await store.get(accepted.deliveryId))?.status).toBe('delivered'), { timeout: 10_000 });

    const records = log.list('buyer-a', { resourceId: 'mb_1' });
    expect(records.map((r) => [r.attempt, r.status, r.http_status_code])).toEqual([[3, 'success', 204], [2, 'failed', 500], [1, 'failed', 503]]);
    for (const record of records) {
      expect(validRecord(record), JSON.stringify(validRecord.errors)).toBe(true);
      expect(record.idempotency_key).toBe(accepted.idempotencyKey);
      expect(record.url).not.toContain('secret');
      expect(record.payload_size_bytes).toBe(receiver.requests[0]!.body.byteLength);
      expect(record.response_time_ms).toBeGreaterThanOrEqual(0);
      expect(record.sequence_number).toBe(3);
    }
    expect(records[0]!.error_message).toBeNull();
    expect(records[2]!.error_message).toEqual(expect.any(String));
    expect(log.list('buyer-b')).toEqual([]);
    expect(log.list('buyer-a', { resourceId: 'mb_other' })).toEqual([]);
  });
});

describe('retention', () => {
  it('caps records per principal and drops records past their age', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const key = ed25519TestKey('activity-key-2');
    const log = createActivityLog({ maxRecordsPerPrincipal: 2, maxAgeMs: 60_000 });
    const store = log.observe(createMemoryDeliveryStore());
    const box = createDurableOutbox({ unsafeAllowPrivateNetwork: true, store, resolveSigner: signerResolverFor([key.signer]) });
    cleanups.push(() => box.close());
    for (let i = 0; i < 3; i += 1) await box.enqueue({ url: receiver.url, payload: { n: i }, signer: key.signer, labels: { principal: 'p', notification_type: 'impairment' } });
    expect(await eventually(() => receiver.requests.length === 3, 10_000)).toBe(true);
    expect(await eventually(() => log.list('p').every((r) => r.status === 'success'), 5_000)).toBe(true);
    expect(log.list('p')).toHaveLength(2);
    expect(log.list('p', { now: Date.now() + 120_000 })).toEqual([]);
  });
});
