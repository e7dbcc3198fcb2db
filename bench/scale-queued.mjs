// One memory point for bench:scale, in its own process: QUEUED signed deliveries accepted by
// createWebhookDelivery (deliverInBackground, concurrency C) towards a receiver that accepts
// connections and never answers (URL), so all but C wait in the queue. Prints the RSS and heap
// growth per queued delivery after a full GC (run with --expose-gc).
import { generateKeyPairSync } from 'node:crypto';
import { benchPayload } from './lib/bench-payload.mjs';

const dist = new URL('../dist', import.meta.url).href;
const { createWebhookDelivery } = await import(`${dist}/src/runtime/delivery/index.js`);
const { createRfc9421Signer } = await import(`${dist}/src/runtime/signing/index.js`);
const QUEUED = Number(process.env.QUEUED || 10_000);
const C = Number(process.env.C || 64);
const url = process.env.URL;
const { privateKey } = generateKeyPairSync('ed25519');
const signer = createRfc9421Signer({ key: { ...privateKey.export({ format: 'jwk' }), kid: 'k1' } });
const delivery = createWebhookDelivery({
  unsafeAllowPrivateNetwork: true,
  concurrency: C,
  maxQueue: QUEUED + C,
  attemptTimeoutMs: 600_000,
  retry: { maxAttempts: 1 },
});

function settle() {
  return new Promise((resolve) => setTimeout(resolve, 200));
}

async function measured() {
  globalThis.gc();
  await settle();
  globalThis.gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

// Warm the transport and signer so the baseline holds their fixed cost.
for (let i = 0; i < C; i++) delivery.deliverInBackground({ url, signer, payload: benchPayload(i) });
await settle();
const before = await measured();
let refused = 0;
for (let i = 0; i < QUEUED; i++) {
  const acceptance = delivery.deliverInBackground({ url, signer, payload: benchPayload(C + i) });
  if (!acceptance.accepted) refused += 1;
}
await settle();
const after = await measured();
process.stdout.write(
  `${JSON.stringify({
    queued: QUEUED,
    refused,
    rss_growth_mb: Number(((after.rss - before.rss) / 1e6).toFixed(1)),
    rss_bytes_per_queued: Math.round((after.rss - before.rss) / QUEUED),
    heap_bytes_per_queued: Math.round((after.heapUsed - before.heapUsed) / QUEUED),
  })}\n`,
);
process.exit(0);
