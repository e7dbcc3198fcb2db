// The load of bench:receiver, in its own process: N distinct webhooks (fresh idempotency_key and
// nonce each), signed before the clock starts with the bench key, then POSTed to TARGET over an
// undici Pool at C concurrent requests. Prints {"n", "seconds", "per_second", "statuses"}.
import { join } from 'node:path';
import { Pool } from 'undici';
import { benchPayload } from './lib/bench-payload.mjs';

const repoRoot = process.env.REPO_ROOT;
const target = new URL(process.env.TARGET);
const N = Number(process.env.N);
const C = Number(process.env.C);
const { loadPrivateSigningKey, signRfc9421Request, freshNonce } = await import(join(repoRoot, 'dist/src/runtime/signing/index.js'));
const key = loadPrivateSigningKey(JSON.parse(process.env.PRIVATE_JWK));

const url = `${target.origin}/adcp/webhook/op`;
const now = Math.floor(Date.now() / 1000);
const requests = Array.from({ length: N }, (_, k) => {
  const body = Buffer.from(JSON.stringify({ idempotency_key: `whk_bench_${process.pid}_${k}_${freshNonce()}`, ...benchPayload(k) }));
  const signed = signRfc9421Request({ method: 'POST', url, contentType: 'application/json', body }, key, { created: now, expires: now + 300, nonce: freshNonce() });
  return { body, headers: { 'content-type': 'application/json', ...signed.headers } };
});

const pool = new Pool(target.origin, { connections: C, pipelining: 1 });
const statuses = {};
let next = 0;
async function worker() {
  while (next < N) {
    const request = requests[next++];
    const response = await pool.request({ path: '/adcp/webhook/op', method: 'POST', headers: request.headers, body: request.body });
    await response.body.dump();
    statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
  }
}
const started = process.hrtime.bigint();
await Promise.all(Array.from({ length: C }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
await pool.close();
process.stdout.write(`${JSON.stringify({ n: N, seconds, per_second: N / seconds, statuses })}\n`);
