// Closed sets stay closed through the durable stores: a row whose signing mode, status or error
// class is outside what this package writes is refused as not ours (ADCP_STORE_NOT_A_DATABASE),
// never widened to `string` — and an unknown signing mode is never read as "unsigned".
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DeliveryStoreError } from '../../src/runtime/store/delivery-store-error.js';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { newDelivery } from './conformance.js';
import { PG_URL, dropOutbox, uniquePrefix } from './pg-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'adcp-closed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function expectForeign(read: Promise<unknown>, column: string): Promise<void> {
  const error = await read.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DeliveryStoreError);
  expect(error).toMatchObject({ code: 'ADCP_STORE_NOT_A_DATABASE' });
  expect((error as Error).message).toContain(`column ${column}`);
}

describe('SQLite rows outside the closed sets', () => {
  it.each([
    ['signing_mode', "'ed448-future'"],
    ['last_error_class', "'http_503'"],
  ])('refuses a row whose %s holds a value the package never writes', async (column, value) => {
    const path = join(dir, `${column}.db`);
    const store = await openSqliteDeliveryStore(path);
    const delivery = newDelivery();
    await store.enqueue(delivery);
    const raw = new Database(path);
    raw.prepare(`UPDATE "adcp_deliveries" SET ${column} = ${value} WHERE id = ?`).run(delivery.id);
    raw.close();
    await expectForeign(store.get(delivery.id), column);
    await store.close();
  });

  it('reads back what it wrote, typed', async () => {
    const store = await openSqliteDeliveryStore(join(dir, 'ok.db'));
    const delivery = newDelivery({ signing: { mode: 'none' } });
    await store.enqueue(delivery);
    await store.markRetry(delivery.id, { attempts: 1, httpStatus: 503, errorClass: 'http_5xx' }, delivery.nextAttemptAt + 1000, delivery.nextAttemptAt);
    expect(await store.get(delivery.id)).toMatchObject({ status: 'pending', signing: { mode: 'none' }, lastErrorClass: 'http_5xx' });
    await store.close();
  });
});

describe('PostgreSQL rows outside the closed sets', () => {
  it('refuses an unknown signing mode instead of sending unsigned', async () => {
    const prefix = uniquePrefix('closed');
    const store = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
    try {
      const delivery = newDelivery();
      await store.enqueue(delivery);
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`UPDATE "${prefix}deliveries" SET signing_mode = 'ed448-future' WHERE id = $1`, [delivery.id]);
      await client.end();
      await expectForeign(store.get(delivery.id), 'signing_mode');
    } finally {
      await store.close();
      await dropOutbox(prefix);
    }
  });
});
