// npm run bench:scale — how cost grows with the work, each point in a fresh child process:
//   sender:  signed deliveries/s at 5k → 50k → 500k deliveries (bench/delivery-ours.mjs, C=64, after
//            5,000 untimed ones so every size is measured warm),
//            against the loopback receiver of bench:delivery; target: flat within 10 %;
//   claim:   claim latency with 1k → 100k → 1M pending outbox rows, SQLite and PostgreSQL
//            (bench/scale-claim.mjs), with the query plan of the due-row select; target: flat, index used;
//   queued:  memory per queued delivery, 10k → 100k deliveries waiting behind a receiver that never
//            answers (bench/scale-queued.mjs); target: ≤ 2 KB of RSS per queued delivery.
//
//   node bench/scale.mjs [--write]        (--write updates BENCHMARKS.md "## Scale")
// Levels: SENDER_LEVELS, CLAIM_LEVELS, QUEUED_LEVELS (comma-separated), STORES=sqlite,postgres.
// Runs against the BUILT dist (npm run build); PostgreSQL at 127.0.0.1:5432, database test.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchmarksSection } from './lib/benchmarks-md.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const levels = (name, fallback) => (process.env[name] ?? fallback).split(',').map(Number);
const SENDER_LEVELS = levels('SENDER_LEVELS', '5000,50000,500000');
const CLAIM_LEVELS = levels('CLAIM_LEVELS', '1000,100000,1000000');
const QUEUED_LEVELS = levels('QUEUED_LEVELS', '10000,100000');
const STORES = (process.env.STORES ?? 'sqlite,postgres').split(',');
const write = process.argv.includes('--write');

function run(script, env, nodeArgs = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(benchDir, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(out.trim().split('\n').pop()));
    });
  });
}

function startReceiver() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(benchDir, 'delivery-receiver.cjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout.once('data', (chunk) => resolve({ child, url: `http://127.0.0.1:${Number(String(chunk).trim())}/hook` }));
  });
}

/** A TCP server that reads every request and never answers: deliveries pile up in the sender's queue. */
function startHangingReceiver() {
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/hook`,
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      }),
    ),
  );
}

/** The index the due-row select uses, or the whole plan when it uses none. */
function planSummary(plan) {
  const index = /USING INDEX (\S+)|Index (?:Only )?Scan using (\S+)/.exec(plan);
  return index ? `index ${(index[1] ?? index[2]).replace(/^scale_[0-9a-f]+_/, '<prefix>')}` : `NO INDEX: ${plan}`;
}

const log = (line) => process.stderr.write(`${line}\n`);
const spread = (values) => Math.min(...values) / Math.max(...values);

async function senderCurve() {
  const { child, url } = await startReceiver();
  try {
    const points = [];
    for (const N of SENDER_LEVELS) {
      const point = await run('delivery-ours.mjs', { URL: url, N: String(N), C: '64', WARMUP: '5000' });
      if (point.ok !== N) throw new Error(`sender: only ${point.ok} of ${N} delivered`);
      log(`sender N=${N}: ${point.per_s}/s, ${point.cpu_us_per_delivery} µs CPU, peak RSS ${point.peak_rss_mb} MB`);
      points.push(point);
    }
    return points;
  } finally {
    child.kill('SIGTERM');
  }
}

async function claimCurves() {
  const curves = {};
  for (const store of STORES) {
    curves[store] = [];
    for (const rows of CLAIM_LEVELS) {
      const point = await run('scale-claim.mjs', { STORE: store, ROWS: String(rows) });
      log(`claim ${store} rows=${rows}: median ${point.claim_median_ms} ms, p99 ${point.claim_p99_ms} ms (enqueue ${point.enqueue_per_s}/s); plan: ${point.plan}`);
      curves[store].push(point);
    }
  }
  return curves;
}

async function queuedCurve() {
  const receiver = await startHangingReceiver();
  try {
    const points = [];
    for (const queued of QUEUED_LEVELS) {
      const point = await run('scale-queued.mjs', { URL: receiver.url, QUEUED: String(queued) }, ['--expose-gc']);
      log(`queued ${queued}: ${point.rss_bytes_per_queued} B RSS / ${point.heap_bytes_per_queued} B heap per queued delivery (refused ${point.refused})`);
      points.push(point);
    }
    return points;
  } finally {
    receiver.close();
  }
}

function report({ sender, claims, queued }, load) {
  const senderSpread = spread(sender.map((point) => point.per_s));
  const lines = [
    '## Scale',
    '',
    `\`node bench/scale.mjs\` — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${load.start.toFixed(1)} → ${load.end.toFixed(1)}.`,
    '',
    '| sender deliveries (after 5,000 warm-up) | per s | client CPU µs / delivery | peak RSS MB |',
    '| ---: | ---: | ---: | ---: |',
    ...sender.map((p) => `| ${p.N.toLocaleString('en-US')} | ${p.per_s.toLocaleString('en-US')} | ${p.cpu_us_per_delivery} | ${p.peak_rss_mb} |`),
    '',
    `Throughput slowest / fastest: ${senderSpread.toFixed(2)} (target ≥ 0.90: ${senderSpread >= 0.9 ? 'met' : 'NOT met'}).`,
    '',
    '| store | pending rows | enqueue / s | claim median ms | claim p99 ms | due-row plan |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const [store, points] of Object.entries(claims)) {
    for (const p of points) {
      lines.push(`| ${store} | ${p.rows.toLocaleString('en-US')} | ${p.enqueue_per_s.toLocaleString('en-US')} | ${p.claim_median_ms} | ${p.claim_p99_ms} | ${planSummary(p.plan)} |`);
    }
    const growth = points.at(-1).claim_median_ms / points[0].claim_median_ms;
    lines.push(`| ${store} | largest / smallest median | | ${growth.toFixed(2)}× | | |`);
  }
  lines.push(
    '',
    '| queued deliveries | RSS growth MB | RSS B / queued | heap B / queued |',
    '| ---: | ---: | ---: | ---: |',
    ...queued.map((p) => `| ${p.queued.toLocaleString('en-US')} | ${p.rss_growth_mb} | ${p.rss_bytes_per_queued} | ${p.heap_bytes_per_queued} |`),
    '',
    `RSS per queued delivery at the largest level: ${queued.at(-1).rss_bytes_per_queued} B (target ≤ 2,048: ${queued.at(-1).rss_bytes_per_queued <= 2048 ? 'met' : 'NOT met'}).`,
  );
  return lines.join('\n');
}

const load = { start: loadavg()[0] };
const sender = await senderCurve();
const claims = await claimCurves();
const queued = await queuedCurve();
load.end = loadavg()[0];
const text = report({ sender, claims, queued }, load);
process.stdout.write(`${text}\n`);
if (write) writeBenchmarksSection('Scale', text);
