// npm run bench:delivery — signed (Ed25519) webhook deliveries/s and peak RSS, ours vs the anchor
// (@adcp/sdk@6.11.0 createWebhookEmitter), 5,000 deliveries at concurrency 64, against a loopback
// receiver in its own process. Every measurement runs in a fresh child process; ours and the anchor
// alternate over several rounds of the same run and the medians are compared. Raw undici (unsigned)
// and the Ed25519+digest signing ceiling are printed as context.
//
// Runs against the BUILT dist (npm run build). The anchor is installed into the git-ignored
// bench/.anchor/ on first use (bench/anchor/setup.mjs), never into the product's dependencies.
//
//   node bench/delivery.mjs [--rounds 3] [--write]     (--write updates BENCHMARKS.md "## Delivery")
//
// Each round also yields the combined limit of the sender target, 1 / (1/transport + 1/signing)
// from that round's raw-undici and signing-ceiling figures, and ours as a share of it (same-round
// ratios: the machine is shared). BASELINE_DIST=<dir> adds an arm running ours from another build
// (a copy of dist/ from before a change) in the same rounds, for before/after ratios.
import { writeBenchmarksSection } from './lib/benchmarks-md.mjs';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureAnchor } from './anchor/setup.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(benchDir, '..');
const N = Number(process.env.N || 5000);
const C = Number(process.env.C || 64);
const args = process.argv.slice(2);
const rounds = Number(argValue('--rounds') ?? process.env.ROUNDS ?? 3);
const write = args.includes('--write');
const baselineDist = process.env.BASELINE_DIST;

function argValue(name) {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

function assertBuilt() {
  for (const file of ['dist/src/runtime/delivery/index.js', 'dist/src/runtime/signing/index.js']) {
    if (!existsSync(join(repoRoot, file))) {
      process.stderr.write(`bench:delivery: ${file} is missing; run \`npm run build\` first\n`);
      process.exit(1);
    }
  }
}

function startReceiver() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(benchDir, 'delivery-receiver.cjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout.once('data', (chunk) => resolve({ child, port: Number(String(chunk).trim()) }));
  });
}

/** A measurement that has not finished by then is stuck (the anchor has no per-attempt timeout). */
const MEASURE_TIMEOUT_MS = Number(process.env.MEASURE_TIMEOUT_MS || 120_000);

/** Runs one measurement script in a fresh process; resolves with its JSON line. A stuck run is killed and retried once. */
async function measure(script, env = {}) {
  try {
    return await measureOnce(script, env);
  } catch (error) {
    if (!error.timedOut) throw error;
    process.stderr.write(`${script} did not finish within ${MEASURE_TIMEOUT_MS} ms; killed, measuring again\n`);
    return measureOnce(script, env);
  }
}

function measureOnce(script, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(benchDir, script)], {
      cwd: repoRoot,
      env: { ...process.env, N: String(N), C: String(C), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, MEASURE_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      try {
        if (timedOut) throw Object.assign(new Error('timed out'), { timedOut: true });
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line));
      } catch (error) {
        reject(Object.assign(new Error(`${script} failed (${error.message}): ${out.trim().slice(-500)}`), { timedOut }));
      }
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

async function main() {
  assertBuilt();
  ensureAnchor();
  const load = { start: loadavg()[0] };
  const { child: receiver, port } = await startReceiver();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      receiver.kill('SIGTERM');
      process.exit(130);
    });
  }
  const url = `http://127.0.0.1:${port}/hook`;
  const runs = { ours: [], anchor: [], minimal: [], raw: [], sign: [], baseline: [], nodeHttp: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? ['ours', 'anchor'] : ['anchor', 'ours'];
      for (const impl of order) {
        const result =
          impl === 'ours'
            ? await measure('delivery-ours.mjs', { URL: url })
            : await measure('anchor/anchor-throughput.cjs', { URL: url, NODE_ENV: 'test' });
        if (result.ok !== N) throw new Error(`${impl}: only ${result.ok} of ${N} delivered`);
        runs[impl].push(result);
        process.stderr.write(`round ${round + 1}/${rounds} ${impl}: ${result.per_s}/s, peak RSS ${result.peak_rss_mb} MB\n`);
      }
      if (baselineDist) {
        const result = await measure('delivery-ours.mjs', { URL: url, DIST: baselineDist });
        runs.baseline.push(result);
        process.stderr.write(`round ${round + 1}/${rounds} baseline: ${result.per_s}/s, ${result.cpu_us_per_delivery} µs CPU\n`);
      }
      runs.minimal.push(await measure('delivery-ours.mjs', { URL: url, SIGNER: 'minimal' }));
      runs.raw.push(await measure('anchor/raw-undici.cjs', { URL: url }));
      runs.nodeHttp.push(await measure('raw-node-http.mjs', { URL: url }));
      runs.sign.push(await measure('anchor/sign-limit.cjs'));
    }
  } finally {
    receiver.kill('SIGTERM');
  }
  load.end = loadavg()[0];
  const summary = summarize(runs);
  const table = renderTable(summary, load);
  process.stdout.write(`${table}\n`);
  process.stdout.write(`\n${renderCombinedLimit(runs)}\n`);
  if (write) writeBenchmarksSection('Delivery', table);
  const pass = summary.throughputRatio >= 3 && summary.rssRatio <= 0.5;
  process.stdout.write(`\ntargets (≥3× throughput, ≤½ RSS): ${pass ? 'met' : 'NOT met'}\n`);
}

