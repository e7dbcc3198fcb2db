// `npm run example:buyer`: runs the buyer receiver until Ctrl-C.
//   ADCP_BUYER_JWKS=jwks.json         RFC 9421 against the seller's JWKS ({"keys": [...]}) — the default mode
//   ADCP_BUYER_HMAC_SECRET=…          legacy HMAC-SHA256 instead
//   ADCP_BUYER_BEARER_TOKEN=…         legacy Bearer instead
//   ADCP_BUYER_TOKEN=…                the push_notification_config.token every payload must echo
//   ADCP_BUYER_HOST / ADCP_BUYER_PORT where to listen (127.0.0.1:8787; port 0 picks a free one)
// With none of the three modes set it runs a demo: it makes a seller key pair, trusts its public half,
// writes the private half to a temp file and prints a `webhook send` command that signs with it.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInMemoryReplayCache, stderrJsonLogger, type McpWebhookPayload } from '../../src/index.js';
import { generateDemoKeyPair } from './demo-keys.js';
import { startBuyerReceiver } from './receiver.js';
import type { ReceiverAuthentication } from './verify-request.js';

const env = process.env;

function authenticationFromEnv(): { auth: ReceiverAuthentication; demoKeyFile?: string } {
  if (env['ADCP_BUYER_JWKS'] !== undefined) {
    const jwks = JSON.parse(readFileSync(env['ADCP_BUYER_JWKS'], 'utf8')) as { keys: [] };
    return { auth: { mode: 'rfc9421', jwks: jwks.keys, replay: createInMemoryReplayCache() } };
  }
  if (env['ADCP_BUYER_HMAC_SECRET'] !== undefined) return { auth: { mode: 'hmac-sha256', secret: env['ADCP_BUYER_HMAC_SECRET'] } };
  if (env['ADCP_BUYER_BEARER_TOKEN'] !== undefined) return { auth: { mode: 'bearer', token: env['ADCP_BUYER_BEARER_TOKEN'] } };
  const keys = generateDemoKeyPair();
  const demoKeyFile = join(mkdtempSync(join(tmpdir(), 'adcp-buyer-demo-')), 'seller-private-jwk.json');
  writeFileSync(demoKeyFile, `${JSON.stringify(keys.privateJwk)}\n`, { mode: 0o600 });
  return { auth: { mode: 'rfc9421', jwks: [keys.publicJwk], replay: createInMemoryReplayCache() }, demoKeyFile };
}

function onWebhook(payload: McpWebhookPayload): void {
  const line = { task_id: payload.task_id, task_type: payload.task_type, status: payload.status, idempotency_key: payload.idempotency_key };
  process.stdout.write(`webhook ${JSON.stringify(line)}\n`);
}

const { auth, demoKeyFile } = authenticationFromEnv();
const expectedToken = env['ADCP_BUYER_TOKEN'];
const receiver = await startBuyerReceiver(
  { authentication: auth, onWebhook, logger: stderrJsonLogger, ...(expectedToken === undefined ? {} : { expectedToken }) },
  { host: env['ADCP_BUYER_HOST'] ?? '127.0.0.1', port: Number(env['ADCP_BUYER_PORT'] ?? 8787) },
);
process.stdout.write(`buyer receiver (${auth.mode}) listening on ${receiver.url}\n`);
if (demoKeyFile !== undefined) {
  process.stdout.write(
    `demo seller key: ${demoKeyFile}\ntry: npx adcp-codegen webhook send --url ${receiver.url} --task-type create_media_buy ` +
      `--status completed --operation-id op_demo --jwk ${demoKeyFile} --unsafe-allow-private-network\n`,
  );
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void receiver.close().then(() => process.exit(0)));
}
