// The ceiling of bench:receiver on one core: per webhook, one Ed25519 verify over a signature base
// of the profile's size plus the SHA-256 of the same body bytes the load sends, nothing else.
import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { benchPayload } from './lib/bench-payload.mjs';

const N = Number(process.env.N);
const privateKey = createPrivateKey({ key: JSON.parse(process.env.PRIVATE_JWK), format: 'jwk' });
const publicKey = createPublicKey(privateKey);
const bodies = Array.from({ length: 256 }, (_, k) => Buffer.from(JSON.stringify({ idempotency_key: `whk_bench_${k}_0123456789abcdefghij`, ...benchPayload(k) })));
const base = Buffer.from(`"@method": POST\n"@target-uri": http://127.0.0.1:40000/adcp/webhook/op\n"@authority": 127.0.0.1:40000\n"content-type": application/json\n"content-digest": sha-256=:${'A'.repeat(43)}:\n"@signature-params": ("@method" "@target-uri" "@authority" "content-type" "content-digest");created=1776520800;expires=1776521100;nonce="KXYnfEfJ0PBRZXQyVXfVQA";keyid="bench-ed25519";alg="ed25519";tag="adcp/webhook-signing/v1"`);
const signature = sign(null, base, privateKey);
let ok = 0;
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  createHash('sha256').update(bodies[i & 255]).digest();
  if (verify(null, base, publicKey, signature)) ok += 1;
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
process.stdout.write(`${JSON.stringify({ n: N, ok, seconds, per_second: N / seconds, cpu_us_per_op: (cpu.user + cpu.system) / N })}\n`);
