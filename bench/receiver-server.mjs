// One receiving server for bench:receiver, in its own process: ARM=ours (the node:http adapter of
// createWebhookReceiver: verify, dedup, validate, dispatch) or ARM=anchor (@adcp/sdk@6.11.0
// createWebhookVerifier behind node:http, with the JSON parse and an idempotency_key Set a buyer
// adds around it). Prints its port; on SIGTERM prints {"accepted": n} and exits.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const repoRoot = process.env.REPO_ROOT;
const arm = process.env.ARM;
const jwk = JSON.parse(process.env.PUBLIC_JWK);
const MAX_BODY = 1024 * 1024;
let accepted = 0;

const server = createServer();
server.keepAliveTimeout = 60_000;
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}`;

if (arm === 'ours') {
  const { createWebhookReceiver, nodeHttpWebhookHandler, staticKeySource } = await import(join(repoRoot, 'dist/src/index.js'));
  const receiver = createWebhookReceiver({
    keys: staticKeySource([jwk], { sender: 'https://seller.example.com' }),
    registration: { mode: 'rfc9421' },
    publicBaseUrl: base,
  }).on('create_media_buy', 'completed', () => {
    accepted += 1;
  });
  server.on('request', nodeHttpWebhookHandler(receiver));
} else {
  const require = createRequire(join(repoRoot, 'package.json'));
  const { createWebhookVerifier, StaticJwksResolver } = require('@adcp/sdk/signing/server');
  const verify = createWebhookVerifier({ jwks: new StaticJwksResolver([jwk]) });
  const seen = new Set();
  server.on('request', (req, res) => {
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return void res.writeHead(415).end();
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', async () => {
      if (size > MAX_BODY) return void res.writeHead(413).end();
      const body = Buffer.concat(chunks).toString('utf8');
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
}

process.stdout.write(`${base}\n`);
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ accepted })}\n`);
  process.exit(0);
});
