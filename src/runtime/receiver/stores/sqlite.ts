// The one-host receiver stores: a SQLite file in WAL mode that every process on the host may open.
// Each operation runs inside a `BEGIN IMMEDIATE` transaction, so processes serialize on SQLite's write
// lock and the caps and claims are exact across them; the operations of one event-loop turn share one
// transaction (group commit, see commitBatcher), and every caller is answered only after it commits. Dedup state survives a process crash (SIGKILL);
// `synchronous: 'full'` makes it survive power loss too (webhooks.mdx "Reliability": durable ≥ 24 h).
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { DedupClaim, DedupEvent, DedupToken, EventDedupStore, NonceAdmission, NonceEntry, NonceStore } from '../store-contract.js';
import { TurnBatcher } from './turn-batcher.js';
import {
  DEFAULT_RECEIVER_PREFIX,
  ReceiverStoreError,
  assertPrefix,
  closedError,
  resolveLimits,
  type NonceStoreLimits,
  type ResolvedLimits,
} from './limits.js';

/** Options of the SQLite receiver stores. */
export interface SqliteReceiverStoreOptions extends NonceStoreLimits {
  /** Prefix of the table names; default `adcp_recv_`. */
  readonly tablePrefix?: string;
  /** `normal` (default) survives a process crash; `full` also survives power loss. */
  readonly synchronous?: 'normal' | 'full';
  /** How long a write waits for another process holding the write lock; default 2000 ms. */
  readonly busyTimeoutMs?: number;
}

/** How often (in the callers' clock) expired rows are deleted outside cap pressure. */
const PURGE_INTERVAL_SECONDS = 60;

/**
 * Group commit: the operations requested in one turn of the event loop run, in request order, in
 * one `BEGIN IMMEDIATE` transaction at the end of the turn (setImmediate), and each caller's promise
 * settles only after that transaction committed. Outcomes are those of running the operations one
 * transaction each in the same order (the transaction holds the write lock for the whole batch, so
 * other processes still see them atomically); a failing batch rolls back and rejects every caller
 * (fail closed). One commit (one WAL append) then serves many webhooks.
 */
function commitBatcher<I, O>(db: SqliteDatabase, operation: (input: I) => O, before?: () => void): TurnBatcher<I, O> {
  const batch = db.transaction((inputs: readonly I[]) => {
    before?.();
    return inputs.map(operation);
  });
  return new TurnBatcher((inputs) => batch.immediate(inputs));
}

function tables(prefix: string) {
  return {
    nonces: `"${prefix}nonces"`,
    keyids: `"${prefix}nonce_keyids"`,
    totals: `"${prefix}nonce_totals"`,
    events: `"${prefix}events"`,
    migrations: `"${prefix}schema_migrations"`,
  };
}

