// PostgreSQL for tests: the local server of the contract, one fresh table prefix per store so runs
// and tests never see each other's rows, dropped again afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.ADCP_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export function uniquePrefix(tag = 't'): string {
  return `${tag}_${randomBytes(5).toString('hex')}_`;
}

export function pgStoreUrl(prefix: string): string {
  return `${PG_URL}?table_prefix=${prefix}`;
}

/** Drops the outbox tables of `prefix` (and `schema`, when the test created one). */
export async function dropOutbox(prefix: string, schema?: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    if (schema !== undefined) {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } else {
      await client.query(`DROP TABLE IF EXISTS "${prefix}deliveries", "${prefix}schema_migrations"`);
    }
  } finally {
    await client.end();
  }
}

export async function withPgClient<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
