import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { describeDeliveryStoreConformance } from './conformance.js';
import { PG_URL, dropOutbox, uniquePrefix, withPgClient } from './pg-helpers.js';

describeDeliveryStoreConformance('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-store-'));
  const path = join(dir, 'outbox.db');
  const store = await openSqliteDeliveryStore(path);
  const second = await openSqliteDeliveryStore(path);
  return {
    store,
    second,
    async columns() {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('adcp_deliveries')").all().map((c) => c.name);
      } finally {
        db.close();
      }
    },
    async dispose() {
      await store.close();
      await second.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describeDeliveryStoreConformance('PostgreSQL', async () => {
  const prefix = uniquePrefix('conf');
  const store = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
  const second = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
  return {
    store,
    second,
    columns: () =>
      withPgClient(async (client) => {
        const result = await client.query<{ column_name: string }>(
          'SELECT column_name FROM information_schema.columns WHERE table_name = $1',
          [`${prefix}deliveries`],
        );
        return result.rows.map((row) => row.column_name);
      }),
    async dispose() {
      await store.close();
      await second.close();
      await dropOutbox(prefix);
    },
  };
});
