// The fleet receiver stores on PostgreSQL. A replay admission is one call of a PL/pgSQL function, so
// the lookup, both cap checks and the insert are one transaction: concurrent callers serialize on the
// entry's unique key and on the keyid's and the aggregate's counter rows, and the caps are exact
// (security.mdx "Webhook replay dedup sizing": the step-13 insert is atomic with the cap check). The
// admissions of one event-loop turn go out as one statement calling the function once per entry.
// A dedup claim is one `INSERT … ON CONFLICT DO UPDATE … WHERE the previous claim lapsed`; the claims
// and completions of one event-loop turn go to the server as one multi-row statement each.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PoolClient } from 'pg';
import { postgresError } from '../../store/postgres-errors.js';
import type { DedupClaim, DedupEvent, DedupToken, EventDedupStore, NonceAdmission, NonceEntry, NonceStore } from '../store-contract.js';
import {
  DEFAULT_RECEIVER_PREFIX,
  ReceiverStoreError,
  assertPrefix,
  closedError,
  resolveLimits,
  type NonceStoreLimits,
  type ResolvedLimits,
} from './limits.js';
import { TurnBatcher } from './turn-batcher.js';
import { admissionOf } from './limits.js';

/** Options of the PostgreSQL receiver stores. */
export interface PostgresReceiverStoreOptions extends NonceStoreLimits {
  /** Prefix of the table and function names; default `adcp_recv_`. */
  readonly tablePrefix?: string;
  /** Connections in the pool; default 10. */
  readonly poolSize?: number;
  /** Bound on establishing a connection (or waiting for a pooled one); default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Bound on each statement, client and server side; default 10000 ms. */
  readonly statementTimeoutMs?: number;
}

/** How often (in the callers' clock) expired rows are deleted outside cap pressure. */
const PURGE_INTERVAL_SECONDS = 60;
/** PostgreSQL aborts one side of a deadlock (40P01); the admission is then simply run again. */
const DEADLOCK_RETRIES = 3;

function names(prefix: string) {
  return {
    nonces: `"${prefix}nonces"`,
    keyids: `"${prefix}nonce_keyids"`,
    totals: `"${prefix}nonce_totals"`,
    events: `"${prefix}events"`,
    migrations: `"${prefix}schema_migrations"`,
    admit: `"${prefix}nonce_admit"`,
    purge: `"${prefix}nonce_purge"`,
    migrationLock: `adcp-codegen receiver migration ${prefix}`,
    purgeLock: `adcp-codegen receiver purge ${prefix}`,
  };
}

type Names = ReturnType<typeof names>;

