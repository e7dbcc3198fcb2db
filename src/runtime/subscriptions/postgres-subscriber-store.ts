// The PostgreSQL subscriber store (node-postgres); loaded only when a PostgreSQL store is opened.
import pg from 'pg';
import type { StoredSubscriber } from './registry.js';
import { withoutSecret, type SubscriberStore } from './subscriber-store.js';

/** The PostgreSQL subscriber store behind openPostgresSubscriberStore; `table` is already checked. */
export async function openPostgres(url: string, table: string): Promise<SubscriberStore> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (account_id TEXT NOT NULL, position INTEGER NOT NULL, data JSONB NOT NULL, PRIMARY KEY (account_id, position))`);
  return {
    async load(accountId) {
      const result = await pool.query<{ data: StoredSubscriber }>(`SELECT data FROM ${table} WHERE account_id = $1 ORDER BY position`, [accountId]);
      return result.rows.map((row) => row.data);
    },
    async replace(accountId, subscribers) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`DELETE FROM ${table} WHERE account_id = $1`, [accountId]);
        for (const [position, subscriber] of subscribers.entries()) {
          await client.query(`INSERT INTO ${table} (account_id, position, data) VALUES ($1, $2, $3::jsonb)`, [accountId, position, withoutSecret(subscriber)]);
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
