// Options of the durable stores, kept apart from their implementations so that the types a user
// sees (openDeliveryStore's options) never pull in the drivers' type packages (@types/pg,
// @types/better-sqlite3) nor, at run time, the drivers themselves.
import type { BodyEncryptionKeyring } from './body-encryption.js';

interface EncryptionOption {
  /**
   * Encrypt stored bodies at rest (AES-256-GCM) with the application's keys. Without it, each row
   * holds the webhook body in plain text, including the buyer's push_notification_config `token`
   * that every webhook echoes. Rows sealed earlier keep opening after rotation as long as their
   * key id stays in `keys`; rows written before encryption was on are read as they are.
   */
  readonly bodyEncryption?: BodyEncryptionKeyring;
}

/**
 * Options of a SQLite delivery store (`sqlite:<path>`): table prefix (default `adcp_`), durability level (default
 * `normal`), lock wait (default 2000 ms) and body encryption. Needs the `better-sqlite3` package.
 */
export interface SqliteDeliveryStoreOptions extends EncryptionOption {
  /** Prefix of the table names (`<prefix>deliveries`); default `adcp_`. */
  readonly tablePrefix?: string;
  /** `normal` (default) survives a process crash; `full` also survives power loss (one fsync per write). */
  readonly synchronous?: 'normal' | 'full';
  /** How long a write waits for another process holding the write lock; default 2000 ms. */
  readonly busyTimeoutMs?: number;
  /** Clock for `createdAt` of new deliveries; default `Date.now`. */
  readonly now?: () => number;
  /** Refuse to create the file (for inspection tools: a typo must not yield an empty outbox). */
  readonly fileMustExist?: boolean;
}

/**
 * Options of a PostgreSQL delivery store (`postgres://…`): table prefix (default `adcp_`), schema, connection
 * bounds and body encryption. Needs the `pg` package.
 */
export interface PostgresDeliveryStoreOptions extends EncryptionOption {
  /** Prefix of the table names (`<prefix>deliveries`); default `adcp_`. */
  readonly tablePrefix?: string;
  /** Schema holding the tables, created if missing; default: the connection's search_path. */
  readonly schema?: string;
  /** Bound on establishing a connection (or waiting for a pooled one); default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Bound on each statement, client and server side; default 10000 ms. */
  readonly statementTimeoutMs?: number;
  /**
   * Refuse to create the outbox tables when they are missing (for inspection tools: a mistyped
   * table prefix or schema must not yield an empty outbox). Default false: created on first open.
   */
  readonly tablesMustExist?: boolean;
  /** Connections for the worker's claims and outcomes (and inspection); default 10. */
  readonly poolSize?: number;
  /**
   * Connections reserved for `enqueue`, so the request path never queues behind a busy worker in
   * the same process; also the number of enqueue statements in flight at once. Default 2: one batch
   * gathers while the other waits for its commit; more only splits the same writes into more,
   * smaller statements.
   */
  readonly enqueuePoolSize?: number;
  /** Clock for `createdAt` of new deliveries; default `Date.now`. */
  readonly now?: () => number;
}