function schemaSql(n: Names, prefix: string): string {
  return `
    CREATE TABLE IF NOT EXISTS ${n.nonces} (
      keyid text NOT NULL, scope text NOT NULL, nonce text NOT NULL, expires_at double precision NOT NULL,
      PRIMARY KEY (keyid, scope, nonce));
    CREATE INDEX IF NOT EXISTS "${prefix}nonces_expiry" ON ${n.nonces} (expires_at);
    CREATE TABLE IF NOT EXISTS ${n.keyids} (
      keyid text PRIMARY KEY, entries bigint NOT NULL, latest_expiry double precision NOT NULL);
    CREATE TABLE IF NOT EXISTS ${n.totals} (id integer PRIMARY KEY CHECK (id = 1), entries bigint NOT NULL);
    INSERT INTO ${n.totals} (id, entries) VALUES (1, 0) ON CONFLICT DO NOTHING;
    CREATE TABLE IF NOT EXISTS ${n.events} (
      sender text NOT NULL, idempotency_key text NOT NULL,
      state text NOT NULL CHECK (state IN ('claimed', 'done')), claim_id text NOT NULL, expires_at_ms double precision NOT NULL,
      PRIMARY KEY (sender, idempotency_key));
    CREATE INDEX IF NOT EXISTS "${prefix}events_expiry" ON ${n.events} (expires_at_ms);

    -- 'replayed' | 'per_keyid' | 'aggregate' | 'new' (admitted, first live entry of the keyid) | 'admitted'.
    -- Lock order: the entry, the keyid's counter row, then the aggregate row.
    CREATE OR REPLACE FUNCTION ${n.admit}(
      p_keyid text, p_scope text, p_nonce text, p_expires double precision, p_now double precision,
      p_keyid_cap bigint, p_total_cap bigint) RETURNS text LANGUAGE plpgsql AS $fn$
    DECLARE
      v_fresh boolean;
      v_entries bigint;
      v_latest double precision;
      v_gone bigint := 0;
    BEGIN
      -- A live entry is a replay; an expired one under the same key is reused in place (still counted).
      INSERT INTO ${n.nonces} AS held (keyid, scope, nonce, expires_at) VALUES (p_keyid, p_scope, p_nonce, p_expires)
        ON CONFLICT (keyid, scope, nonce) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE held.expires_at <= p_now
        RETURNING (xmax = 0) INTO v_fresh;
      IF NOT FOUND THEN RETURN 'replayed'; END IF;

      INSERT INTO ${n.keyids} AS k (keyid, entries, latest_expiry) VALUES (p_keyid, 0, '-infinity')
        ON CONFLICT (keyid) DO UPDATE SET entries = k.entries
        RETURNING k.entries, k.latest_expiry INTO v_entries, v_latest;

      IF v_fresh AND v_entries >= p_keyid_cap THEN
        DELETE FROM ${n.nonces}
          WHERE keyid = p_keyid AND expires_at <= p_now AND NOT (scope = p_scope AND nonce = p_nonce);
        GET DIAGNOSTICS v_gone = ROW_COUNT;
        v_entries := v_entries - v_gone;
      END IF;
      IF v_fresh AND v_entries >= p_keyid_cap THEN
        DELETE FROM ${n.nonces} WHERE keyid = p_keyid AND scope = p_scope AND nonce = p_nonce;
        UPDATE ${n.keyids} SET entries = v_entries WHERE keyid = p_keyid;
        UPDATE ${n.totals} SET entries = entries - v_gone WHERE id = 1 AND v_gone > 0;
        RETURN 'per_keyid';
      END IF;

      IF v_fresh THEN
        UPDATE ${n.totals} SET entries = entries - v_gone + 1 WHERE id = 1 AND entries - v_gone < p_total_cap;
        IF NOT FOUND THEN
          DELETE FROM ${n.nonces} WHERE keyid = p_keyid AND scope = p_scope AND nonce = p_nonce;
          UPDATE ${n.keyids} SET entries = v_entries WHERE keyid = p_keyid;
          UPDATE ${n.totals} SET entries = entries - v_gone WHERE id = 1 AND v_gone > 0;
          RETURN 'aggregate';
        END IF;
        v_entries := v_entries + 1;
      END IF;

      UPDATE ${n.keyids} SET entries = v_entries, latest_expiry = greatest(v_latest, p_expires) WHERE keyid = p_keyid;
      RETURN CASE WHEN v_latest <= p_now THEN 'new' ELSE 'admitted' END;
    END $fn$;

    -- Deletes every expired entry and corrects the counters; one purge at a time across the fleet.
    CREATE OR REPLACE FUNCTION ${n.purge}(p_now double precision, p_wait boolean) RETURNS bigint LANGUAGE plpgsql AS $fn$
    DECLARE
      v_total bigint;
    BEGIN
      IF p_wait THEN
        PERFORM pg_advisory_xact_lock(hashtext('${n.purgeLock}'));
      ELSIF NOT pg_try_advisory_xact_lock(hashtext('${n.purgeLock}')) THEN
        RETURN 0;
      END IF;
      WITH gone AS (DELETE FROM ${n.nonces} WHERE expires_at <= p_now RETURNING keyid),
           per_keyid AS (SELECT keyid, count(*) AS c FROM gone GROUP BY keyid),
           corrected AS (
             UPDATE ${n.keyids} AS k SET entries = k.entries - per_keyid.c FROM per_keyid
             WHERE k.keyid = per_keyid.keyid RETURNING per_keyid.c)
      SELECT coalesce(sum(c), 0) INTO v_total FROM corrected;
      UPDATE ${n.totals} SET entries = entries - v_total WHERE id = 1 AND v_total > 0;
      DELETE FROM ${n.keyids} WHERE entries = 0 AND latest_expiry <= p_now;
      RETURN v_total;
    END $fn$;`;
}

