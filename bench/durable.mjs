// bench:durable — what durability costs, in one run on this machine:
//   1. enqueue on the request path (median and p99 µs): memory, SQLite and PostgreSQL;
//   2. end-to-end signed deliveries/s through the outbox and its worker, each store vs in-memory.
// Every measurement runs in its own process against the built dist/ (`npm run build` first); the
// receiver (204 for every POST) runs in its own process too. PostgreSQL: ADCP_BENCH_PG_URL or
// postgres://postgres@127.0.0.1:5432/test, in tables with a fresh prefix, dropped afterwards.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = fileURLToPath(new URL('.', import.meta.url));
const PG_URL = process.env.ADCP_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ENQUEUE_N = { memory: 20_000, sqlite: 20_000, postgres: 3_000 };
const E2E_N = Number(process.env.N ?? 5000);
const C = Number(process.env.C ?? 64);
// The machine is shared and noisy: each end-to-end figure is the median of REPEAT runs, interleaved
// across stores so a burst of load hits them alike.
const REPEAT = Number(process.env.REPEAT ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'adcp-bench-durable-'));
const prefixes = [];
const storeUrl = (kind, tag) => {
  if (kind === 'memory') return 'memory:';
  if (kind === 'sqlite') return `sqlite:${join(dir, `${tag}.db`)}`;
  const prefix = `bench_${randomBytes(4).toString('hex')}_`;
  prefixes.push(prefix);
  return `${PG_URL}?table_prefix=${prefix}`;
};

const receiver = spawn(process.execPath, [join(here, 'delivery-receiver.cjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise((resolve) => receiver.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim()))));
try {
  const kinds = ['memory', 'sqlite', 'postgres'];
  const e2eRuns = Object.fromEntries(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < REPEAT; round++) {
    for (const kind of kinds) {
      const env = { MODE: 'e2e', STORE_URL: storeUrl(kind, `e2e-${round}`), N: String(E2E_N), C: String(C), URL: `http://127.0.0.1:${port}/hook` };
      e2eRuns[kind].push(run(env));
    }
  }
  const rows = kinds.map((kind) => ({
    kind,
    enqueue: run({ MODE: 'enqueue', STORE_URL: storeUrl(kind, 'enqueue'), N: String(ENQUEUE_N[kind]) }),
    e2e: median(e2eRuns[kind]),
    range: e2eRuns[kind].map((r) => r.per_s),
  }));
  report(rows);
} finally {
  receiver.kill('SIGTERM');
  await dropPrefixes();
  rmSync(dir, { recursive: true, force: true });
}

function run(env) {
  const line = execFileSync(process.execPath, [join(here, 'durable-run.mjs')], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(line.trim().split('\n').pop());
}

function median(runs) {
  return [...runs].sort((a, b) => a.per_s - b.per_s)[Math.floor(runs.length / 2)];
}

function report(rows) {
  const memory = rows.find((row) => row.kind === 'memory').e2e.per_s;
  console.log(
    `bench:durable — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; e2e N=${E2E_N}, C=${C}, Ed25519, ` +
      `one attempt each, median of ${REPEAT} runs`,
  );
  console.log('');
  console.log('| store | store.enqueue median / p99 (µs) | outbox.enqueue median / p99 (µs) | end-to-end deliveries/s (runs) | vs in-memory | peak RSS (MB) |');
  console.log('|---|---|---|---|---|---|');
  for (const { kind, enqueue, e2e, range } of rows) {
    const ratio = (e2e.per_s / memory).toFixed(2);
    console.log(
      `| ${kind} | ${enqueue.store_enqueue.median_us} / ${enqueue.store_enqueue.p99_us} | ${enqueue.outbox_enqueue.median_us} / ${enqueue.outbox_enqueue.p99_us} | ${e2e.per_s.toLocaleString('en-US')} (${range.join(', ')}) | ${ratio}× | ${e2e.peak_rss_mb} |`,
    );
    if (e2e.failed > 0) console.log(`  (${kind}: ${e2e.failed} deliveries failed)`);
  }
  console.log('');
  for (const { kind, enqueue } of rows) {
    const { p999_us: p999, max_us: max } = enqueue.store_enqueue;
    console.log(`${kind}: store.enqueue p99.9 ${p999} µs, max ${max} µs (N=${enqueue.N})`);
  }
}

async function dropPrefixes() {
  if (prefixes.length === 0) return;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  for (const prefix of prefixes) await client.query(`DROP TABLE IF EXISTS "${prefix}deliveries", "${prefix}schema_migrations"`);
  await client.end();
}
