// npm run bench:receiver — verified, deduplicated, validated webhooks per second through the
// node:http adapter of createWebhookReceiver, against the @adcp/sdk@6.11.0 webhook verifier
// (createWebhookVerifier, public export of @adcp/sdk/signing/server) behind node:http on the same
// key and bodies, in the same run; and against the ceiling on one core: one Ed25519 verify plus
// one SHA-256 of the body per webhook, nothing else.
//
// Each measurement is a fresh server process pinned to core 0 (taskset, when present) loaded by a
// fresh client process pinned to core 1: N distinct webhooks signed before the clock starts, POSTed
// over an undici Pool at C concurrent requests. Rounds alternate ours and the anchor. Runs against
// the BUILT dist (npm run build).
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
  const server = child('receiver-server.mjs', 0, { ARM: arm });
  const nextLine = lines(server);
  const target = await nextLine();
  const load = child('receiver-load.mjs', 1, { TARGET: target });
  const result = JSON.parse(await lines(load)());
  server.kill('SIGTERM');
  const { accepted } = JSON.parse(await nextLine());
  if (accepted !== N || result.statuses['200'] !== N) throw new Error(`${arm}: ${JSON.stringify({ accepted, statuses: result.statuses })}`);
  return result.per_second;
}

async function runCeiling() {
  const proc = child('receiver-ceiling.mjs', 0, { N: String(N * 2) });
  return JSON.parse(await lines(proc)()).per_second;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const loadStart = loadavg()[0];
const ours = [];
const anchor = [];
const ceiling = [];
for (let round = 0; round < rounds; round++) {
  for (const arm of round % 2 === 0 ? ['ours', 'anchor'] : ['anchor', 'ours']) (arm === 'ours' ? ours : anchor).push(await runArm(arm));
  ceiling.push(await runCeiling());
  process.stderr.write(`round ${round + 1}: ours ${ours.at(-1).toFixed(0)}/s, anchor ${anchor.at(-1).toFixed(0)}/s, ceiling ${ceiling.at(-1).toFixed(0)}/s\n`);
}
const loadEnd = loadavg()[0];
const figures = { ours: median(ours), anchor: median(anchor), ceiling: median(ceiling) };
const int = (value) => Math.round(value).toLocaleString('en-US');
const list = (values) => values.map(int).join(', ');
const vsAnchor = figures.ours / figures.anchor;
const vsCeiling = figures.ours / figures.ceiling;

const section = `## Receiver

\`npm run bench:receiver\` (bench/receiver.mjs, against the built dist). Verified, deduplicated, validated webhooks per
second through the node:http adapter of \`createWebhookReceiver\` (RFC 9421 checklist over a static key source, in-memory
nonce and dedup stores, envelope validation with the generated validator, dispatch to a typed handler, 200), against the
\`@adcp/sdk@6.11.0\` webhook verifier (\`createWebhookVerifier\` from \`@adcp/sdk/signing/server\`, public export) behind
node:http with the JSON parse and an \`idempotency_key\` Set a buyer adds around it, on the same Ed25519 key and bodies in
the same run; and against the ceiling on one core: one Ed25519 verify plus one SHA-256 of the body per webhook, nothing
else. Each measurement is a fresh server process${pin ? ' pinned to core 0' : ''} loaded by a fresh client process${pin ? ' pinned to core 1' : ''}:
N = ${N} distinct webhooks (${Buffer.byteLength(JSON.stringify({ idempotency_key: 'whk_bench_0000000_0_0123456789abcdefghijkl', ...(await import('./lib/bench-payload.mjs')).benchPayload(0) }))} bytes each) signed before the clock starts, POSTed over an undici Pool at C = ${C}; ${rounds} rounds, ours
and the anchor alternating; figures are medians.

Machine: ${cpus().length} × ${cpus()[0]?.model.trim().split(' ').slice(0, 2).join(' ')}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, Node ${process.version}; load average ${loadStart.toFixed(1)} at start, ${loadEnd.toFixed(1)} at end (shared with other work).

| webhooks/s | median | per round | vs anchor | vs ceiling | target |
|---|---:|---|---:|---:|---|
| ours: node:http adapter, verified + deduped + validated + dispatched | ${int(figures.ours)} | ${list(ours)} | ${vsAnchor.toFixed(2)}× | ${(vsCeiling * 100).toFixed(0)} % | ≥ 3× anchor: ${vsAnchor >= 3 ? 'meets' : 'misses'}; ≥ 80 % of ceiling: ${vsCeiling >= 0.8 ? 'meets' : 'misses'} |
| anchor: \`@adcp/sdk@6.11.0\` verifier behind node:http | ${int(figures.anchor)} | ${list(anchor)} | 1.00× | ${((figures.anchor / figures.ceiling) * 100).toFixed(0)} % | context |
| ceiling: Ed25519 verify + SHA-256, one core, no HTTP | ${int(figures.ceiling)} | ${list(ceiling)} | — | 100 % | context |
`;

process.stdout.write(section);
if (write) writeBenchmarksSection('Receiver', section.trimEnd());
