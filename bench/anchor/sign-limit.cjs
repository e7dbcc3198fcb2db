// Context line: Ed25519 signature plus sha-256 digest per second on one core — the signing ceiling
// (method of /work/shared/bench-anchor/sign-limit.js).
const { generateKeyPairSync, sign, createHash } = require('node:crypto');

const { privateKey } = generateKeyPairSync('ed25519');
const body = Buffer.from(JSON.stringify({ task_id: 'task_1', task_type: 'create_media_buy', status: 'completed', result: { media_buy_id: 'mb_1' } }));
const N = 50_000;
const started = process.hrtime.bigint();
for (let i = 0; i < N; i++) {
  createHash('sha256').update(body).digest('base64');
  sign(null, Buffer.from(`"@method": POST\n"@target-uri": https://x/y\n${i}`), privateKey);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(`${JSON.stringify({ impl: 'sign-limit', per_s: Math.round(N / seconds) })}\n`);