async function migrate(client: PoolClient, n: Names, prefix: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [n.migrationLock]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${n.migrations} (version integer PRIMARY KEY, applied_at bigint NOT NULL)`);
    const applied = await client.query(`SELECT 1 FROM ${n.migrations} WHERE version = 1`);
    if (applied.rowCount === 0) {
      await client.query(schemaSql(n, prefix));
      await client.query(`INSERT INTO ${n.migrations} (version, applied_at) VALUES (1, $1)`, [Date.now()]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function openPool(connectionString: string, options: PostgresReceiverStoreOptions): Promise<{ pool: pg.Pool; n: Names }> {
  const prefix = options.tablePrefix ?? DEFAULT_RECEIVER_PREFIX;
  assertPrefix(prefix);
  const n = names(prefix);
  const timeout = options.statementTimeoutMs ?? 10_000;
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    query_timeout: timeout,
    statement_timeout: timeout,
    application_name: 'adcp-codegen receiver',
  });
  // An idle pooled connection the server drops emits 'error' on the pool; the next query reconnects.
  pool.on('error', () => undefined);
  let client: PoolClient | undefined;
  try {
    client = await pool.connect();
    await migrate(client, n, prefix);
    client.release();
    return { pool, n };
  } catch (error) {
    client?.release(true);
    await pool.end().catch(() => undefined);
    throw pgFailure(error, connectionString);
  }
}

/** Names the cause without the user, password or query of the connection string. */
function pgFailure(error: unknown, connectionString: string): ReceiverStoreError {
  if (error instanceof ReceiverStoreError) return error;
  const described = postgresError(error, connectionString);
  const message = described.message.replace('PostgreSQL delivery store', 'PostgreSQL receiver store');
  const code = described.code === 'ADCP_STORE_CLOSED' ? 'ADCP_RECEIVER_STORE_CLOSED' : 'ADCP_RECEIVER_STORE_FAILED';
  return new ReceiverStoreError(code, message, { cause: error });
}

/**
 * Connects to PostgreSQL, creates the replay-cache tables if missing and returns a
 * {@link NonceStore} every process of a fleet can share (building/by-layer/L1/security.mdx —
 * "Cross-endpoint scoping", option 1; caps per "Webhook replay dedup sizing").
 */
export async function openPostgresNonceStore(connectionString: string, options: PostgresReceiverStoreOptions = {}): Promise<PostgresNonceStore> {
  const { pool, n } = await openPool(connectionString, options);
  return new PostgresNonceStore(pool, n, connectionString, resolveLimits(options));
}

/**
 * Connects to PostgreSQL, creates the dedup table if missing and returns an {@link EventDedupStore}
 * every process of a fleet can share, durable across restarts (building/by-layer/L3/webhooks.mdx —
 * "Reliability" → "Dedup by idempotency_key").
 */
export async function openPostgresEventDedupStore(
  connectionString: string,
  options: PostgresReceiverStoreOptions = {},
): Promise<PostgresEventDedupStore> {
  const { pool, n } = await openPool(connectionString, options);
  return new PostgresEventDedupStore(pool, n, connectionString);
}

/** PostgreSQL-backed {@link NonceStore}; see {@link openPostgresNonceStore}. */
export class PostgresNonceStore implements NonceStore {
  readonly #pool: pg.Pool;
  readonly #n: Names;
  readonly #connectionString: string;
  readonly #limits: ResolvedLimits;
  readonly #admissions: TurnBatcher<NonceEntry, NonceAdmission>;
  #nextPurge = 0;
  #closed = false;

  constructor(pool: pg.Pool, n: Names, connectionString: string, limits: ResolvedLimits) {
    this.#pool = pool;
    this.#n = n;
    this.#connectionString = connectionString;
    this.#limits = limits;
    this.#admissions = new TurnBatcher((entries) => this.#admitBatch(entries));
  }

  async admit(entry: NonceEntry): Promise<NonceAdmission> {
    if (this.#closed) throw closedError('PostgreSQL');
    try {
      if (entry.now >= this.#nextPurge) this.#purgeInBackground(entry.now);
      const first = await this.#admissions.submit(entry);
      if (first.outcome !== 'rate_abuse' || first.cap !== 'aggregate') return first;
      // The aggregate counter still counts expired entries of other keyids until a purge drops them.
      await this.#pool.query(`SELECT ${this.#n.purge}($1, true)`, [entry.now]);
      return await this.#admitOnce(entry);
    } catch (error) {
      throw pgFailure(error, this.#connectionString);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  async #admitOnce(entry: NonceEntry, attempt = 1): Promise<NonceAdmission> {
    const { keyid, scope, nonce, expiresAt, now } = entry;
    try {
      const { rows } = await this.#pool.query<{ outcome: string }>(
        `SELECT ${this.#n.admit}($1, $2, $3, $4, $5, $6, $7) AS outcome`,
        [keyid, scope, nonce, expiresAt, now, this.#limits.perKeyidCap, this.#limits.aggregateCap],
      );
      return admissionOf(rows[0]?.outcome);
    } catch (error) {
      if ((error as { code?: unknown }).code === '40P01' && attempt < DEADLOCK_RETRIES) return this.#admitOnce(entry, attempt + 1);
      throw error;
    }
  }

  /**
   * Admits a batch with one statement calling the admission function once per entry, in key order,
   * inside the statement's single transaction (each call sees the ones before it, as if serialized).
   * A repeated entry waits for a later statement. Should PostgreSQL abort the batch as one side of a
   * deadlock (40P01: another process's batch holds a keyid's counter row while this one holds an entry
   * it needs — a nonce replayed to two processes at once), the entries are admitted one by one.
   */
  async #admitBatch(entries: readonly NonceEntry[]): Promise<NonceAdmission[]> {
    if (entries.length === 1) return [await this.#admitOnce(entries[0] as NonceEntry)];
    const outcomes: NonceAdmission[] = new Array(entries.length);
    let pending = entries.map((_, index) => index);
    while (pending.length > 0) {
      const seen = new Set<string>();
      const group: number[] = [];
      const later: number[] = [];
      for (const index of pending) {
        const entry = entries[index] as NonceEntry;
        const key = `${entry.keyid}\u0000${entry.scope}\u0000${entry.nonce}`;
        if (seen.has(key)) later.push(index);
        else {
          seen.add(key);
          group.push(index);
        }
      }
      group.sort((a, b) => compareEntries(entries[a] as NonceEntry, entries[b] as NonceEntry));
      await this.#admitGroup(entries, group, outcomes);
      pending = later;
    }
    return outcomes;
  }

  async #admitGroup(entries: readonly NonceEntry[], group: readonly number[], outcomes: NonceAdmission[]): Promise<void> {
    const rows = group.map((index) => entries[index] as NonceEntry);
    try {
      const { rows: answers } = await this.#pool.query<{ ord: string; outcome: string }>(
        `SELECT t.ord, ${this.#n.admit}(t.keyid, t.scope, t.nonce, t.expires_at, t.now, $6, $7) AS outcome
           FROM unnest($1::text[], $2::text[], $3::text[], $4::double precision[], $5::double precision[]) WITH ORDINALITY
             AS t(keyid, scope, nonce, expires_at, now, ord)
          ORDER BY t.ord`,
        [
          rows.map((entry) => entry.keyid),
          rows.map((entry) => entry.scope),
          rows.map((entry) => entry.nonce),
          rows.map((entry) => entry.expiresAt),
          rows.map((entry) => entry.now),
          this.#limits.perKeyidCap,
          this.#limits.aggregateCap,
        ],
      );
      if (answers.length !== group.length) throw new ReceiverStoreError('ADCP_RECEIVER_STORE_FAILED', 'the batched admission answered a different number of rows');
      for (const answer of answers) outcomes[group[Number(answer.ord) - 1] as number] = admissionOf(answer.outcome);
    } catch (error) {
      if ((error as { code?: unknown }).code !== '40P01') throw error;
      for (const index of group) outcomes[index] = await this.#admitOnce(entries[index] as NonceEntry);
    }
  }

  #purgeInBackground(now: number): void {
    this.#nextPurge = now + PURGE_INTERVAL_SECONDS;
    this.#pool.query(`SELECT ${this.#n.purge}($1, false)`, [now]).catch(() => undefined);
  }
}