function migrate(db: SqliteDatabase, prefix: string): void {
  const t = tables(prefix);
  const schema = `
    CREATE TABLE IF NOT EXISTS ${t.nonces} (
      keyid TEXT NOT NULL, scope TEXT NOT NULL, nonce TEXT NOT NULL, expires_at REAL NOT NULL,
      PRIMARY KEY (keyid, scope, nonce));
    CREATE INDEX IF NOT EXISTS "${prefix}nonces_expiry" ON ${t.nonces} (expires_at);
    CREATE TABLE IF NOT EXISTS ${t.keyids} (
      keyid TEXT PRIMARY KEY NOT NULL, entries INTEGER NOT NULL, latest_expiry REAL NOT NULL);
    CREATE TABLE IF NOT EXISTS ${t.totals} (id INTEGER PRIMARY KEY CHECK (id = 1), entries INTEGER NOT NULL);
    INSERT OR IGNORE INTO ${t.totals} (id, entries) VALUES (1, 0);
    CREATE TABLE IF NOT EXISTS ${t.events} (
      sender TEXT NOT NULL, idempotency_key TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('claimed', 'done')), claim_id TEXT NOT NULL, expires_at_ms REAL NOT NULL,
      PRIMARY KEY (sender, idempotency_key));
    CREATE INDEX IF NOT EXISTS "${prefix}events_expiry" ON ${t.events} (expires_at_ms);`;
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS ${t.migrations} (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)`);
    const applied = db.prepare(`SELECT 1 FROM ${t.migrations} WHERE version = 1`).get();
    if (applied !== undefined) return;
    db.exec(schema);
    db.prepare(`INSERT INTO ${t.migrations} (version, applied_at) VALUES (1, ?)`).run(Date.now());
  });
  run.immediate();
}

function openDatabase(path: string, options: SqliteReceiverStoreOptions): { db: SqliteDatabase; prefix: string } {
  const prefix = options.tablePrefix ?? DEFAULT_RECEIVER_PREFIX;
  assertPrefix(prefix);
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(path, { timeout: options.busyTimeoutMs ?? 2000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    migrate(db, prefix);
    return { db, prefix };
  } catch (error) {
    db?.close();
    throw sqliteFailure(error, path);
  }
}

function sqliteFailure(error: unknown, path: string): ReceiverStoreError {
  if (error instanceof ReceiverStoreError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new ReceiverStoreError('ADCP_RECEIVER_STORE_FAILED', `SQLite receiver store ${JSON.stringify(path)}: ${detail}`, { cause: error });
}

/**
 * Opens (creating if needed) the `(keyid, nonce)` replay cache in the SQLite file at `path`, with the
 * caps of building/by-layer/L1/security.mdx — "Webhook replay dedup sizing"; shared by every process
 * on the host that opens the same file and prefix.
 */
export function openSqliteNonceStore(path: string, options: SqliteReceiverStoreOptions = {}): SqliteNonceStore {
  const { db, prefix } = openDatabase(path, options);
  return new SqliteNonceStore(db, prefix, path, resolveLimits(options));
}

/**
 * Opens (creating if needed) the `(sender, idempotency_key)` dedup table in the SQLite file at
 * `path` (building/by-layer/L3/webhooks.mdx — "Reliability" → "Dedup by idempotency_key").
 */
export function openSqliteEventDedupStore(path: string, options: SqliteReceiverStoreOptions = {}): SqliteEventDedupStore {
  const { db, prefix } = openDatabase(path, options);
  return new SqliteEventDedupStore(db, prefix, path);
}

interface KeyidRow {
  entries: number;
  latest_expiry: number;
}

/** SQLite-backed {@link NonceStore}; see {@link openSqliteNonceStore}. */
export class SqliteNonceStore implements NonceStore {
  readonly #db: SqliteDatabase;
  readonly #path: string;
  readonly #limits: ResolvedLimits;
  readonly #sql: Record<
    'held' | 'keyid' | 'total' | 'insert' | 'revive' | 'saveKeyid' | 'addTotal' | 'purgeKeyid' | 'expiredByKeyid' | 'purgeAll' | 'subtractKeyid' | 'dropIdleKeyids',
    Statement
  >;
  readonly #admissions: TurnBatcher<NonceEntry, NonceAdmission>;
  #nextPurge = 0;
  #closed = false;

  constructor(db: SqliteDatabase, prefix: string, path: string, limits: ResolvedLimits) {
    this.#db = db;
    this.#path = path;
    this.#limits = limits;
    const t = tables(prefix);
    this.#sql = {
      held: db.prepare(`SELECT expires_at FROM ${t.nonces} WHERE keyid = ? AND scope = ? AND nonce = ?`),
      keyid: db.prepare(`SELECT entries, latest_expiry FROM ${t.keyids} WHERE keyid = ?`),
      total: db.prepare(`SELECT entries FROM ${t.totals} WHERE id = 1`),
      insert: db.prepare(`INSERT INTO ${t.nonces} (keyid, scope, nonce, expires_at) VALUES (?, ?, ?, ?)`),
      revive: db.prepare(`UPDATE ${t.nonces} SET expires_at = ? WHERE keyid = ? AND scope = ? AND nonce = ?`),
      saveKeyid: db.prepare(
        `INSERT INTO ${t.keyids} (keyid, entries, latest_expiry) VALUES (?, ?, ?)
         ON CONFLICT (keyid) DO UPDATE SET entries = excluded.entries, latest_expiry = excluded.latest_expiry`,
      ),
      addTotal: db.prepare(`UPDATE ${t.totals} SET entries = entries + ? WHERE id = 1`),
      purgeKeyid: db.prepare(`DELETE FROM ${t.nonces} WHERE keyid = ? AND expires_at <= ?`),
      expiredByKeyid: db.prepare(`SELECT keyid, count(*) AS gone FROM ${t.nonces} WHERE expires_at <= ? GROUP BY keyid`),
      purgeAll: db.prepare(`DELETE FROM ${t.nonces} WHERE expires_at <= ?`),
      subtractKeyid: db.prepare(`UPDATE ${t.keyids} SET entries = entries - ? WHERE keyid = ?`),
      dropIdleKeyids: db.prepare(`DELETE FROM ${t.keyids} WHERE entries = 0 AND latest_expiry <= ?`),
    };
    this.#admissions = commitBatcher(db, (entry: NonceEntry) => this.#admitInTransaction(entry));
  }

  async admit(entry: NonceEntry): Promise<NonceAdmission> {
    if (this.#closed) throw closedError('SQLite');
    try {
      if (entry.now >= this.#nextPurge) this.#purgeExpired(entry.now);
      return await this.#admissions.submit(entry);
    } catch (error) {
      throw sqliteFailure(error, this.#path);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#admissions.drain();
    this.#db.close();
  }

  #admitInTransaction(entry: NonceEntry): NonceAdmission {
    const { keyid, scope, nonce, expiresAt, now } = entry;
    const held = this.#sql.held.get(keyid, scope, nonce) as { expires_at: number } | undefined;
    if (held !== undefined && held.expires_at > now) return { outcome: 'replayed' };
    const counts = (this.#sql.keyid.get(keyid) as KeyidRow | undefined) ?? { entries: 0, latest_expiry: Number.NEGATIVE_INFINITY };
    if (held === undefined) {
      const full = this.#capReached(keyid, counts, now);
      if (full !== undefined) return { outcome: 'rate_abuse', cap: full };
      this.#sql.insert.run(keyid, scope, nonce, expiresAt);
      this.#sql.addTotal.run(1);
      counts.entries += 1;
    } else {
      this.#sql.revive.run(expiresAt, keyid, scope, nonce);
    }
    const newKeyid = counts.latest_expiry <= now;
    this.#sql.saveKeyid.run(keyid, counts.entries, Math.max(counts.latest_expiry, expiresAt));
    return { outcome: 'admitted', newKeyid };
  }

  /** Which cap a new entry would exceed once expired entries are deleted; updates `counts` in place. */
  #capReached(keyid: string, counts: KeyidRow, now: number): 'per_keyid' | 'aggregate' | undefined {
    if (counts.entries >= this.#limits.perKeyidCap) {
      const gone = this.#sql.purgeKeyid.run(keyid, now).changes;
      counts.entries -= gone;
      this.#sql.addTotal.run(-gone);
      this.#sql.saveKeyid.run(keyid, counts.entries, counts.latest_expiry);
      if (counts.entries >= this.#limits.perKeyidCap) return 'per_keyid';
    }
    if (this.#total() >= this.#limits.aggregateCap) {
      this.#purgeExpiredInTransaction(now);
      counts.entries = (this.#sql.keyid.get(keyid) as KeyidRow | undefined)?.entries ?? 0;
      if (this.#total() >= this.#limits.aggregateCap) return 'aggregate';
    }
    return undefined;
  }

  #total(): number {
    return (this.#sql.total.get() as { entries: number }).entries;
  }

  #purgeExpired(now: number): void {
    this.#nextPurge = now + PURGE_INTERVAL_SECONDS;
    this.#db.transaction(() => this.#purgeExpiredInTransaction(now)).immediate();
  }

  #purgeExpiredInTransaction(now: number): void {
    const expired = this.#sql.expiredByKeyid.all(now) as Array<{ keyid: string; gone: number }>;
    if (expired.length === 0) return;
    let total = 0;
    for (const { keyid, gone } of expired) {
      this.#sql.subtractKeyid.run(gone, keyid);
      total += gone;
    }
    this.#sql.purgeAll.run(now);
    this.#sql.addTotal.run(-total);
    this.#sql.dropIdleKeyids.run(now);
  }
}

/** SQLite-backed {@link EventDedupStore}; see {@link openSqliteEventDedupStore}. */
export class SqliteEventDedupStore implements EventDedupStore {
  readonly #db: SqliteDatabase;
  readonly #path: string;
  readonly #sql: Record<'claim' | 'state' | 'complete' | 'release' | 'purge', Statement>;
  readonly #claims: TurnBatcher<DedupEvent & { readonly claimId: string }, DedupClaim>;
  readonly #completions: TurnBatcher<{ readonly claim: DedupToken; readonly retainUntilMs: number }, void>;
  #nextPurge = 0;
  #closed = false;

  constructor(db: SqliteDatabase, prefix: string, path: string) {
    this.#db = db;
    this.#path = path;
    const t = tables(prefix);
    this.#sql = {
      // Takes the event when it is unknown, or its previous claim or retention has run out.
      claim: db.prepare(
        `INSERT INTO ${t.events} (sender, idempotency_key, state, claim_id, expires_at_ms) VALUES (?, ?, 'claimed', ?, ?)
         ON CONFLICT (sender, idempotency_key) DO UPDATE
           SET state = 'claimed', claim_id = excluded.claim_id, expires_at_ms = excluded.expires_at_ms
           WHERE ${t.events}.expires_at_ms <= ?`,
      ),
      state: db.prepare(`SELECT state FROM ${t.events} WHERE sender = ? AND idempotency_key = ?`),
      complete: db.prepare(
        `UPDATE ${t.events} SET state = 'done', expires_at_ms = ?
         WHERE sender = ? AND idempotency_key = ? AND claim_id = ? AND state = 'claimed'`,
      ),
      release: db.prepare(`DELETE FROM ${t.events} WHERE sender = ? AND idempotency_key = ? AND claim_id = ? AND state = 'claimed'`),
      purge: db.prepare(`DELETE FROM ${t.events} WHERE expires_at_ms <= ?`),
    };
    this.#claims = commitBatcher(db, (event: DedupEvent & { readonly claimId: string }) => this.#beginInTransaction(event, event.claimId));
    this.#completions = commitBatcher(db, ({ claim, retainUntilMs }: { readonly claim: DedupToken; readonly retainUntilMs: number }) => {
      this.#sql.complete.run(retainUntilMs, claim.sender, claim.idempotencyKey, claim.claimId);
    });
  }

  async begin(event: DedupEvent): Promise<DedupClaim> {
    const claimed = this.#run(() => {
      if (event.nowMs >= this.#nextPurge) {
        this.#nextPurge = event.nowMs + PURGE_INTERVAL_SECONDS * 1000;
        this.#sql.purge.run(event.nowMs);
      }
      return this.#claims.submit({ ...event, claimId: randomUUID() });
    });
    return this.#settled(claimed);
  }

  async complete(claim: DedupToken, retainUntilMs: number): Promise<void> {
    await this.#settled(this.#run(() => this.#completions.submit({ claim, retainUntilMs })));
  }

  async release(claim: DedupToken): Promise<void> {
    this.#run(() => this.#sql.release.run(claim.sender, claim.idempotencyKey, claim.claimId));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#claims.drain();
    this.#completions.drain();
    this.#db.close();
  }

  /** A batched operation's failure, named like every other failure of this store. */
  async #settled<T>(pending: Promise<T>): Promise<T> {
    try {
      return await pending;
    } catch (error) {
      throw sqliteFailure(error, this.#path);
    }
  }

  #beginInTransaction(event: DedupEvent, claimId: string): DedupClaim {
    const { sender, idempotencyKey, nowMs, leaseMs } = event;
    const taken = this.#sql.claim.run(sender, idempotencyKey, claimId, nowMs + leaseMs, nowMs).changes === 1;
    if (taken) return { outcome: 'claimed', token: { sender, idempotencyKey, claimId } };
    const row = this.#sql.state.get(sender, idempotencyKey) as { state: string };
    return row.state === 'done' ? { outcome: 'duplicate' } : { outcome: 'in_progress' };
  }

  #run<T>(operation: () => T): T {
    if (this.#closed) throw closedError('SQLite');
    try {
      return operation();
    } catch (error) {
      throw sqliteFailure(error, this.#path);
    }
  }
}
