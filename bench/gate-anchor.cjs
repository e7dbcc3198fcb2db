// One measurement process for bench/gate.mjs: the anchor's sync path, @adcp/sdk@6.11.0
// createAdcpServerFromPlatform dispatch of create_media_buy, µs per call, with vs without
// push_notification_config (its F12 auto-emit is on by default; the emitter is a counting stub).
// Adapted from ../shared/bench-anchor/anchor-gate-overhead.js with the same N and rounds as ours.
// Prints one JSON line.
process.env.NODE_ENV = 'test';
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');
const anchorRequire = createRequire(join(process.env.ANCHOR_DIR, 'package.json'));
const { createAdcpServerFromPlatform } = anchorRequire('@adcp/sdk/server');

const N = Number(process.env.N || 20000);
const ROUNDS = Number(process.env.INNER_ROUNDS || 3);
const platform = {
  capabilities: { specialisms: ['sales-non-guaranteed'], creative_agents: [], channels: ['display'], pricingModels: ['cpm'], config: {} },
  statusMappers: {},
  accounts: { resolve: async (ref) => ({ id: ref?.account_id ?? 'acc_1', name: 'Acme', status: 'active', metadata: {}, authInfo: { kind: 'api_key' } }) },
  sales: { getProducts: async () => ({ products: [] }), createMediaBuy: async () => ({ media_buy_id: 'mb_42', status: 'active', packages: [] }) },
};
let emits = 0;
const server = createAdcpServerFromPlatform(platform, {
  name: 'b',
  version: '1',
  validation: { requests: 'off', responses: 'off' },
  taskWebhookEmitter: { emit: async () => { emits++; return { delivered: true }; }, unsigned: true },
  logger: { debug() {}, info() {}, warn() {}, error() {} },
});
const PNC = { url: 'https://buyer.example.com/webhook', token: 'tok_1234567890abcdef', operation_id: 'op_bench_1' };

function now() {
  const cpu = process.cpuUsage();
  return { wall: process.hrtime.bigint(), cpu: cpu.user + cpu.system };
}

const perCallNs = new Float64Array(N);

function medianOf(samples, n) {
  const view = samples.subarray(0, n).sort();
  return n % 2 ? view[(n - 1) / 2] : (view[n / 2 - 1] + view[n / 2]) / 2;
}

async function loop(n, withPnc) {
  const start = now();
  for (let i = 0; i < n; i++) {
    const args = { account: { account_id: 'acc_1' }, packages: [], idempotency_key: randomUUID() };
    if (withPnc) args.push_notification_config = PNC;
    const callStart = process.hrtime.bigint();
    await server.dispatchTestRequest({ method: 'tools/call', params: { name: 'create_media_buy', arguments: args } });
    if (i < perCallNs.length) perCallNs[i] = Number(process.hrtime.bigint() - callStart);
  }
  const end = now();
  const median = medianOf(perCallNs, Math.min(n, perCallNs.length)) / 1000;
  return { wall: Number(end.wall - start.wall) / n / 1000, cpu: (end.cpu - start.cpu) / n, median };
}

(async () => {
  await loop(1000, true);
  await loop(1000, false);
  const rounds = [];
  // ABBA, as in ours: odd rounds run "with" first.
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) rounds.push({ without: await loop(N, false), with: await loop(N, true) });
    else {
      const withPnc = await loop(N, true);
      rounds.push({ without: await loop(N, false), with: withPnc });
    }
  }
  process.stdout.write(`${JSON.stringify({ N, rounds, emits })}\n`);
})();
