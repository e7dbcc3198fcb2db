// The PostgreSQL outbox schema, as versioned migrations the library applies itself. The whole migration
// runs in one transaction under an advisory lock keyed by the table names, so replicas starting at the
// same time apply it once instead of racing on CREATE TABLE (which is not safe under concurrency even
// with IF NOT EXISTS).
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';

export interface PostgresTables {
  /** Fully qualified, quoted table name, e.g. `"public"."adcp_deliveries"`. */
  readonly deliveries: string;
  readonly migrations: string;
  /** Quoted name for indexes (created in the table's schema). */
  readonly indexPrefix: string;
  /** NOTIFY channel woken on every enqueue; short enough for PostgreSQL's 63-byte identifier limit. */
  readonly channel: string;
  /** Key of the advisory lock taken around migrations. */
  readonly lockKey: string;
  readonly schema: string | undefined;
}

export function postgresTables(prefix: string, schema: string | undefined): PostgresTables {
  const qualify = (name: string) => (schema === undefined ? `"${name}"` : `"${schema}"."${name}"`);
  const scope = `${schema ?? ''}.${prefix}`;
  return {
    deliveries: qualify(`${prefix}deliveries`),
    migrations: qualify(`${prefix}schema_migrations`),
    indexPrefix: `${prefix}deliveries`,
    channel: `adcp_outbox_${createHash('sha256').update(scope).digest('hex').slice(0, 16)}`,
    lockKey: `adcp-codegen outbox migration ${scope}`,
    schema,
  };
}

function migrations(t: PostgresTables): ReadonlyArray<{ version: number; sql: string }> {
  return [
    {
      version: 1,
      // No column may ever hold a signature, a token or a secret: signing is a mode plus a reference.
      sql: `
        CREATE TABLE IF NOT EXISTS ${t.deliveries} (
          id               text PRIMARY KEY,
          idempotency_key  text NOT NULL,
          url              text NOT NULL,
          body             bytea NOT NULL,
          signing_mode     text NOT NULL,
          signing_ref      text,
          labels           jsonb,
          status           text NOT NULL CHECK (status IN ('pending', 'in_flight', 'delivered', 'failed')),
          attempts         integer NOT NULL DEFAULT 0,
          next_attempt_at  bigint NOT NULL,
          created_at       bigint NOT NULL,
          updated_at       bigint NOT NULL,
          last_http_status integer,
          last_error_class text,
          lease_owner      text,
          lease_expires_at bigint
        );
        CREATE INDEX IF NOT EXISTS "${t.indexPrefix}_due"
          ON ${t.deliveries} (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS "${t.indexPrefix}_lease"
          ON ${t.deliveries} (lease_expires_at) WHERE status = 'in_flight';
        CREATE INDEX IF NOT EXISTS "${t.indexPrefix}_settled"
          ON ${t.deliveries} (status, updated_at) WHERE status IN ('delivered', 'failed');`,
    },
  ];
}

/** Brings the schema up to date; safe to run any number of times, from any number of replicas. */
export async function migratePostgres(client: PoolClient, t: PostgresTables, now: number): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [t.lockKey]);
    if (t.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${t.schema}"`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${t.migrations} (version integer PRIMARY KEY, applied_at bigint NOT NULL)`,
    );
    const applied = await client.query<{ version: number }>(`SELECT version FROM ${t.migrations}`);
    const done = new Set(applied.rows.map((row) => row.version));
    for (const migration of migrations(t)) {
      if (done.has(migration.version)) continue;
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${t.migrations} (version, applied_at) VALUES ($1, $2)`, [migration.version, now]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
