// npm run bench:receiver — verified, deduplicated, validated webhooks per second through the
// node:http adapter of createWebhookReceiver (on memory, SQLite and PostgreSQL stores), against the
// @adcp/sdk@6.11.0 webhook verifier (createWebhookVerifier, public export of
// @adcp/sdk/signing/server) behind node:http on the same key, bodies and load, in the same run; and
// against three limits: the verify ceiling (one Ed25519 verify plus one SHA-256 of the body per
// webhook on one core, no HTTP), the HTTP-serving ceiling (a bare node:http handler reading the body)
// and the HTTP + verify floor (that handler plus the verify and the digest).
//
// Each measurement is a fresh server process pinned to core 0 (taskset, when present) loaded by a
// fresh client process pinned to core 1: N distinct webhooks signed before the clock starts, POSTed
// over an undici Pool at C concurrent requests. Every round runs every arm once, in an order rotated
// each round. Besides throughput, each server reports its CPU per webhook. Runs against the BUILT
// dist (npm run build). PostgreSQL: ADCP_BENCH_PG_URL or postgres://postgres@127.0.0.1:5432/test, in
// tables with a fresh prefix, dropped afterwards. ARMS=ours,anchor,… runs a subset.
//
//   node bench/receiver.mjs [--rounds 3] [--write]     (--write updates BENCHMARKS.md "## Receiver")
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeBenchmarksSection } from './lib/benchmarks-md.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(benchDir, '..');
const args = process.argv.slice(2);
const rounds = Number(argValue('--rounds') ?? process.env.ROUNDS ?? 3);
const N = Number(process.env.N || 20000);
const PG_URL = process.env.ADCP_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const C = Number(process.env.C || 32);
const write = args.includes('--write');
const pin = spawnSync('taskset', ['--version']).status === 0;

function argValue(name) {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

if (!existsSync(join(repoRoot, 'dist/src/runtime/receiver/index.js'))) {
  process.stderr.write('bench:receiver: dist/ is missing the receiver; run `npm run build` first\n');
  process.exit(1);
}

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: 'bench-ed25519', alg: 'EdDSA', use: 'sig', key_ops: ['verify'], adcp_use: 'webhook-signing' };
const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-ed25519', alg: 'EdDSA' };
const env = { ...process.env, REPO_ROOT: repoRoot, N: String(N), C: String(C), PUBLIC_JWK: JSON.stringify(publicJwk), PRIVATE_JWK: JSON.stringify(privateJwk) };

function child(script, core, extraEnv = {}) {
  const command = pin ? 'taskset' : process.execPath;
  const commandArgs = pin ? ['-c', String(core), process.execPath, join(benchDir, script)] : [join(benchDir, script)];
  return spawn(command, commandArgs, { cwd: repoRoot, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'inherit'] });
}

function lines(proc) {
  const queue = [];
  const waiters = [];
  let buffered = '';
  proc.stdout.on('data', (chunk) => {
    buffered += chunk;
    let at;
    while ((at = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, at);
      buffered = buffered.slice(at + 1);
      const waiter = waiters.shift();
      if (waiter) waiter(line);
      else queue.push(line);
    }
  });
  return () => new Promise((resolve) => (queue.length > 0 ? resolve(queue.shift()) : waiters.push(resolve)));
}

async function runArm(arm) {
  const server = child('receiver-server.mjs', 0, { ARM: arm, PG_URL });
  const nextLine = lines(server);
  const target = await nextLine();
  const load = child('receiver-load.mjs', 1, { TARGET: target });
  const result = JSON.parse(await lines(load)());
  server.kill('SIGTERM');
  const { accepted, cpu_us_per_webhook: cpuMicros } = JSON.parse(await nextLine());
  if (accepted !== N || result.statuses['200'] !== N) throw new Error(`${arm}: ${JSON.stringify({ accepted, statuses: result.statuses })}`);
  cpuPerArm[arm].push(cpuMicros);
  return result.per_second;
}

