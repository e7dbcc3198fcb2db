// The embedded durable outbox: one SQLite file in WAL mode, written through prepared statements.
//
// Durability: with journal_mode=WAL and synchronous=NORMAL (the default here) a committed enqueue is in
// the WAL file in the operating system's page cache before `enqueue` resolves, so it survives the
// process being killed (SIGKILL, OOM, a crash) — the failure this outbox exists for. It can lose the
// last commits on power loss or a kernel crash (never corrupting the file). `synchronous: 'full'`
// fsyncs the WAL on every commit and survives power loss too, at the cost of one fsync per enqueue
// (milliseconds instead of microseconds). Writes made in one turn of the event loop share a transaction.
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type {
  AttemptOutcome,
  ClaimOptions,
  DeliveryRecord,
  DeliveryStore,
  ListQuery,
  NewDelivery,
} from './delivery-store.js';
import { DeliveryStoreError } from './delivery-store-error.js';
import {
  DEFAULT_TABLE_PREFIX,
  assertIdentifier,
  byNextAttempt,
  labelsToColumn,
  rowToRecord,
  signingFilterPairs,
  signingToColumns,
  type DeliveryRow,
} from './delivery-row.js';
import { migrateSqlite, sqliteTables } from './sqlite-schema.js';
import type { SqliteDeliveryStoreOptions } from './store-options.js';
import { bodyCodecFor, plainBodies, type BodyCodec } from './body-encryption.js';
import { WriteBatcher } from './write-batcher.js';


export type { SqliteDeliveryStoreOptions };

/** Opens (creating if needed) and migrates the outbox at `path`; rejects with DeliveryStoreError. */
export async function openSqliteDeliveryStore(
  path: string,
  options: SqliteDeliveryStoreOptions = {},
): Promise<SqliteDeliveryStore> {
  const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  assertIdentifier('table prefix', prefix);
  const bodies = bodyCodecFor(options.bodyEncryption);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 2000, fileMustExist: options.fileMustExist === true });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    // A checkpoint runs inside the commit that crosses the threshold (and fsyncs the file). Every
    // 8,000 pages (~32 MB of WAL) instead of SQLite's 1,000 makes that stall 8× rarer on the request
    // path, and a hot outbox rewrites the same pages, so each checkpoint copies little more.
    db.pragma('wal_autocheckpoint = 8000');
    migrateSqlite(db, prefix, Date.now());
    return new SqliteDeliveryStore(db, prefix, options.now ?? Date.now, bodies);
  } catch (error) {
    db?.close();
    throw sqliteError(error, path);
  }
}

interface Statements {
  readonly insert: Statement;
  readonly claim: Statement;
  readonly markDelivered: Statement;
  readonly markRetry: Statement;
  readonly markFailed: Statement;
  readonly get: Statement;
  readonly list: Statement;
  readonly listByStatus: Statement;
  readonly redrive: Statement;
  readonly prune: Statement;
}

export class SqliteDeliveryStore implements DeliveryStore {
  readonly #db: SqliteDatabase;
  readonly #sql: Statements;
  readonly #listeners = new Set<() => void>();
  readonly #now: () => number;
  readonly #bodies: BodyCodec;
  readonly #enqueues: WriteBatcher<NewDelivery>;
  readonly #outcomes: WriteBatcher<{ readonly statement: Statement; readonly params: object }>;

  constructor(db: SqliteDatabase, prefix: string, now: () => number, bodies: BodyCodec = plainBodies) {
    this.#db = db;
    this.#bodies = bodies;
    this.#sql = prepare(db, sqliteTables(prefix).deliveries);
    this.#now = now;
    // Writes made in one turn of the event loop commit together, in one transaction.
    const batching = { maxInFlight: 1, maxBatch: 1000, gather: 'microtask' } as const;
    this.#enqueues = new WriteBatcher(async (batch) => this.#insert(batch), batching);
    this.#outcomes = new WriteBatcher(async (batch) => this.#transaction(batch, (entry) => entry.statement.run(entry.params)), batching);
  }

  async enqueue(delivery: NewDelivery): Promise<void> {
    this.#assertOpen();
    await this.#enqueues.add(delivery);
  }

