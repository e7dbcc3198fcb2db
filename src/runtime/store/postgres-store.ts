// The shared durable outbox for several replicas: one PostgreSQL table. Workers claim due rows with
// `FOR UPDATE SKIP LOCKED` and a lease with an expiry, so two replicas never hold the same row at
// once and a crashed replica's rows become due again when its lease runs out. Every enqueue sends a
// NOTIFY (in the same statement) so idle workers wake at once; polling remains the safety net.
// Concurrent enqueues (and, separately, concurrent outcomes) share one statement and one commit.
//
// Durability: an enqueue commits synchronously (the row is on disk before `enqueue` resolves). Claims,
// outcomes and operations commit asynchronously (synchronous_commit=off on their connections): a
// crash of the database server itself can lose the last few hundred milliseconds of them, which only
// makes those deliveries due again — a possible second delivery, never a lost one, and the receiver
// dedupes by idempotency_key. (A connection string with its own `options` parameter replaces this
// setting, and then every commit is synchronous.)
import pg from 'pg';
import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { AttemptOutcome, ClaimOptions, DeliveryRecord, DeliveryStore, ListQuery, NewDelivery } from './delivery-store.js';
import { DeliveryStoreError, describeStoreUrl } from './delivery-store-error.js';
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
import { migratePostgres, postgresTables, type PostgresTables } from './postgres-schema.js';
import { postgresStatements, type PostgresStatements } from './postgres-statements.js';
import type { PostgresDeliveryStoreOptions } from './store-options.js';
import { bodyCodecFor, plainBodies, type BodyCodec } from './body-encryption.js';
import { WriteBatcher } from './write-batcher.js';
import { postgresError } from './postgres-errors.js';
import { PostgresEnqueueListener } from './postgres-listener.js';


export type { PostgresDeliveryStoreOptions };

/** Connects, migrates and returns the outbox; rejects with DeliveryStoreError (no credentials in it). */
export async function openPostgresDeliveryStore(
  connectionString: string,
  options: PostgresDeliveryStoreOptions = {},
): Promise<PostgresDeliveryStore> {
  const prefix = options.tablePrefix ?? DEFAULT_TABLE_PREFIX;
  assertIdentifier('table prefix', prefix);
  if (options.schema !== undefined) assertIdentifier('schema', options.schema);
  const bodies = bodyCodecFor(options.bodyEncryption);
  const tables = postgresTables(prefix, options.schema);
  const config: pg.PoolConfig = {
    connectionString,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    query_timeout: options.statementTimeoutMs ?? 10_000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    application_name: 'adcp-codegen outbox',
  };
  const enqueuePoolSize = options.enqueuePoolSize ?? 2;
  const pools = {
    // Claims and outcomes commit without waiting for the WAL flush (see the header); enqueues do wait.
    work: newPool({ ...config, options: '-c synchronous_commit=off' }),
    enqueue: newPool({ ...config, max: enqueuePoolSize }),
  };
  let client: PoolClient | undefined;
  try {
    client = await pools.work.connect();
    if (options.tablesMustExist === true) await assertTablesExist(client, tables, connectionString);
    await migratePostgres(client, tables, Date.now());
    client.release();
    return new PostgresDeliveryStore(pools, tables, config, options.now ?? Date.now, enqueuePoolSize, bodies);
  } catch (error) {
    client?.release(true);
    await Promise.all([pools.work.end(), pools.enqueue.end()]).catch(() => undefined);
    throw postgresError(error, connectionString);
  }
}

