// The SQLite subscriber store (better-sqlite3); loaded only when a SQLite store is opened.
import Database from 'better-sqlite3';
import type { StoredSubscriber } from './registry.js';
import { withoutSecret, type SubscriberStore } from './subscriber-store.js';

/** The SQLite subscriber store behind openSqliteSubscriberStore; `table` is already checked. */
export function openSqlite(path: string, table: string): SubscriberStore {
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