  async claimDue(options: ClaimOptions): Promise<DeliveryRecord[]> {
    const signing = signingFilterPairs(options.signing);
    const rows = this.#run(
      () =>
        this.#sql.claim.all({
          now: options.now,
          limit: options.limit,
          owner: options.workerId,
          lease_until: options.now + options.leaseMs,
          signing: signing === undefined ? null : JSON.stringify(signing),
        }) as DeliveryRow[],
    );
    return rows.map((row) => rowToRecord(row, this.#bodies)).sort(byNextAttempt);
  }

  async markDelivered(id: string, outcome: AttemptOutcome, now: number): Promise<void> {
    this.#assertOpen();
    await this.#outcomes.add({ statement: this.#sql.markDelivered, params: outcomeParams(id, outcome, now) });
  }

  async markRetry(id: string, outcome: AttemptOutcome, nextAttemptAt: number, now: number): Promise<void> {
    this.#assertOpen();
    const params = { ...outcomeParams(id, outcome, now), next_attempt_at: nextAttemptAt };
    await this.#outcomes.add({ statement: this.#sql.markRetry, params });
  }

  async markFailed(id: string, outcome: AttemptOutcome, now: number): Promise<void> {
    this.#assertOpen();
    await this.#outcomes.add({ statement: this.#sql.markFailed, params: outcomeParams(id, outcome, now) });
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const row = this.#run(() => this.#sql.get.get(id) as DeliveryRow | undefined);
    return row && rowToRecord(row, this.#bodies);
  }

  async list(query: ListQuery = {}): Promise<DeliveryRecord[]> {
    const limit = query.limit ?? -1;
    const rows = this.#run(
      () =>
        (query.status === undefined
          ? this.#sql.list.all({ limit })
          : this.#sql.listByStatus.all({ limit, status: query.status })) as DeliveryRow[],
    );
    return rows.map((row) => rowToRecord(row, this.#bodies));
  }

  async redrive(id: string, now: number): Promise<boolean> {
    return this.#run(() => this.#sql.redrive.run({ id, now }).changes > 0);
  }

  async prune(olderThan: number): Promise<number> {
    return this.#run(() => this.#sql.prune.run({ older_than: olderThan }).changes);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    if (this.#db.open) this.#db.close();
  }

  onEnqueue(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #insert(batch: readonly NewDelivery[]): void {
    const now = this.#now();
    this.#transaction(batch, (delivery) => {
      const signing = signingToColumns(delivery.signing);
      this.#sql.insert.run({
        id: delivery.id,
        idempotency_key: delivery.idempotencyKey,
        url: delivery.url,
        body: this.#bodies.seal(delivery.id, delivery.body),
        signing_mode: signing.mode,
        signing_ref: signing.ref,
        labels: labelsToColumn(delivery.labels),
        next_attempt_at: delivery.nextAttemptAt,
        now,
      });
    });
    for (const listener of this.#listeners) listener();
  }

  /** Runs `write` for each item, all in one transaction (a lone item needs none). */
  #transaction<T>(items: readonly T[], write: (item: T) => void): void {
    this.#run(() => {
      if (items.length === 1) write(items[0] as T);
      else this.#db.transaction(() => items.forEach(write)).immediate();
    });
  }

  #assertOpen(): void {
    if (!this.#db.open) throw new DeliveryStoreError('ADCP_STORE_CLOSED', 'the SQLite delivery store is closed');
  }

  #run<T>(operation: () => T): T {
    this.#assertOpen();
    try {
      return operation();
    } catch (error) {
      throw sqliteError(error, this.#db.name);
    }
  }
}