async function assertTablesExist(client: PoolClient, tables: PostgresTables, connectionString: string): Promise<void> {
  const found = await client.query<{ table: string | null }>('SELECT to_regclass($1)::text AS table', [tables.deliveries]);
  if (found.rows[0]?.table != null) return;
  throw new DeliveryStoreError(
    'ADCP_STORE_CANNOT_OPEN',
    `PostgreSQL delivery store ${describeStoreUrl(connectionString)} has no outbox table ${tables.deliveries}`,
  );
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
  readonly #sql: PostgresStatements;
  readonly #listener: PostgresEnqueueListener;
  readonly #connectionString: string;
  readonly #now: () => number;
  readonly #bodies: BodyCodec;
  readonly #enqueues: WriteBatcher<NewDelivery>;
  readonly #outcomes: WriteBatcher<Outcome>;
  #closed = false;

  constructor(pools: Pools, tables: PostgresTables, config: pg.PoolConfig, now: () => number, enqueuePoolSize: number, bodies: BodyCodec = plainBodies) {
    this.#pools = pools;
    this.#bodies = bodies;
    this.#now = now;
    this.#sql = postgresStatements(tables);
    this.#connectionString = config.connectionString ?? '';
    this.#listener = new PostgresEnqueueListener(config, tables.channel);
    this.#enqueues = new WriteBatcher((batch) => this.#insert(batch), { maxInFlight: enqueuePoolSize, maxBatch: 500 });
    // Outcomes commit without waiting for a flush, so one statement in flight keeps up; each extra
    // one would only split the same rows into more round trips, and under load every statement
    // costs far more CPU (socket write, bind, parse, commit) than the rows it carries.
    this.#outcomes = new WriteBatcher((batch) => this.#settle(batch), { maxInFlight: 1, maxBatch: 500 });
  }

  async enqueue(delivery: NewDelivery): Promise<void> {
    this.#assertOpen();
    return this.#enqueues.add(delivery);
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
    return rows.map((row) => rowToRecord(row, this.#bodies)).sort(byNextAttempt);
  }

  markDelivered(id: string, outcome: AttemptOutcome, now: number): Promise<void> {
    return this.#record({ id, status: 'delivered', outcome, now, nextAttemptAt: null });
  }

  markRetry(id: string, outcome: AttemptOutcome, nextAttemptAt: number, now: number): Promise<void> {
    return this.#record({ id, status: 'pending', outcome, now, nextAttemptAt });
  }

  markFailed(id: string, outcome: AttemptOutcome, now: number): Promise<void> {
    return this.#record({ id, status: 'failed', outcome, now, nextAttemptAt: null });
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    const { rows } = await this.#query<DeliveryRow>(this.#sql.get, [id]);
    return rows[0] && rowToRecord(rows[0], this.#bodies);
  }

  async list(query: ListQuery = {}): Promise<DeliveryRecord[]> {
    const { rows } = await this.#query<DeliveryRow>(this.#sql.list, [query.status ?? null, query.limit ?? null]);
    return rows.map((row) => rowToRecord(row, this.#bodies));
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

  async #insert(batch: readonly NewDelivery[]): Promise<void> {
    const now = this.#now();
    const signing = batch.map((delivery) => signingToColumns(delivery.signing));
    await this.#query(
      this.#sql.enqueue,
      [
        batch.map((delivery) => delivery.id),
        batch.map((delivery) => delivery.idempotencyKey),
        batch.map((delivery) => delivery.url),
        batch.map((delivery) => this.#bodies.seal(delivery.id, delivery.body)),
        signing.map((columns) => columns.mode),
        signing.map((columns) => columns.ref),
        batch.map((delivery) => labelsToColumn(delivery.labels)),
        batch.map((delivery) => delivery.nextAttemptAt),
        batch.map(() => now),
      ],
      this.#pools.enqueue,
    );
  }

  async #record(outcome: Outcome): Promise<void> {
    this.#assertOpen();
    return this.#outcomes.add(outcome);
  }

  async #settle(batch: readonly Outcome[]): Promise<void> {
    await this.#query(this.#sql.settle, [
      batch.map((entry) => entry.id),
      batch.map((entry) => entry.status),
      batch.map((entry) => entry.outcome.attempts),
      batch.map((entry) => entry.outcome.httpStatus ?? null),
      batch.map((entry) => entry.outcome.errorClass ?? null),
      batch.map((entry) => entry.nextAttemptAt),
      batch.map((entry) => entry.now),
      batch.map((entry) => entry.outcome.leaseOwner ?? null),
    ]);
  }

  #assertOpen(): void {
    if (this.#closed) throw new DeliveryStoreError('ADCP_STORE_CLOSED', 'the PostgreSQL delivery store is closed');
  }

  async #query<R extends QueryResultRow>(
    statement: pg.QueryConfig,
    values: unknown[],
    pool: pg.Pool = this.#pools.work,
  ): Promise<QueryResult<R>> {
    this.#assertOpen();
    try {
      return await pool.query<R>({ ...statement, values });
    } catch (error) {
      throw postgresError(error, this.#connectionString);
    }
  }
}

interface Outcome {
  readonly id: string;
  readonly status: 'delivered' | 'pending' | 'failed';
  readonly outcome: AttemptOutcome;
  readonly now: number;
  readonly nextAttemptAt: number | null;
}
