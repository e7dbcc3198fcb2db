// One measurement of bench:durable, in its own process (fresh heap and JIT), one JSON line out.
//   MODE=enqueue STORE_URL=… N=…         per-call cost of the request path, sequential:
//                                        store.enqueue (the durable write alone) and outbox.enqueue
//                                        (URL check + one serialization + the write)
//   MODE=e2e STORE_URL=… N=… C=… URL=…   N signed webhooks enqueued through the outbox by C concurrent
//                                        producers and delivered by this process's worker
//                                        (concurrency C), first enqueue to last delivery
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createDurableOutbox } from '../dist/src/runtime/store/durable-outbox.js';
import { openDeliveryStore } from '../dist/src/runtime/store/store-url.js';
import { createRfc9421Signer } from '../dist/src/runtime/signing/index.js';
import { benchPayload } from './lib/bench-payload.mjs';

const { MODE, STORE_URL } = process.env;
const N = Number(process.env.N ?? 5000);
const { privateKey } = generateKeyPairSync('ed25519');
const signer = createRfc9421Signer({ key: { ...privateKey.export({ format: 'jwk' }), kid: 'bench-key' } });
const payload = benchPayload;

const store = await openDeliveryStore(STORE_URL);
const out = MODE === 'enqueue' ? await measureEnqueue() : await measureEndToEnd();
process.stdout.write(`${JSON.stringify({ store: STORE_URL.split(':')[0], mode: MODE, N, ...out })}\n`);
await store.close();

async function measureEnqueue() {
  const outbox = createDurableOutbox({ store, resolveSigner: () => signer, worker: false });
  const body = Buffer.from(JSON.stringify({ idempotency_key: `whk_${randomUUID()}`, ...payload(0) }));
  const raw = await timeEach(N, () =>
    store.enqueue({
      id: randomUUID(),
      idempotencyKey: `whk_${randomUUID()}`,
      url: 'https://buyer.example/webhooks/adcp',
      body,
      signing: signer.descriptor,
      nextAttemptAt: Date.now(),
      labels: { task_type: 'create_media_buy' },
    }),
  );
  const full = await timeEach(N, async (k) => {
    const accepted = await outbox.enqueue({ url: 'https://buyer.example/webhooks/adcp', payload: payload(k), signer });
    if (!accepted.accepted) throw new Error(accepted.reason);
  });
  await outbox.close();
  return { store_enqueue: summary(raw), outbox_enqueue: summary(full) };
}

async function timeEach(count, call) {
  for (let k = 0; k < Math.min(1000, count); k++) await call(k); // warm-up
  const micros = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const started = process.hrtime.bigint();
    await call(k);
    micros[k] = Number(process.hrtime.bigint() - started) / 1000;
  }
  return micros.sort();
}

function summary(sorted) {
  const at = (q) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1));
  return { median_us: at(0.5), p99_us: at(0.99), p999_us: at(0.999), max_us: at(1) };
}

async function measureEndToEnd() {
  let delivered = 0;
  let failed = 0;
  let done;
  const allSettled = new Promise((resolve) => (done = resolve));
  const outbox = createDurableOutbox({
    store,
    resolveSigner: () => signer,
    unsafeAllowPrivateNetwork: true,
    concurrency: Number(process.env.C ?? 64),
    retry: { maxAttempts: 1 },
    observer: (outcome) => {
      if (outcome.delivered) delivered += 1;
      else failed += 1;
      if (delivered + failed === N) done();
    },
  });
  // C producers, like request handlers each enqueueing one webhook, while the worker delivers.
  let next = 0;
  const producer = async () => {
    while (next < N) {
      const k = next++;
      const accepted = await outbox.enqueue({ url: process.env.URL, payload: payload(k), signer });
      if (!accepted.accepted) throw new Error(accepted.reason);
    }
  };
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Number(process.env.C ?? 64) }, producer));
  await allSettled;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await outbox.close();
  return {
    delivered,
    failed,
    seconds: Number(seconds.toFixed(3)),
    per_s: Math.round(delivered / seconds),
    peak_rss_mb: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
  };
}