function summarize(runs) {
  const pick = (list, key) => median(list.map((entry) => entry[key]));
  const ours = { perS: pick(runs.ours, 'per_s'), rss: pick(runs.ours, 'peak_rss_mb'), cpu: pick(runs.ours, 'cpu_us_per_delivery') };
  const anchor = { perS: pick(runs.anchor, 'per_s'), rss: pick(runs.anchor, 'peak_rss_mb'), cpu: pick(runs.anchor, 'cpu_us_per_delivery') };
  return {
    ours,
    anchor,
    minimal: { perS: pick(runs.minimal, 'per_s'), rss: pick(runs.minimal, 'peak_rss_mb'), cpu: pick(runs.minimal, 'cpu_us_per_delivery') },
    raw: { perS: pick(runs.raw, 'per_s'), rss: pick(runs.raw, 'peak_rss_mb'), cpu: pick(runs.raw, 'cpu_us_per_delivery') },
    nodeHttp: { perS: pick(runs.nodeHttp, 'per_s'), rss: pick(runs.nodeHttp, 'peak_rss_mb'), cpu: pick(runs.nodeHttp, 'cpu_us_per_delivery') },
    sign: { perS: pick(runs.sign, 'per_s') },
    throughputRatio: ours.perS / anchor.perS,
    cpuRatio: anchor.cpu / ours.cpu,
    rssRatio: ours.rss / anchor.rss,
    runs,
  };
}

