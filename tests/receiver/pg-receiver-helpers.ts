// PostgreSQL for the receiver store tests: one fresh prefix per subject, dropped afterwards.
import { withPgClient } from '../store/pg-helpers.js';

export { PG_URL, uniquePrefix } from '../store/pg-helpers.js';

/** Drops the receiver tables and functions created under `prefix`. */
export async function dropReceiverTables(prefix: string): Promise<void> {
  await withPgClient(async (client) => {
    const tables = ['nonces', 'nonce_keyids', 'nonce_totals', 'events', 'schema_migrations'].map((t) => `"${prefix}${t}"`);
    await client.query(`DROP TABLE IF EXISTS ${tables.join(', ')}`);
    await client.query(`DROP FUNCTION IF EXISTS "${prefix}nonce_admit", "${prefix}nonce_purge"`);
  });
}
