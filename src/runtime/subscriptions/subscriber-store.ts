// Where persisted notification_configs live: memory, SQLite or PostgreSQL, like the outbox (src/runtime/store).
// A replacement set is written in one transaction, so a reader never sees half of it (sync_accounts.mdx —
// "Sellers MUST NOT partially apply a replacement set"). Rows never hold legacy credentials: those stay in process.
// The SQLite and PostgreSQL drivers are optional installs, so their stores load on first use.
import { assertIdentifier, DEFAULT_TABLE_PREFIX } from '../store/delivery-row.js';
import { DeliveryStoreError } from '../store/delivery-store-error.js';
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

/** A subscriber as persisted: everything but its in-process legacy credentials. */
export const withoutSecret = (subscriber: StoredSubscriber): string => {
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
export async function openSqliteSubscriberStore(path: string, options: SubscriberStoreOptions = {}): Promise<SubscriberStore> {
  const driver = await withDriver('better-sqlite3', () => import('./sqlite-subscriber-store.js'));
  return driver.openSqlite(path, subscriberTable(options));
}

/** A PostgreSQL subscriber store at `url` (node-postgres pool), table `<prefix>subscribers`. */
export async function openPostgresSubscriberStore(url: string, options: SubscriberStoreOptions = {}): Promise<SubscriberStore> {
  const driver = await withDriver('pg', () => import('./postgres-subscriber-store.js'));
  return driver.openPostgres(url, subscriberTable(options));
}

/** `<prefix>subscribers`, the prefix checked like the outbox's `tablePrefix`. */
function subscriberTable(options: SubscriberStoreOptions): string {
  const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  assertIdentifier('table prefix', prefix);
  return `${prefix}subscribers`;
}

async function withDriver<T>(driver: 'better-sqlite3' | 'pg', load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(driver);
    if (!missing) throw error;
    throw new DeliveryStoreError('ADCP_STORE_MISSING_DRIVER', `this subscriber store needs the package ${driver}, which is not installed (npm install ${driver})`);
  }
}
