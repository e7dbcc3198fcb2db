// One URL picks the outbox: memory:, sqlite:<path>, postgres://…, with table prefix and schema as
// URL parameters so the CLI reaches the same tables as the application.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryStoreError } from '../../src/runtime/store/delivery-store-error.js';
import { openDeliveryStore } from '../../src/runtime/store/store-url.js';
import { newDelivery } from './conformance.js';
import { PG_URL, dropOutbox, uniquePrefix, withPgClient } from './pg-helpers.js';

async function openError(url: string): Promise<DeliveryStoreError> {
  const error = await openDeliveryStore(url).then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeliveryStoreError);
  return error as DeliveryStoreError;
}

describe('openDeliveryStore', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adcp-store-url-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('memory: opens an in-process store', async () => {
    const store = await openDeliveryStore('memory:');
    const delivery = newDelivery();
    await store.enqueue(delivery);
    expect((await store.get(delivery.id))?.status).toBe('pending');
    await store.close();
  });

  it('sqlite:<path> and sqlite:///<absolute path> open the same file, with the table prefix of the URL', async () => {
    const path = join(dir, 'outbox.db');
    const delivery = newDelivery();
    const first = await openDeliveryStore(`sqlite:${path}?table_prefix=shop_`);
    await first.enqueue(delivery);
    await first.close();
    const second = await openDeliveryStore(`sqlite://${path}?table_prefix=shop_`);
    expect((await second.get(delivery.id))?.id).toBe(delivery.id);
    await second.close();
    const db = new Database(path, { readonly: true });
    const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all();
    db.close();
    expect(tables.map((table) => table.name)).toEqual(['shop_deliveries', 'shop_schema_migrations']);
  });

  it('postgres:// takes table_prefix and schema from the URL', async () => {
    const prefix = uniquePrefix('url');
    const schema = `s${prefix}`.replace(/_$/, '');
    try {
      const store = await openDeliveryStore(`${PG_URL}?table_prefix=${prefix}&schema=${schema}`);
      await store.enqueue(newDelivery());
      await store.close();
      const count = await withPgClient(async (client) => {
        const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}"."${prefix}deliveries"`);
        return Number(result.rows[0]?.n);
      });
      expect(count).toBe(1);
    } finally {
      await dropOutbox(prefix, schema);
    }
  });

  it('rejects unknown schemes without echoing credentials', async () => {
    const error = await openError('redis://admin:s3cret-pass@cache.internal:6379/0?token=abc');
    expect(error.code).toBe('ADCP_STORE_INVALID_CONFIG');
    expect(error.message).toContain('redis://cache.internal:6379/0');
    expect(error.message).not.toMatch(/s3cret|token=|admin/);
  });

  it('rejects an empty SQLite path, an unknown parameter and a hostile table prefix', async () => {
    expect((await openError('sqlite:')).code).toBe('ADCP_STORE_INVALID_CONFIG');
    expect((await openError(`sqlite:${join(dir, 'x.db')}?journal=off`)).code).toBe('ADCP_STORE_INVALID_CONFIG');
    expect((await openError(`sqlite:${join(dir, 'x.db')}?table_prefix=a-b`)).code).toBe('ADCP_STORE_INVALID_CONFIG');
    expect((await openError(`${PG_URL}?table_prefix=x%22%3B`)).code).toBe('ADCP_STORE_INVALID_CONFIG');
  });

  it('maps every start-up failure to a typed error', async () => {
    expect((await openError(`sqlite:${join(dir, 'missing', 'x.db')}`)).code).toBe('ADCP_STORE_CANNOT_OPEN');
    expect((await openError('postgres://postgres:pw@127.0.0.1:1/test')).code).toBe('ADCP_STORE_UNREACHABLE');
  });
});
