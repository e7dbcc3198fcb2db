// The anchor: @adcp/sdk@6.11.0 createWebhookEmitter (Ed25519, one attempt) sending N webhooks at
// concurrency C to URL — the shape of /work/shared/bench-anchor/anchor-throughput.js, run from the
// scratch install in bench/.anchor. Prints one JSON line (deliveries/s, current and peak RSS).
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { generateKeyPairSync } = require('node:crypto');

const anchorRequire = createRequire(join(__dirname, '..', '.anchor', 'package.json'));
const { createWebhookEmitter } = anchorRequire('@adcp/sdk/server');

const N = Number(process.env.N || 5000);
const C = Number(process.env.C || 64);
const url = process.env.URL;
const { privateKey } = generateKeyPairSync('ed25519');
const kid = 'k1';
const emitter = createWebhookEmitter({
  signerKey: { keyid: kid, alg: 'ed25519', privateKey: { ...privateKey.export({ format: 'jwk' }), kid } },
  retries: { maxAttempts: 1 },
});
const result = { media_buy_id: 'mb_1', status: 'active', packages: [{ package_id: 'pkg_1', product_id: 'p1', budget: 1000 }] };

async function main() {
  let next = 0;
  let ok = 0;
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  async function worker() {
    while (next < N) {
      const k = next++;
      const outcome = await emitter.emit({
        url,
        operation_id: `op_${k}`,
        payload: {
          task_id: `task_${k}`,
          task_type: 'create_media_buy',
          status: 'completed',
          timestamp: new Date().toISOString(),
          protocol: 'media-buy',
          token: 'tok_1234567890abcdef',
          result,
        },
      });
      if (outcome.delivered) ok += 1;
    }
  }
  await Promise.all(Array.from({ length: C }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  process.stdout.write(
    `${JSON.stringify({
      impl: 'anchor',
      N,
      C,
      ok,
      seconds: Number(seconds.toFixed(3)),
      per_s: Math.round(ok / seconds),
      cpu_us_per_delivery: Math.round((cpu.user + cpu.system) / ok),
      rss_mb: Math.round(process.memoryUsage().rss / 1e6),
      peak_rss_mb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
    })}\n`,
  );
}
main();
