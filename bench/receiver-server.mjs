// One receiving server for bench:receiver, in its own process. ARM selects what answers:
//   ours | ours-sqlite | ours-postgres  the node:http adapter of createWebhookReceiver (verify, dedup,
//                                       validate, dispatch) on memory, SQLite or PostgreSQL stores
//                                       (replay cache and idempotency_key dedup both in the backend)
//   anchor                              @adcp/sdk@6.11.0 createWebhookVerifier behind node:http, with
//                                       the JSON parse and an idempotency_key Set a buyer adds around it
//   http                                the HTTP-serving ceiling: a bare node:http handler that reads
//                                       the body and answers 200, nothing else
//   floor                               HTTP + verify floor: the bare handler plus one SHA-256 of the
//                                       body and one Ed25519 verify per request, nothing else
// Prints its URL; on SIGTERM prints {"accepted": n} and exits.
import { createHash, createPrivateKey, createPublicKey, sign, verify as verifyEd25519 } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repoRoot = process.env.REPO_ROOT;
const arm = process.env.ARM;
const jwk = JSON.parse(process.env.PUBLIC_JWK);
const MAX_BODY = 1024 * 1024;
let accepted = 0;
// Server CPU (user + system) from the first request on: per-webhook CPU is steadier than wall-clock
// throughput on a shared machine.
let cpuAtFirstRequest;
let cleanup = async () => undefined;

const server = createServer();
server.keepAliveTimeout = 60_000;
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;
server.once('request', () => {
  cpuAtFirstRequest = process.cpuUsage();
});

/** Reads the body the way a buyer's handler would: chunks, capped, one Buffer at the end. */
function readBody(req, onBody) {
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => onBody(size > MAX_BODY ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
}

async function openStores() {
  // The public export; the module itself for a dist built before it was exported (A/B runs).
  const openReceiverStores =
    (await import(join(repoRoot, 'dist/src/index.js'))).openReceiverStores ??
    (await import(join(repoRoot, 'dist/src/runtime/receiver/stores/open.js'))).openReceiverStores;
  if (arm === 'ours-sqlite') {
    const path = join(tmpdir(), `adcp-bench-receiver-${process.pid}.sqlite`);
    const stores = await openReceiverStores(`sqlite:${path}`);
    cleanup = async () => {
      await stores.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    };
    return stores;
  }
  if (arm === 'ours-postgres') {
    const url = process.env.PG_URL;
    const prefix = `bench_recv_${process.pid}_`;
    const stores = await openReceiverStores(url, { prefix });
    cleanup = async () => {
      await stores.close();
      const pg = createRequire(join(repoRoot, 'package.json'))('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (const table of ['nonces', 'nonce_keyids', 'nonce_totals', 'events', 'schema_migrations']) await client.query(`DROP TABLE IF EXISTS "${prefix}${table}"`);
      for (const fn of ['nonce_admit', 'nonce_purge']) await client.query(`DROP FUNCTION IF EXISTS "${prefix}${fn}"`);
      await client.end();
    };
    return stores;
  }
  return undefined;
}

if (arm === 'ours' || arm === 'ours-sqlite' || arm === 'ours-postgres') {
  const { createWebhookReceiver, nodeHttpWebhookHandler, staticKeySource } = await import(join(repoRoot, 'dist/src/index.js'));
  const stores = await openStores();
  const receiver = createWebhookReceiver({
    keys: staticKeySource([jwk], { sender: 'https://seller.example.com' }),
    registration: { mode: 'rfc9421' },
    publicBaseUrl: base,
    ...(stores === undefined ? {} : { nonces: stores.nonces, dedup: stores.dedup }),
  }).on('create_media_buy', 'completed', () => {
    accepted += 1;
  });
  server.on('request', nodeHttpWebhookHandler(receiver));
} else if (arm === 'anchor') {
  const require = createRequire(join(repoRoot, 'package.json'));
  const { createWebhookVerifier, StaticJwksResolver } = require('@adcp/sdk/signing/server');
  const verify = createWebhookVerifier({ jwks: new StaticJwksResolver([jwk]) });
  const seen = new Set();
  server.on('request', (req, res) => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return void res.writeHead(415).end();
    readBody(req, async (raw) => {
      if (raw === undefined) return void res.writeHead(413).end();
      const body = raw.toString('utf8');
      try {
        await verify({ method: req.method, url: `${base}${req.url}`, headers: req.headers, body });
      } catch (error) {
        return void res.writeHead(401, { 'www-authenticate': `Signature error="${error.code}"` }).end();
      }
      const payload = JSON.parse(body);
      if (!seen.has(payload.idempotency_key)) {
        seen.add(payload.idempotency_key);
        accepted += 1;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"received"}');
    });
  });
} else if (arm === 'http' || arm === 'floor') {
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
  // The floor verifies one signature per request over a base of the profile's size, signed once at
  // start-up with the bench key (so every verify succeeds on real bytes).
  const floorBase = Buffer.from(`"@method": POST\n"@target-uri": ${base}/adcp/webhook/op\n"@authority": ${base.slice(7)}\n"content-type": application/json\n"content-digest": sha-256=:${'A'.repeat(43)}:\n"@signature-params": ("@method" "@target-uri" "@authority" "content-type" "content-digest");created=1776520800;expires=1776521100;nonce="KXYnfEfJ0PBRZXQyVXfVQA";keyid="bench-ed25519";alg="ed25519";tag="adcp/webhook-signing/v1"`);
  const floorSignature = sign(null, floorBase, createPrivateKey({ key: JSON.parse(process.env.PRIVATE_JWK), format: 'jwk' }));
  server.on('request', (req, res) => {
    readBody(req, (body) => {
      if (arm === 'floor') {
        createHash('sha256').update(body).digest();
        if (!verifyEd25519(null, floorBase, publicKey, floorSignature)) return void res.writeHead(401).end();
      }
      accepted += 1;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"received"}');
    });
  });
} else {
  throw new Error(`unknown ARM ${arm}`);
}

process.stdout.write(`${base}\n`);
process.on('SIGTERM', () => {
  const cpu = process.cpuUsage(cpuAtFirstRequest);
  const cpuMicros = cpu.user + cpu.system;
  void cleanup()
    .catch((error) => process.stderr.write(`cleanup failed: ${error.message}\n`))
    .finally(() => {
      process.stdout.write(`${JSON.stringify({ accepted, cpu_us_per_webhook: cpuMicros / Math.max(accepted, 1) })}\n`);
      process.exit(0);
    });
});
