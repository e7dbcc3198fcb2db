// The shared durable outbox for several replicas: one PostgreSQL table. Workers claim due rows with
// `FOR UPDATE SKIP LOCKED` and a lease with an expiry, so two replicas never hold the same row at
// once and a crashed replica's rows become due again when its lease runs out. Every enqueue sends a
// NOTIFY (in the same statement) so idle workers wake at once; polling remains the safety net.
import pg from 'pg';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { AttemptOutcome, ClaimOptions, DeliveryRecord, DeliveryStore, ListQuery, NewDelivery } from './delivery-store.js';
import { DeliveryStoreError } from './delivery-store-error.js';
import {
  DEFAULT_TABLE_PREFIX,
  asBuffer,
  assertIdentifier,
  byNextAttempt,
  labelsToColumn,
  rowToRecord,
  signingFilterPairs,
  signingToColumns,
  type DeliveryRow,
} from './delivery-row.js';
import { migratePostgres, postgresTables, type PostgresTables } from './postgres-schema.js';
import { postgresError } from './postgres-errors.js';
import { PostgresEnqueueListener } from './postgres-listener.js';

export interface PostgresDeliveryStoreOptions {
  /** Prefix of the table names (`<prefix>deliveries`); default `adcp_`. */
  readonly tablePrefix?: string;
  /** Schema holding the tables, created if missing; default: the connection's search_path. */
  readonly schema?: string;
  /** Bound on establishing a connection (or waiting for a pooled one); default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /** Bound on each statement, client and server side; default 10000 ms. */
  readonly statementTimeoutMs?: number;
  /** Connections for the worker's claims and outcomes (and inspection); default 10. */
  readonly poolSize?: number;
  /**
   * Connections reserved for `enqueue`, so the request path never queues behind a busy worker in
   * the same process; default 5.
   */
  readonly enqueuePoolSize?: number;
  /** Clock for `createdAt` of new deliveries; default `Date.now`. */
  readonly now?: () => number;
}

/** Connects, migrates and returns the outbox; rejects with DeliveryStoreError (no credentials in it). */
export async function openPostgresDeliveryStore(
  connectionString: string,
  options: PostgresDeliveryStoreOptions = {},
): Promise<PostgresDeliveryStore> {
  const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  assertIdentifier('table prefix', prefix);
  if (options.schema !== undefined) assertIdentifier('schema', options.schema);
  const tables = postgresTables(prefix, options.schema);
  const config: pg.PoolConfig = {
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    query_timeout: options.statementTimeoutMs ?? 10_000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    application_name: 'adcp-codegen outbox',
  };
  const pools = { work: newPool(config), enqueue: newPool({ ...config, max: options.enqueuePoolSize ?? 5 }) };
  let client: PoolClient | undefined;
  try {
    client = await pools.work.connect();
    await migratePostgres(client, tables, Date.now());
    client.release();
    return new PostgresDeliveryStore(pools, tables, config, options.now ?? Date.now);
  } catch (error) {
    client?.release(true);
    await Promise.all([pools.work.end(), pools.enqueue.end()]).catch(() => undefined);
    throw postgresError(error, connectionString);
  }
}

function newPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  // An idle pooled connection that the server drops emits 'error' on the pool; unhandled, it would
  // crash the process. The next query simply opens a new connection.
  pool.on('error', () => undefined);
  return pool;
}

interface Pools {
  readonly work: pg.Pool;
  readonly enqueue: pg.Pool;
}

export class PostgresDeliveryStore implements DeliveryStore {
  readonly #pools: Pools;
  readonly #sql: ReturnType<typeof statements>;
  readonly #listener: PostgresEnqueueListener;
  readonly #connectionString: string;
  readonly #now: () => number;
  #closed = false;

  constructor(pools: Pools, tables: PostgresTables, config: pg.PoolConfig, now: () => number) {
    this.#pools = pools;
    this.#now = now;
    this.#sql = statements(tables);
    this.#connectionString = config.connectionString ?? '';
    this.#listener = new PostgresEnqueueListener(config, tables.channel);
  }

  async enqueue(delivery: NewDelivery): Promise<void> {
    const signing = signingToColumns(delivery.signing);
    const values = [
      delivery.id,
      delivery.idempotencyKey,
      delivery.url,
      asBuffer(delivery.body),
      signing.mode,
      signing.ref,
      labelsToColumn(delivery.labels),
      delivery.nextAttemptAt,
      this.#now(),
    ];
    await this.#query(this.#sql.enqueue, values, this.#pools.enqueue);
  }

