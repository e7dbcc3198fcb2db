// Context line: unsigned POSTs of a same-size body over an undici Pool at the same concurrency —
// the transport ceiling (method of /work/shared/bench-anchor/raw-undici.js).
const { createRequire } = require('node:module');
const { join } = require('node:path');

const { Pool } = createRequire(join(__dirname, '..', '.anchor', 'package.json'))('undici');

const N = Number(process.env.N || 5000);
const C = Number(process.env.C || 64);
const url = new URL(process.env.URL);
const pool = new Pool(url.origin, { connections: C });
const body = JSON.stringify({
  idempotency_key: 'evt_0123456789abcdef0123',
  task_id: 'task_1',
  task_type: 'create_media_buy',
  status: 'completed',
  timestamp: new Date().toISOString(),
  protocol: 'media-buy',
  token: 'tok_1234567890abcdef',
  result: { media_buy_id: 'mb_1', status: 'active', packages: [{ package_id: 'pkg_1', product_id: 'p1', budget: 1000 }] },
});

async function main() {
  let next = 0;
  let ok = 0;
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  async function worker() {
    while (next < N) {
      next += 1;
      const response = await pool.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.body.dump();
      if (response.statusCode < 300) ok += 1;
    }
  }
  await Promise.all(Array.from({ length: C }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(`${JSON.stringify({ impl: 'raw-undici', N, C, ok, per_s: Math.round(ok / seconds), cpu_us_per_delivery: Math.round((cpu.user + cpu.system) / ok), peak_rss_mb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6) })}\n`);
  await pool.close();
}
main();