function prepare(db: SqliteDatabase, table: string): Statements {
  const released = 'lease_owner = NULL, lease_expires_at = NULL';
  const outcome = 'attempts = @attempts, last_http_status = @http_status, last_error_class = @error_class, updated_at = @now';
  const stillOwned = "id = @id AND (@owner IS NULL OR (status = 'in_flight' AND lease_owner = @owner))";
  const signable = `(@signing IS NULL OR EXISTS (
      SELECT 1 FROM json_each(@signing) AS f
      WHERE f.value ->> 0 = signing_mode AND f.value ->> 1 = IFNULL(signing_ref, '')))`;
  return {
    insert: db.prepare(`
      INSERT INTO ${table} (id, idempotency_key, url, body, signing_mode, signing_ref, labels, status,
                            next_attempt_at, created_at, updated_at)
      VALUES (@id, @idempotency_key, @url, @body, @signing_mode, @signing_ref, @labels, 'pending',
              @next_attempt_at, @now, @now)
      ON CONFLICT (id) DO NOTHING`),
    // Expired leases (a crashed or stalled worker) and due pending rows, each taken in due order
    // through its own partial index; the write lock of the UPDATE makes the claim atomic.
    claim: db.prepare(`
      UPDATE ${table} SET status = 'in_flight', lease_owner = @owner, lease_expires_at = @lease_until, updated_at = @now
      WHERE id IN (
        SELECT id FROM (
          SELECT id, next_attempt_at FROM (
            SELECT id, next_attempt_at FROM ${table}
            WHERE status = 'in_flight' AND lease_expires_at <= @now AND ${signable}
            ORDER BY lease_expires_at LIMIT @limit)
          UNION ALL
          SELECT id, next_attempt_at FROM (
            SELECT id, next_attempt_at FROM ${table}
            WHERE status = 'pending' AND next_attempt_at <= @now AND ${signable}
            ORDER BY next_attempt_at LIMIT @limit)
        ) ORDER BY next_attempt_at LIMIT @limit)
      RETURNING *`),
    markDelivered: db.prepare(`UPDATE ${table} SET status = 'delivered', ${outcome}, ${released} WHERE ${stillOwned}`),
    markRetry: db.prepare(
      `UPDATE ${table} SET status = 'pending', next_attempt_at = @next_attempt_at, ${outcome}, ${released} WHERE ${stillOwned}`,
    ),
    markFailed: db.prepare(`UPDATE ${table} SET status = 'failed', ${outcome}, ${released} WHERE ${stillOwned}`),
    get: db.prepare(`SELECT * FROM ${table} WHERE id = ?`),
    list: db.prepare(`SELECT * FROM ${table} ORDER BY created_at, id LIMIT @limit`),
    listByStatus: db.prepare(`SELECT * FROM ${table} WHERE status = @status ORDER BY created_at, id LIMIT @limit`),
    redrive: db.prepare(`
      UPDATE ${table} SET status = 'pending', next_attempt_at = @now, attempts = 0, updated_at = @now, ${released}
      WHERE id = @id AND status IN ('pending', 'failed')`),
    prune: db.prepare(`DELETE FROM ${table} WHERE status IN ('delivered', 'failed') AND updated_at < @older_than`),
  };
}

function outcomeParams(id: string, outcome: AttemptOutcome, now: number) {
  return {
    id,
    now,
    attempts: outcome.attempts,
    http_status: outcome.httpStatus ?? null,
    error_class: outcome.errorClass ?? null,
    owner: outcome.leaseOwner ?? null,
  };
}

/** Maps better-sqlite3's errors to a DeliveryStoreError naming the file and the cause. */
export function sqliteError(error: unknown, path: string): DeliveryStoreError {
  if (error instanceof DeliveryStoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  const where = `SQLite delivery store ${JSON.stringify(path)}`;
  switch (true) {
    case code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT':
      return new DeliveryStoreError('ADCP_STORE_NOT_A_DATABASE', `${where} is not a usable SQLite database (${detail})`, { cause: error });
    case typeof code === 'string' && code.startsWith('SQLITE_READONLY'):
      return new DeliveryStoreError('ADCP_STORE_READ_ONLY', `${where} is read-only (${detail})`, { cause: error });
    case typeof code === 'string' && code.startsWith('SQLITE_CANTOPEN'):
    case error instanceof TypeError && /directory does not exist/.test(detail):
      return new DeliveryStoreError('ADCP_STORE_CANNOT_OPEN', `${where} cannot be opened (${detail})`, { cause: error });
    case /bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/.test(detail):
      return new DeliveryStoreError('ADCP_STORE_CANNOT_OPEN', `${where}: better-sqlite3's native module could not be loaded (${detail})`, { cause: error });
    case code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED':
      return new DeliveryStoreError('ADCP_STORE_TIMEOUT', `${where} stayed locked by another writer (${detail})`, { cause: error });
    default:
      return new DeliveryStoreError('ADCP_STORE_FAILED', `${where}: ${detail}`, { cause: error });
  }
}
