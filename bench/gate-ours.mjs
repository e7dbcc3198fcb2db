// One measurement process for bench/gate.mjs: our sync path (handler → projection → the
// sync-completion gate) on create_media_buy, µs per call, with vs without push_notification_config,
// for the gate off (the default) and on. Like the anchor's script, every call builds fresh args with
// a fresh idempotency_key and the push config is one shared object; the sender is a counting stub
// (the anchor's emitter is one too), so neither side pays for network delivery here.
// With the gate on, "path" is what the caller waits for; "deferred" is the envelope build and
// hand-off that run right after, one batch per event-loop turn. Prints one JSON line.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const { createSyncCompletionGate, maybeEmitSyncCompletion } = await import(
  pathToFileURL(join(process.env.REPO_ROOT, 'dist/src/runtime/webhooks/index.js')).href
);

const N = Number(process.env.N || 20000);
const ROUNDS = Number(process.env.INNER_ROUNDS || 3);
// The same config as the anchor's, plus operation_id: AdCP 3.1 requires it (without it the gate skips).
const PNC = { url: 'https://buyer.example.com/webhook', token: 'tok_1234567890abcdef', operation_id: 'op_bench_1' };
let emits = 0;
const sender = { send: () => ((emits += 1), { queued: true, idempotencyKey: 'whk_counted_00000000' }) };
const silent = { log() {} };
const platform = {
  createMediaBuy: async () => ({ media_buy_id: 'mb_42', status: 'completed', packages: [], confirmed_at: null, revision: 1, ctx_metadata: { internal: true } }),
};
const project = ({ ctx_metadata: _internal, ...wire }) => wire;

async function dispatch(gate, args) {
  const response = project(await platform.createMediaBuy(args));
  maybeEmitSyncCompletion(gate, { tool: 'create_media_buy', params: args, response });
  return response;
}

// A server yields to the event loop between requests, so the gate's batch (setImmediate) runs every
// turn. A tight loop never yields: flushing every FLUSH_EVERY calls stands in for those turns, and
// the flushes are timed apart as the deferred cost.
const FLUSH_EVERY = 100;

const now = () => {
  const cpu = process.cpuUsage();
  return { wall: process.hrtime.bigint(), cpu: cpu.user + cpu.system };
};
const perCall = (from, to, n) => ({ wall: Number(to.wall - from.wall) / n / 1000, cpu: (to.cpu - from.cpu) / n });

/** Median of the first `n` entries (sorts them in place). */
function medianOf(samples, n) {
  const view = samples.subarray(0, n).sort();
  return n % 2 ? view[(n - 1) / 2] : (view[n / 2 - 1] + view[n / 2]) / 2;
}

const perCallNs = new Float64Array(Number(process.env.N || 20000));

async function loop(gate, n, withPnc) {
  let deferredWall = 0n;
  let deferredCpu = 0;
  const flush = () => {
    const before = now();
    gate.flush();
    const after = now();
    deferredWall += after.wall - before.wall;
    deferredCpu += after.cpu - before.cpu;
  };
  const start = now();
  for (let i = 0; i < n; i++) {
    const args = { account: { account_id: 'acc_1' }, packages: [], idempotency_key: randomUUID() };
    if (withPnc) args.push_notification_config = PNC;
    const callStart = process.hrtime.bigint();
    await dispatch(gate, args);
    if (i < perCallNs.length) perCallNs[i] = Number(process.hrtime.bigint() - callStart);
    if (i % FLUSH_EVERY === FLUSH_EVERY - 1) flush();
  }
  flush();
  const end = now();
  const total = perCall(start, end, n);
  const deferred = { wall: Number(deferredWall) / n / 1000, cpu: deferredCpu / n };
  const median = medianOf(perCallNs, Math.min(n, perCallNs.length)) / 1000;
  return { path: { wall: total.wall - deferred.wall, cpu: total.cpu - deferred.cpu, median }, deferred };
}

const off = createSyncCompletionGate({ enabled: false, sender, logger: silent });
const on = createSyncCompletionGate({ enabled: true, sender, logger: silent });
for (const gate of [off, on]) for (const withPnc of [false, true]) await loop(gate, 2000, withPnc); // warm-up
const rounds = [];
// ABBA: odd rounds run "with" before "without", so neither arm always pays for the other's garbage.
const pair = async (gate, withFirst) => {
  if (!withFirst) return [await loop(gate, N, false), await loop(gate, N, true)];
  const withPnc = await loop(gate, N, true);
  return [await loop(gate, N, false), withPnc];
};
for (let r = 0; r < ROUNDS; r++) {
  const [offWithout, offWith] = await pair(off, r % 2 === 1);
  const [onWithout, onWith] = await pair(on, r % 2 === 1);
  rounds.push({
    off_without: offWithout.path,
    off_with: offWith.path,
    on_without: onWithout.path,
    on_with: onWith.path,
    on_with_deferred: onWith.deferred,
  });
}
process.stdout.write(`${JSON.stringify({ N, rounds, emits })}\n`);
