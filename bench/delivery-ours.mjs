// Ours, in its own process: createWebhookDelivery from the BUILT dist with the RFC 9421 Ed25519
// signer, N webhooks at concurrency C (C callers awaiting deliver(), the anchor's shape), one JSON
// line out. Loopback http needs `unsafeAllowPrivateNetwork` (the SSRF guard refuses it otherwise).
// SIGNER=minimal swaps in bench/minimal-signer.mjs (a context line, not the product). DIST=<dir>
// loads another build (e.g. a copy of dist/ from before a change, for a same-run A/B).
// WARMUP=<n> sends n untimed webhooks first.
import { generateKeyPairSync } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMinimalEd25519Signer } from './minimal-signer.mjs';
import { benchPayload } from './lib/bench-payload.mjs';

const dist = process.env.DIST ? pathToFileURL(resolve(process.env.DIST)).href : new URL('../dist', import.meta.url).href;
const { createWebhookDelivery } = await import(`${dist}/src/runtime/delivery/index.js`);
const { createRfc9421Signer } = await import(`${dist}/src/runtime/signing/index.js`);
const N = Number(process.env.N || 5000);
const C = Number(process.env.C || 64);
const url = process.env.URL;
const { privateKey } = generateKeyPairSync('ed25519');
const minimal = process.env.SIGNER === 'minimal';
const signer = minimal
  ? createMinimalEd25519Signer(privateKey, 'k1', url)
  : createRfc9421Signer({ key: { ...privateKey.export({ format: 'jwk' }), kid: 'k1' } });
const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true, concurrency: C, retry: { maxAttempts: 1 } });

// WARMUP=<n> delivers n webhooks first, untimed (bench:scale compares steady states across sizes).
const WARMUP = Number(process.env.WARMUP || 0);
for (let k = 0; k < WARMUP; k += C) {
  await Promise.all(Array.from({ length: Math.min(C, WARMUP - k) }, (_, i) => delivery.deliver({ url, signer, payload: benchPayload(-1 - k - i) })));
}

let next = 0;
let ok = 0;
const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
async function worker() {
  while (next < N) {
    const k = next++;
    const outcome = await delivery.deliver({
      url,
      signer,
      payload: benchPayload(k),
    });
    if (outcome.delivered) ok += 1;
  }
}
await Promise.all(Array.from({ length: C }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({
    impl: minimal ? 'ours-minimal-signer' : 'ours',
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
await delivery.close();
