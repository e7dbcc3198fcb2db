// Where persisted notification_configs live: memory, SQLite or PostgreSQL, like the outbox (src/runtime/store).
// A replacement set is written in one transaction, so a reader never sees half of it (sync_accounts.mdx —
// "Sellers MUST NOT partially apply a replacement set"). Rows never hold legacy credentials: those stay in process.
import Database from 'better-sqlite3';
import pg from 'pg';
import { assertIdentifier, DEFAULT_TABLE_PREFIX } from '../store/delivery-row.js';
import type { StoredSubscriber } from './registry.js';

/** Persisted subscriber sets per account; `replace` swaps one account's whole set atomically. */
export interface SubscriberStore {
  load(accountId: string): Promise<StoredSubscriber[]>;
  replace(accountId: string, subscribers: readonly StoredSubscriber[]): Promise<void>;
  close(): Promise<void>;
}

/** Options shared by the durable subscriber stores: the table prefix (same rule as the outbox's `tablePrefix`). */
export interface SubscriberStoreOptions {
  readonly tablePrefix?: string;
}

const withoutSecret = (subscriber: StoredSubscriber): string => {
  const { credentials: _credentials, ...rest } = subscriber;
  return JSON.stringify(rest);
};

/** An in-memory subscriber store (lost on restart). */
export function createMemorySubscriberStore(): SubscriberStore {
  const sets = new Map<string, StoredSubscriber[]>();
  return {
    load: async (accountId) => [...(sets.get(accountId) ?? [])],
    replace: async (accountId, subscribers) => void sets.set(accountId, [...subscribers]),
    close: async () => undefined,
  };
}

/** A SQLite subscriber store in the file at `path` (better-sqlite3), table `<prefix>subscribers`. */
export function openSqliteSubscriberStore(path: string, options: SubscriberStoreOptions = {}): SubscriberStore {
  const table = tableName(options);
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS ${table} (account_id TEXT NOT NULL, position INTEGER NOT NULL, data TEXT NOT NULL, PRIMARY KEY (account_id, position))`);
  const select = db.prepare(`SELECT data FROM ${table} WHERE account_id = ? ORDER BY position`);
  const remove = db.prepare(`DELETE FROM ${table} WHERE account_id = ?`);
  const insert = db.prepare(`INSERT INTO ${table} (account_id, position, data) VALUES (?, ?, ?)`);
  const swap = db.transaction((accountId: string, subscribers: readonly StoredSubscriber[]) => {
    remove.run(accountId);
    subscribers.forEach((subscriber, position) => insert.run(accountId, position, withoutSecret(subscriber)));
  });
  return {
    load: async (accountId) => (select.all(accountId) as Array<{ data: string }>).map((row) => JSON.parse(row.data) as StoredSubscriber),
    replace: async (accountId, subscribers) => void swap(accountId, subscribers),
    close: async () => void db.close(),
  };
}

/** A PostgreSQL subscriber store at `url` (node-postgres pool), table `<prefix>subscribers`. */
export async function openPostgresSubscriberStore(url: string, options: SubscriberStoreOptions = {}): Promise<SubscriberStore> {
  const table = tableName(options);
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

function tableName(options: SubscriberStoreOptions): string {
  const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  assertIdentifier('table prefix', prefix);
  return `${prefix}subscribers`;
}