async function runCeiling() {
  const proc = child('receiver-ceiling.mjs', 0, { N: String(N * 2) });
  const result = JSON.parse(await lines(proc)());
  cpuPerArm.ceiling.push(result.cpu_us_per_op);
  return result.per_second;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

// Every round runs every arm once, in an order rotated by one each round, so a burst of outside load
// falls on different arms in different rounds; each figure is the median over the rounds.
const ARMS = (process.env.ARMS ?? 'ours,ours-sqlite,ours-postgres,anchor,http,floor,ceiling').split(',');
const loadStart = loadavg();
const perArm = Object.fromEntries(ARMS.map((arm) => [arm, []]));
// Server-process CPU (user + system) per webhook, from the first request to the last: less sensitive
// than wall-clock throughput to other work on a shared machine (it still pays for cache and core
// contention). The ceiling's is the loop's own CPU per verify + digest.
const cpuPerArm = Object.fromEntries(ARMS.map((arm) => [arm, []]));
for (let round = 0; round < rounds; round++) {
  const order = ARMS.map((_, k) => ARMS[(k + round) % ARMS.length]);
  for (const arm of order) perArm[arm].push(arm === 'ceiling' ? await runCeiling() : await runArm(arm));
  process.stderr.write(`round ${round + 1}: ${ARMS.map((arm) => `${arm} ${perArm[arm].at(-1).toFixed(0)}/s (${cpuPerArm[arm].at(-1).toFixed(0)} µs)`).join(', ')}; load ${loadavg()[0].toFixed(1)}\n`);
}
const loadEnd = loadavg();
const figures = Object.fromEntries(ARMS.map((arm) => [arm, median(perArm[arm])]));
if (!ARMS.includes('ours') || !ARMS.includes('anchor') || !ARMS.includes('ceiling')) {
  process.stdout.write(`${JSON.stringify({ figures, perArm, cpuPerArm })}\n`);
  process.exit(0);
}
const int = (value) => Math.round(value).toLocaleString('en-US');
const list = (values) => values.map(int).join(', ');
const pct = (value) => `${(value * 100).toFixed(0)} %`;
const times = (value) => `${value.toFixed(2)}×`;
// Ratios are taken round by round (each arm against the anchor or ceiling of the same round), then
// the median of those: a ratio never mixes a quiet round's numerator with a loaded round's denominator.
const ratio = (arm, against) => median(perArm[arm].map((value, k) => value / perArm[against][k]));
const has = (arm) => ARMS.includes(arm);
const combined = has('http') ? median(perArm.http.map((http, k) => 1 / (1 / http + 1 / perArm.ceiling[k]))) : undefined;
const row = (arm, label, target) => {
  const cells = [label, int(figures[arm]), list(perArm[arm]), times(ratio(arm, 'anchor')), pct(ratio(arm, 'ceiling'))];
  cells.push(has('floor') ? pct(ratio(arm, 'floor')) : '—');
  cells.push(`${median(cpuPerArm[arm]).toFixed(0)} µs`);
  cells.push(target);
  return `| ${cells.join(' | ')} |`;
};
const meets = (ok) => (ok ? 'meets' : 'misses');
const oursTarget = `≥ 3× anchor: ${meets(ratio('ours', 'anchor') >= 3)}; ≥ 80 % of ceiling: ${meets(ratio('ours', 'ceiling') >= 0.8)}`;
const sqliteTarget = has('ours-sqlite')
  ? `≥ 3× anchor: ${meets(ratio('ours-sqlite', 'anchor') >= 3)}; ≥ 80 % of ceiling: ${meets(ratio('ours-sqlite', 'ceiling') >= 0.8)}`
  : '';
const pgVsSqlite = has('ours-postgres') && has('ours-sqlite') ? ratio('ours-postgres', 'ours-sqlite') : undefined;
const rows = [
  row('ours', 'ours, memory stores: node:http adapter, verified + deduped + validated + dispatched', oursTarget),
  ...(has('ours-sqlite') ? [row('ours-sqlite', 'ours, SQLite replay cache + dedup (one file, WAL)', sqliteTarget)] : []),
  ...(has('ours-postgres')
    ? [row('ours-postgres', 'ours, PostgreSQL replay cache + dedup (loopback server)', `${times(pgVsSqlite ?? NaN)} SQLite; ≥ 0.6×: ${meets((pgVsSqlite ?? 0) >= 0.6)}`)]
    : []),
  row('anchor', 'anchor: `@adcp/sdk@6.11.0` verifier behind node:http', 'context'),
  ...(has('http') ? [row('http', 'HTTP-serving ceiling: bare node:http handler reading the body, 200', 'context')] : []),
  ...(has('floor') ? [row('floor', 'HTTP + verify floor: the bare handler + SHA-256 + Ed25519 verify', 'context')] : []),
  `| ceiling: Ed25519 verify + SHA-256, one core, no HTTP | ${int(figures.ceiling)} | ${list(perArm.ceiling)} | ${times(ratio('ceiling', 'anchor'))} | 100 % | ${has('floor') ? pct(ratio('ceiling', 'floor')) : '—'} | ${median(cpuPerArm.ceiling).toFixed(0)} µs | context |`,
];
const cpuRatio = (arm, against) => median(cpuPerArm[against].map((value, k) => value / cpuPerArm[arm][k]));
const cpuLine = has('floor')
  ? `\nBy server CPU per webhook (same rounds): ours ${times(cpuRatio('ours', 'anchor'))} the anchor's efficiency, ${pct(cpuRatio('ours', 'floor'))} of the HTTP + verify floor's${has('ours-sqlite') ? `; SQLite ${pct(cpuRatio('ours-sqlite', 'floor'))} of the floor` : ''}${has('ours-postgres') ? `; PostgreSQL ${pct(cpuRatio('ours-postgres', 'floor'))} (the PostgreSQL server's own CPU not counted)` : ''}.\n`
  : '';
const loadText = (load) => load.map((value) => value.toFixed(2)).join(' / ');

const section = `## Receiver

\`npm run bench:receiver\` (bench/receiver.mjs, against the built dist). Verified, deduplicated, validated webhooks per
second through the node:http adapter of \`createWebhookReceiver\` (RFC 9421 checklist over a static key source, replay
cache and \`idempotency_key\` dedup, envelope validation with the generated validator, dispatch to a typed handler, 200)
on in-memory, SQLite and PostgreSQL stores; against the \`@adcp/sdk@6.11.0\` webhook verifier (\`createWebhookVerifier\`
from \`@adcp/sdk/signing/server\`, public export) behind node:http with the JSON parse and an \`idempotency_key\` Set a
buyer adds around it, on the same Ed25519 key, bodies and load in the same run. Two ceilings: the verify ceiling of the
issue (one Ed25519 verify plus one SHA-256 of the body per webhook on one core, no HTTP) and, so the ratio is honest
about what HTTP serving costs, the HTTP-serving ceiling (a bare node:http handler that reads the body and answers 200)
and the HTTP + verify floor (that handler plus the SHA-256 and the Ed25519 verify: the least any verifying receiver
behind node:http can do). Each measurement is a fresh server process${pin ? ' pinned to core 0' : ''} loaded by a fresh client process${pin ? ' pinned to core 1' : ''}:
N = ${N} distinct webhooks (${Buffer.byteLength(JSON.stringify({ idempotency_key: 'whk_bench_0000000_0_0123456789abcdefghijkl', ...(await import('./lib/bench-payload.mjs')).benchPayload(0) }))} bytes each) signed before the clock starts, POSTed over an undici Pool at C = ${C} (the
same client for every HTTP arm); ${rounds} rounds, every arm once per round in an order rotated each round; figures are
medians, ratios are medians of the per-round ratios.

Machine: ${cpus().length} × ${cpus()[0]?.model.trim().split(' ').slice(0, 2).join(' ')}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}; load average (1/5/15 min) ${loadText(loadStart)} at start,
${loadText(loadEnd)} at end (the machine is shared with other work: compare ratios within the run, not absolute figures
across runs).

| webhooks/s | median | per round | vs anchor | vs verify ceiling | vs HTTP + verify floor | server CPU / webhook | target |
|---|---:|---|---:|---:|---:|---:|---|
${rows.join('\n')}
${combined === undefined ? '' : `\nThe HTTP-serving and verify ceilings combine to 1 / (1/http + 1/verify) = ${int(combined)}/s (median per round): the most a
receiver doing both on one core could reach if nothing else cost anything; ours is at ${pct(median(perArm.ours.map((value, k) => value / (1 / (1 / perArm.http[k] + 1 / perArm.ceiling[k])))))} of it.\n`}${cpuLine}`;

process.stdout.write(section);
if (write) writeBenchmarksSection('Receiver', section.trimEnd());
