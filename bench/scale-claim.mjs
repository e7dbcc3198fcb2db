// One claim-latency point for bench:scale, in its own process: ROWS pending deliveries enqueued
// into a fresh outbox (STORE=sqlite → a temp file, STORE=postgres → fresh tables in database
// `test`), then CLAIMS claims of LIMIT rows each, timed one by one. Prints one JSON line with the
// enqueue rate, the claim median / p99 and the query plan of the due-row select (the partial index
// `<prefix>deliveries_due` must serve it at every size).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const { openDeliveryStore } = await import(new URL('../dist/src/index.js', import.meta.url).href);
const STORE = process.env.STORE || 'sqlite';
const ROWS = Number(process.env.ROWS || 1000);
const CLAIMS = Number(process.env.CLAIMS || 200);
const LIMIT = Number(process.env.LIMIT || 32);
const PG_URL = process.env.PG_URL || 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `scale_${randomBytes(4).toString('hex')}_`;
const body = Buffer.from(JSON.stringify({ task_id: 't', task_type: 'create_media_buy', status: 'completed', result: { media_buy_id: 'mb' } }));

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function open() {
  if (STORE === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-scale-'));
    const file = join(dir, 'outbox.db');
    const store = await openDeliveryStore(`sqlite:${file}`, { tablePrefix: prefix });
    return { store, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const store = await openDeliveryStore(PG_URL, { tablePrefix: prefix });
  return { store, cleanup: () => dropPostgresTables() };
}

async function withPg(run) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function dropPostgresTables() {
  return withPg((client) => client.query(`DROP TABLE IF EXISTS "${prefix}deliveries", "${prefix}schema_migrations" CASCADE`));
}

const dueSelect = (table, bound) =>
  `SELECT id FROM ${table} WHERE status = 'pending' AND next_attempt_at <= ${bound} ORDER BY next_attempt_at LIMIT ${LIMIT}`;

async function queryPlan(file, now) {
  if (STORE === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const db = new Database(file, { readonly: true });
    try {
      return db.prepare(`EXPLAIN QUERY PLAN ${dueSelect(`"${prefix}deliveries"`, now)}`).all().map((row) => row.detail).join('; ');
    } finally {
      db.close();
    }
  }
  return withPg(async (client) => {
    await client.query(`ANALYZE "${prefix}deliveries"`);
    const { rows } = await client.query(`EXPLAIN ${dueSelect(`"${prefix}deliveries"`, now)}`);
    return rows.map((row) => row['QUERY PLAN'].trim()).join('; ');
  });
}

async function enqueueAll(store, now) {
  const started = process.hrtime.bigint();
  const batch = 5000;
  for (let from = 0; from < ROWS; from += batch) {
    const writes = [];
    for (let i = from; i < Math.min(ROWS, from + batch); i++) {
      writes.push(
        store.enqueue({ id: `d${i}`, idempotencyKey: `whk_${i}`, url: 'https://buyer.example/hook', body, signing: { mode: 'none' }, nextAttemptAt: now - ROWS + i }),
      );
    }
    await Promise.all(writes);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function timeClaims(store, now) {
  const times = [];
  for (let i = 0; i < CLAIMS; i++) {
    const started = process.hrtime.bigint();
    const claimed = await store.claimDue({ now, limit: LIMIT, leaseMs: 600_000, workerId: 'scale' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    if (claimed.length !== Math.min(LIMIT, ROWS - i * LIMIT)) throw new Error(`claim ${i} returned ${claimed.length} rows`);
    if (ROWS - (i + 1) * LIMIT <= 0) break;
  }
  return times.sort((a, b) => a - b);
}

const { store, file, cleanup } = await open();
try {
  const now = Date.now();
  const enqueueSeconds = await enqueueAll(store, now);
  const plan = await queryPlan(file, now);
  const times = await timeClaims(store, now);
  process.stdout.write(
    `${JSON.stringify({
      store: STORE,
      rows: ROWS,
      enqueue_per_s: Math.round(ROWS / enqueueSeconds),
      claims: times.length,
      limit: LIMIT,
      claim_median_ms: Number(percentile(times, 0.5).toFixed(3)),
      claim_p99_ms: Number(percentile(times, 0.99).toFixed(3)),
      plan,
    })}\n`,
  );
} finally {
  await store.close();
  await cleanup();
}
