// node bench/undici-entry.mjs [--runs 15] — what loading undici costs a fresh process: the public
// package entry (`require('undici')`, the only import the runtime uses) against the two internal
// modules the runtime used to load on their own (lib/dispatcher/agent.js + lib/core/connect.js), and
// the whole delivery runtime (dist/src/runtime/delivery/index.js) for context. Each sample is a new
// `node` process that loads the modules, creates one Agent (as the runtime does) and prints the load
// time (hrtime around the require), the RSS and the heap used afterwards. Arms alternate; medians.
// Kept to record the choice of the public entry (BENCHMARKS.md "Sender").
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt === -1 ? 15 : Number(args[runsAt + 1]);

const probe = (load) => `
const t0 = process.hrtime.bigint();
${load}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const agent = new Agent({ connect: buildConnector({}) });
agent.close();
const m = process.memoryUsage();
process.stdout.write(JSON.stringify({ ms, rss: m.rss / 1e6, heap: m.heapUsed / 1e6 }));`;

const arms = {
  'undici public entry (require("undici"))': probe(`const { Agent, buildConnector } = require('undici');`),
  'undici internals (lib/dispatcher/agent + lib/core/connect)': probe(
    `const Agent = require('undici/lib/dispatcher/agent.js'); const buildConnector = require('undici/lib/core/connect.js');`,
  ),
  'node:http + node:net only (floor: no undici)': probe(
    `require('node:http'); require('node:net'); const Agent = class { close() {} }; const buildConnector = () => null;`,
  ),
};

const deliveryArm = `
const t0 = process.hrtime.bigint();
import('${join(repoRoot, 'dist/src/runtime/delivery/index.js')}').then((mod) => {
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const delivery = mod.createWebhookDelivery({ unsafeAllowPrivateNetwork: true });
  const m = process.memoryUsage();
  process.stdout.write(JSON.stringify({ ms, rss: m.rss / 1e6, heap: m.heapUsed / 1e6 }));
  return delivery.close();
});`;

function sample(code) {
  const out = spawnSync(process.execPath, ['-e', code], { cwd: repoRoot, encoding: 'utf8' });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const names = [...Object.keys(arms), 'delivery runtime (dist, whole import + createWebhookDelivery)'];
const samples = Object.fromEntries(names.map((name) => [name, []]));
const loadStart = loadavg()[0];
for (let round = 0; round < runs; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) samples[name].push(sample(arms[name] ?? deliveryArm));
}
const loadEnd = loadavg()[0];
process.stdout.write(`cold load, ${runs} fresh processes per arm, Node ${process.version}, load ${loadStart.toFixed(1)} → ${loadEnd.toFixed(1)}\n`);
process.stdout.write('| arm | load ms (median) | RSS MB after (median) | heap used MB (median) |\n|---|---:|---:|---:|\n');
for (const name of names) {
  const list = samples[name];
  const row = ['ms', 'rss', 'heap'].map((key) => median(list.map((entry) => entry[key])).toFixed(1));
  process.stdout.write(`| ${name} | ${row.join(' | ')} |\n`);
}