  async claimDue(options: ClaimOptions): Promise<DeliveryRecord[]> {
    const signing = signingFilterPairs(options.signing);
    const { rows } = await this.#query<DeliveryRow>(this.#sql.claim, [
      options.now,
      options.limit,
      options.workerId,
      options.now + options.leaseMs,
      signing?.map(([mode]) => mode) ?? null,
      signing?.map(([, ref]) => ref) ?? null,
    ]);
    return rows.map(rowToRecord).sort(byNextAttempt);
  }

  async markDelivered(id: string, outcome: AttemptOutcome, now: number): Promise<void> {
    await this.#query(this.#sql.markDelivered, outcomeValues(id, outcome, now));
  }

  async markRetry(id: string, outcome: AttemptOutcome, nextAttemptAt: number, now: number): Promise<void> {
    await this.#query(this.#sql.markRetry, [...outcomeValues(id, outcome, now), nextAttemptAt]);
  }

  async markFailed(id: string, outcome: AttemptOutcome, now: number): Promise<void> {
    await this.#query(this.#sql.markFailed, outcomeValues(id, outcome, now));
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const { rows } = await this.#query<DeliveryRow>(this.#sql.get, [id]);
    return rows[0] && rowToRecord(rows[0]);
  }

  async list(query: ListQuery = {}): Promise<DeliveryRecord[]> {
    const { rows } = await this.#query<DeliveryRow>(this.#sql.list, [query.status ?? null, query.limit ?? null]);
    return rows.map(rowToRecord);
  }

  async redrive(id: string, now: number): Promise<boolean> {
    return ((await this.#query(this.#sql.redrive, [id, now])).rowCount ?? 0) > 0;
  }

  async prune(olderThan: number): Promise<number> {
    return (await this.#query(this.#sql.prune, [olderThan])).rowCount ?? 0;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#listener.close();
    await Promise.all([this.#pools.work.end(), this.#pools.enqueue.end()]);
  }

  onEnqueue(listener: () => void): () => void {
    return this.#listener.subscribe(listener);
  }

  async #query<R extends QueryResultRow>(
    statement: pg.QueryConfig,
    values: unknown[],
    pool: pg.Pool = this.#pools.work,
  ): Promise<QueryResult<R>> {
    if (this.#closed) throw new DeliveryStoreError('closed', 'the PostgreSQL delivery store is closed');
    try {
      return await pool.query<R>({ ...statement, values });
    } catch (error) {
      throw postgresError(error, this.#connectionString);
    }
  }
}

function statements(t: PostgresTables) {
  const table = t.deliveries;
  const named = (name: string, text: string): pg.QueryConfig => ({ name: `${t.channel}_${name}`, text });
  const released = 'lease_owner = NULL, lease_expires_at = NULL';
  const outcome = 'attempts = $2, last_http_status = $3, last_error_class = $4, updated_at = $5';
  const stillOwned = "id = $1 AND ($6::text IS NULL OR (status = 'in_flight' AND lease_owner = $6))";
  const signable = `($5::text[] IS NULL OR EXISTS (
      SELECT 1 FROM unnest($5::text[], $6::text[]) AS f(mode, ref)
      WHERE f.mode = signing_mode AND f.ref = COALESCE(signing_ref, '')))`;
  return {
    // The NOTIFY rides in the same statement, and PostgreSQL delivers it only once the row commits.
    enqueue: named(
      'enqueue',
      `WITH inserted AS (
         INSERT INTO ${table} (id, idempotency_key, url, body, signing_mode, signing_ref, labels, status,
                               next_attempt_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, $9)
         ON CONFLICT (id) DO NOTHING
         RETURNING 1)
       SELECT pg_notify('${t.channel}', '') FROM inserted`,
    ),
    // Expired leases and due pending rows, each in due order through its own partial index; rows
    // another replica is claiming right now are skipped, not waited for.
    claim: named(
      'claim',
      `WITH expired AS (
         SELECT id, next_attempt_at FROM ${table}
         WHERE status = 'in_flight' AND lease_expires_at <= $1 AND ${signable}
         ORDER BY lease_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED),
       due AS (
         SELECT id, next_attempt_at FROM ${table}
         WHERE status = 'pending' AND next_attempt_at <= $1 AND ${signable}
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED),
       picked AS (
         SELECT id FROM (SELECT * FROM expired UNION ALL SELECT * FROM due) candidates
         ORDER BY next_attempt_at LIMIT $2)
       UPDATE ${table} AS d SET status = 'in_flight', lease_owner = $3, lease_expires_at = $4, updated_at = $1
       FROM picked WHERE d.id = picked.id
       RETURNING d.*`,
    ),
    markDelivered: named('delivered', `UPDATE ${table} SET status = 'delivered', ${outcome}, ${released} WHERE ${stillOwned}`),
    markRetry: named(
      'retry',
      `UPDATE ${table} SET status = 'pending', next_attempt_at = $7, ${outcome}, ${released} WHERE ${stillOwned}`,
    ),
    markFailed: named('failed', `UPDATE ${table} SET status = 'failed', ${outcome}, ${released} WHERE ${stillOwned}`),
    get: named('get', `SELECT * FROM ${table} WHERE id = $1`),
    list: named(
      'list',
      `SELECT * FROM ${table} WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at, id LIMIT $2`,
    ),
    redrive: named(
      'redrive',
      `UPDATE ${table} SET status = 'pending', next_attempt_at = $2, attempts = 0, updated_at = $2, ${released}
       WHERE id = $1 AND status IN ('pending', 'failed')`,
    ),
    prune: named(
      'prune',
      `DELETE FROM ${table} WHERE status IN ('delivered', 'failed') AND updated_at < $1`,
    ),
  };
}

function outcomeValues(id: string, outcome: AttemptOutcome, now: number): unknown[] {
  return [id, outcome.attempts, outcome.httpStatus ?? null, outcome.errorClass ?? null, now, outcome.leaseOwner ?? null];
}
