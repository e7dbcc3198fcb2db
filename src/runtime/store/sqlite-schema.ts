// The SQLite outbox schema, as versioned migrations. Every statement is idempotent and the whole
// migration runs in one `BEGIN IMMEDIATE` transaction, so two processes opening the same file at once
// serialize on SQLite's write lock instead of racing.
import type { Database } from 'better-sqlite3';

export interface SqliteTables {
  readonly deliveries: string;
  readonly migrations: string;
}

export function sqliteTables(prefix: string): SqliteTables {
  return { deliveries: `"${prefix}deliveries"`, migrations: `"${prefix}schema_migrations"` };
}

function migrations(prefix: string): ReadonlyArray<{ version: number; sql: string }> {
  const t = sqliteTables(prefix);
  return [
    {
      version: 1,
      // No column may ever hold a signature, a token or a secret: signing is a mode plus a reference.
      sql: `
        CREATE TABLE IF NOT EXISTS ${t.deliveries} (
          id               TEXT PRIMARY KEY NOT NULL,
          idempotency_key  TEXT NOT NULL,
          url              TEXT NOT NULL,
          body             BLOB NOT NULL,
          signing_mode     TEXT NOT NULL,
          signing_ref      TEXT,
          labels           TEXT,
          status           TEXT NOT NULL CHECK (status IN ('pending', 'in_flight', 'delivered', 'failed')),
          attempts         INTEGER NOT NULL DEFAULT 0,
          next_attempt_at  INTEGER NOT NULL,
          created_at       INTEGER NOT NULL,
          updated_at       INTEGER NOT NULL,
          last_http_status INTEGER,
          last_error_class TEXT,
          lease_owner      TEXT,
          lease_expires_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS "${prefix}deliveries_due"
          ON ${t.deliveries} (next_attempt_at) WHERE status = 'pending';
        CREATE INDEX IF NOT EXISTS "${prefix}deliveries_lease"
          ON ${t.deliveries} (lease_expires_at) WHERE status = 'in_flight';
        CREATE INDEX IF NOT EXISTS "${prefix}deliveries_settled"
          ON ${t.deliveries} (status, updated_at) WHERE status IN ('delivered', 'failed');`,
    },
  ];
}

/** Brings the schema up to date; safe to run any number of times, from any number of processes. */
export function migrateSqlite(db: Database, prefix: string, now: number): void {
  const t = sqliteTables(prefix);
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${t.migrations} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`);
    const applied = new Set(
      db.prepare<[], { version: number }>(`SELECT version FROM ${t.migrations}`).all().map((row) => row.version),
    );
    for (const migration of migrations(prefix)) {
      if (applied.has(migration.version)) continue;
      db.exec(migration.sql);
      db.prepare(`INSERT INTO ${t.migrations} (version, applied_at) VALUES (?, ?)`).run(migration.version, now);
    }
  });
  run.immediate();
}