/** PostgreSQL-backed {@link EventDedupStore}; see {@link openPostgresEventDedupStore}. */
export class PostgresEventDedupStore implements EventDedupStore {
  readonly #pool: pg.Pool;
  readonly #n: Names;
  readonly #connectionString: string;
  readonly #claims: TurnBatcher<DedupEvent, DedupClaim>;
  readonly #completions: TurnBatcher<{ readonly claim: DedupToken; readonly retainUntilMs: number }, void>;
  #nextPurge = 0;
  #closed = false;

  constructor(pool: pg.Pool, n: Names, connectionString: string) {
    this.#pool = pool;
    this.#n = n;
    this.#connectionString = connectionString;
    this.#claims = new TurnBatcher((events) => this.#claimBatch(events));
    this.#completions = new TurnBatcher((completions) => this.#completeBatch(completions));
  }

  async begin(event: DedupEvent): Promise<DedupClaim> {
    return this.#run(async () => {
      if (event.nowMs >= this.#nextPurge) this.#purgeInBackground(event.nowMs);
      return this.#claims.submit(event);
    });
  }

  async complete(claim: DedupToken, retainUntilMs: number): Promise<void> {
    await this.#run(() => this.#completions.submit({ claim, retainUntilMs }));
  }

  async release(claim: DedupToken): Promise<void> {
    await this.#run(() =>
      this.#pool.query(
        `DELETE FROM ${this.#n.events} WHERE sender = $1 AND idempotency_key = $2 AND claim_id = $3 AND state = 'claimed'`,
        [claim.sender, claim.idempotencyKey, claim.claimId],
      ),
    );
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  /**
   * Claims a batch: one multi-row `INSERT … ON CONFLICT DO UPDATE … WHERE the previous claim lapsed`
   * per group of distinct events with one `now`, rows in key order (so concurrent batches of other
   * processes lock the same rows in the same order and cannot deadlock), then one `SELECT` of the
   * state of the events it did not take.
   */
  async #claimBatch(events: readonly DedupEvent[]): Promise<DedupClaim[]> {
    const outcomes: Array<DedupClaim | undefined> = new Array(events.length);
    let pending = events.map((_, index) => index);
    while (pending.length > 0) {
      const group = distinctGroup(events, pending);
      pending = pending.filter((index) => !group.includes(index));
      const retry = await this.#claimGroup(events, group, outcomes);
      pending = [...retry, ...pending];
    }
    return outcomes as DedupClaim[];
  }

  /** Claims `group` (distinct events, one `nowMs`); answers the indexes to run again. */
  async #claimGroup(events: readonly DedupEvent[], group: readonly number[], outcomes: Array<DedupClaim | undefined>): Promise<number[]> {
    const ordered = [...group].sort((a, b) => compareKeys(events[a] as DedupEvent, events[b] as DedupEvent));
    const rows = ordered.map((index) => ({ event: events[index] as DedupEvent, index, claimId: randomUUID() }));
    const nowMs = rows[0]?.event.nowMs ?? 0;
    const claimed = await this.#pool.query<{ sender: string; idempotency_key: string }>(
      `INSERT INTO ${this.#n.events} AS e (sender, idempotency_key, state, claim_id, expires_at_ms)
       SELECT t.sender, t.idempotency_key, 'claimed', t.claim_id, t.expires_at_ms
         FROM unnest($1::text[], $2::text[], $3::text[], $4::double precision[]) WITH ORDINALITY
           AS t(sender, idempotency_key, claim_id, expires_at_ms, ord)
        ORDER BY t.ord
       ON CONFLICT (sender, idempotency_key) DO UPDATE
         SET state = 'claimed', claim_id = EXCLUDED.claim_id, expires_at_ms = EXCLUDED.expires_at_ms
         WHERE e.expires_at_ms <= $5
       RETURNING e.sender, e.idempotency_key`,
      [
        rows.map((row) => row.event.sender),
        rows.map((row) => row.event.idempotencyKey),
        rows.map((row) => row.claimId),
        rows.map((row) => row.event.nowMs + row.event.leaseMs),
        nowMs,
      ],
    );
    const taken = new Set(claimed.rows.map((row) => eventKey(row.sender, row.idempotency_key)));
    const others = rows.filter((row) => !taken.has(eventKey(row.event.sender, row.event.idempotencyKey)));
    for (const row of rows) {
      if (taken.has(eventKey(row.event.sender, row.event.idempotencyKey))) {
        outcomes[row.index] = { outcome: 'claimed', token: { sender: row.event.sender, idempotencyKey: row.event.idempotencyKey, claimId: row.claimId } };
      }
    }
    if (others.length === 0) return [];
    const states = await this.#pool.query<{ sender: string; idempotency_key: string; state: string }>(
      `SELECT e.sender, e.idempotency_key, e.state FROM ${this.#n.events} AS e
         JOIN unnest($1::text[], $2::text[]) AS t(sender, idempotency_key)
           ON e.sender = t.sender AND e.idempotency_key = t.idempotency_key`,
      [others.map((row) => row.event.sender), others.map((row) => row.event.idempotencyKey)],
    );
    const stateOf = new Map(states.rows.map((row) => [eventKey(row.sender, row.idempotency_key), row.state]));
    const retry: number[] = [];
    for (const row of others) {
      const state = stateOf.get(eventKey(row.event.sender, row.event.idempotencyKey));
      // Gone between the two statements (released, or purged as lapsed): the event is free again.
      if (state === undefined) retry.push(row.index);
      else outcomes[row.index] = state === 'done' ? { outcome: 'duplicate' } : { outcome: 'in_progress' };
    }
    return retry;
  }

  /** Marks a batch of claims done in one `UPDATE … FROM unnest(…)`; a lapsed or foreign claim matches no row. */
  async #completeBatch(completions: readonly { readonly claim: DedupToken; readonly retainUntilMs: number }[]): Promise<void[]> {
    await this.#pool.query(
      `UPDATE ${this.#n.events} AS e SET state = 'done', expires_at_ms = t.retain_until_ms
         FROM unnest($1::text[], $2::text[], $3::text[], $4::double precision[]) AS t(sender, idempotency_key, claim_id, retain_until_ms)
        WHERE e.sender = t.sender AND e.idempotency_key = t.idempotency_key AND e.claim_id = t.claim_id AND e.state = 'claimed'`,
      [
        completions.map((entry) => entry.claim.sender),
        completions.map((entry) => entry.claim.idempotencyKey),
        completions.map((entry) => entry.claim.claimId),
        completions.map((entry) => entry.retainUntilMs),
      ],
    );
    return completions.map(() => undefined);
  }

  #purgeInBackground(nowMs: number): void {
    this.#nextPurge = nowMs + PURGE_INTERVAL_SECONDS * 1000;
    this.#pool.query(`DELETE FROM ${this.#n.events} WHERE expires_at_ms <= $1`, [nowMs]).catch(() => undefined);
  }

  async #run<T>(operation: () => Promise<T>): Promise<T> {
    if (this.#closed) throw closedError('PostgreSQL');
    try {
      return await operation();
    } catch (error) {
      throw pgFailure(error, this.#connectionString);
    }
  }
}

function compareEntries(a: NonceEntry, b: NonceEntry): number {
  for (const [x, y] of [[a.keyid, b.keyid], [a.scope, b.scope], [a.nonce, b.nonce]] as const) {
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function eventKey(sender: string, idempotencyKey: string): string {
  return `${sender}\u0000${idempotencyKey}`;
}

function compareKeys(a: DedupEvent, b: DedupEvent): number {
  if (a.sender !== b.sender) return a.sender < b.sender ? -1 : 1;
  return a.idempotencyKey < b.idempotencyKey ? -1 : a.idempotencyKey > b.idempotencyKey ? 1 : 0;
}

/** The first pending events, in order, that are distinct and share the first one's `nowMs`. */
function distinctGroup(events: readonly DedupEvent[], pending: readonly number[]): number[] {
  const first = events[pending[0] as number] as DedupEvent;
  const seen = new Set<string>();
  const group: number[] = [];
  for (const index of pending) {
    const event = events[index] as DedupEvent;
    const key = eventKey(event.sender, event.idempotencyKey);
    if (event.nowMs !== first.nowMs || seen.has(key)) continue;
    seen.add(key);
    group.push(index);
  }
  return group;
}