/** Per round: the combined limit 1 / (1/raw + 1/sign), ours (and the baseline) as a share of it. */
function renderCombinedLimit(runs) {
  const rows = runs.raw.map((raw, round) => {
    const limit = 1 / (1 / raw.per_s + 1 / runs.sign[round].per_s);
    const share = (entry) => (entry === undefined ? '' : `${((100 * entry.per_s) / limit).toFixed(0)} %`);
    const cpu = (entry) => (entry === undefined ? '' : `${entry.cpu_us_per_delivery}`);
    const base = runs.baseline[round];
    const ours = runs.ours[round];
    return `| ${round + 1} | ${raw.per_s} | ${runs.sign[round].per_s} | ${Math.round(limit)} | ${(1e6 / limit).toFixed(0)} | ${ours.per_s} | ${share(ours)} | ${cpu(ours)} | ${ours.peak_rss_mb} | ${base?.per_s ?? ''} | ${share(base)} | ${cpu(base)} | ${base?.peak_rss_mb ?? ''} |`;
  });
  return [
    '| round | transport ceiling /s | signing ceiling /s | combined limit /s | limit µs per delivery | ours /s | ours vs limit | ours CPU µs | ours peak RSS MB | baseline /s | baseline vs limit | baseline CPU µs | baseline peak RSS MB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
}

function renderTable(summary, load) {
  const cpu = cpus();
  const machine = `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
  const perRound = (list) => list.map((entry) => entry.per_s).join(', ');
  const cpuRound = (list) => list.map((entry) => entry.cpu_us_per_delivery).join(', ');
  const rssRound = (list) => list.map((entry) => entry.peak_rss_mb).join(', ');
  return [
    '## Delivery',
    '',
    '`npm run bench:delivery` (bench/delivery.mjs, against the built dist). Signed (Ed25519, RFC 9421 webhook profile)',
    `webhook deliveries, N = ${N} at concurrency ${C}, one attempt each, to a loopback node:http receiver (204) in its`,
    'own process. Every measurement is a fresh child process; ours and the anchor alternate over the rounds of one run',
    'and the table shows medians. Peak RSS is the child\'s `maxRSS`; client CPU is the child\'s user+system CPU time',
    'between the first and the last delivery divided by the deliveries (less sensitive than wall-clock rates to other',
    'load on the machine). Ours runs with `unsafeAllowPrivateNetwork: true` because the SSRF guard (on by default)',
    'refuses plain http and loopback.',
    '',
    `Machine: ${machine}; load average ${load.start.toFixed(1)} at start, ${load.end.toFixed(1)} at end.`,
    '',
    '| implementation | deliveries/s (median) | client CPU µs per delivery (median) | peak RSS MB (median) | rounds: deliveries/s | rounds: CPU µs | rounds: peak RSS MB |',
    '|---|---:|---:|---:|---|---|---|',
    `| ours: \`createWebhookDelivery\` + \`createRfc9421Signer\` (Ed25519) | ${summary.ours.perS} | ${summary.ours.cpu} | ${summary.ours.rss} | ${perRound(summary.runs.ours)} | ${cpuRound(summary.runs.ours)} | ${rssRound(summary.runs.ours)} |`,
    `| anchor: \`@adcp/sdk@6.11.0\` \`createWebhookEmitter\` (Ed25519) | ${summary.anchor.perS} | ${summary.anchor.cpu} | ${summary.anchor.rss} | ${perRound(summary.runs.anchor)} | ${cpuRound(summary.runs.anchor)} | ${rssRound(summary.runs.anchor)} |`,
    `| **ours vs anchor** | **${summary.throughputRatio.toFixed(2)}×** throughput (target ≥ 3×) | **${summary.cpuRatio.toFixed(2)}×** less CPU | **${summary.rssRatio.toFixed(2)}×** RSS (target ≤ 0.5×) | | | |`,
    `| context: ours with a minimal inline profile signer (bench/minimal-signer.mjs, not product code) | ${summary.minimal.perS} | ${summary.minimal.cpu} | ${summary.minimal.rss} | ${perRound(summary.runs.minimal)} | ${cpuRound(summary.runs.minimal)} | ${rssRound(summary.runs.minimal)} |`,
    `| context: raw undici Pool, unsigned POST (transport ceiling) | ${summary.raw.perS} | ${summary.raw.cpu} | ${summary.raw.rss} | ${perRound(summary.runs.raw)} | ${cpuRound(summary.runs.raw)} | ${rssRound(summary.runs.raw)} |`,
    `| context: raw node:http keep-alive Agent, unsigned POST (bench/raw-node-http.mjs) | ${summary.nodeHttp.perS} | ${summary.nodeHttp.cpu} | ${summary.nodeHttp.rss} | ${perRound(summary.runs.nodeHttp)} | ${cpuRound(summary.runs.nodeHttp)} | ${rssRound(summary.runs.nodeHttp)} |`,
    `| context: Ed25519 sign + sha-256 digest, one core (signing ceiling) | ${summary.sign.perS} | | | ${perRound(summary.runs.sign)} | | |`,
    '',
    `Targets in this run: throughput ${summary.throughputRatio.toFixed(2)}× (≥ 3×: ${summary.throughputRatio >= 3 ? 'met' : 'not met'}), ` +
      `peak RSS ${summary.rssRatio.toFixed(2)}× (≤ 0.5×: ${summary.rssRatio <= 0.5 ? 'met' : 'not met'}).`,
    '',
    'Reading the rows: the minimal-signer row is the same runtime with a bare-bones inline profile signer; the product',
    'signer (`createRfc9421Signer`) now costs about the same: per attempt it assembles `Signature-Input` and the',
    'signature base by hand for the fixed profile (byte-identical to the structured-headers serialization, property-',
    'tested), reuses the canonical `@target-uri`/`@authority` of the URL, cuts the nonce from a CSPRNG pool and skips',
    'the duplicate-key scan only for bodies the runtime serialized itself. What is left per delivery is mostly the',
    'Ed25519 signature, undici and the socket writes.',
    'Peak RSS: every undici client here (ours, raw undici, the anchor through fetch) pays a one-off ~35-45 MB of',
    'compiler memory when V8 tiers up undici\'s llhttp WebAssembly parser, a few hundred ms into the run; that spike',
    '(~105-112 MB in total) is where ours peaks; our transport alone (undici Agent plus the SSRF-guarded connector, no',
    'signing or store) peaks there too, and at ~75 MB when that tier-up is switched off (`--liftoff-only`, a diagnostic',
    'only). The runtime\'s own heap stays below the spike for the 5,000 deliveries.',
    'No V8 or Node flag is set for either side.',
    'On this 2-core machine other work shares the CPUs, so wall-clock rates vary between rounds; the CPU column is the',
    'steadier comparison.',
  ].join('\n');
}

main().catch((error) => {
  process.stderr.write(`bench:delivery: ${error.message}\n`);
  process.exit(1);
});
