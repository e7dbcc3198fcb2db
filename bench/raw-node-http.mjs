// Context line: the raw-undici transport ceiling's twin on node:http — unsigned POSTs of the same
// body over a keep-alive http.Agent (maxSockets = C) at the same concurrency. node:http parses with
// its built-in (native) llhttp instead of undici's WebAssembly build, so this shows what the other
// public transport the issue names would cost and where its peak RSS sits.
import { Agent, request } from 'node:http';

const N = Number(process.env.N || 5000);
const C = Number(process.env.C || 64);
const url = new URL(process.env.URL);
const agent = new Agent({ keepAlive: true, maxSockets: C });
const body = Buffer.from(
  JSON.stringify({
    idempotency_key: 'evt_0123456789abcdef0123',
    task_id: 'task_1',
    task_type: 'create_media_buy',
    status: 'completed',
    timestamp: new Date().toISOString(),
    protocol: 'media-buy',
    token: 'tok_1234567890abcdef',
    result: { media_buy_id: 'mb_1', status: 'active', packages: [{ package_id: 'pkg_1', product_id: 'p1', budget: 1000 }] },
  }),
);

function post() {
  return new Promise((resolve, reject) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
      (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

let next = 0;
let ok = 0;
const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
async function worker() {
  while (next < N) {
    next += 1;
    if ((await post()) < 300) ok += 1;
  }
}
await Promise.all(Array.from({ length: C }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({ impl: 'raw-node-http', N, C, ok, per_s: Math.round(ok / seconds), cpu_us_per_delivery: Math.round((cpu.user + cpu.system) / ok), peak_rss_mb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6) })}\n`,
);
agent.destroy();
