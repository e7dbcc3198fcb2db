// `npm run example:seller` — a minimal AdCP seller wiring both webhook paths against a real receiver.
//
// Demo (default): starts a buyer receiver that verifies signatures, tokens and envelopes, starts
// the seller, plays the buyer (create_media_buy as a task; update_media_buy answered synchronously,
// then replayed; one refused registration), prints one JSON line per response and per webhook
// received, then a summary, and exits 0 when exactly the expected webhooks arrived.
//   --sync-completion (or ADCP_SYNC_COMPLETION=1)  turn the opt-in gate on (non-conformant; logs why)
//
// Serve: `npm run example:seller -- --serve` keeps the seller up until Ctrl-C.
//   ADCP_SELLER_HOST / ADCP_SELLER_PORT           where to listen (127.0.0.1:8788)
//   ADCP_SELLER_JWK=private-jwk.json              the RFC 9421 signing key (default: a fresh demo key)
//   ADCP_UNSAFE_ALLOW_PRIVATE_NETWORK=1           DANGEROUS, local testing only: http and private webhook URLs
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  createRfc9421Signer,
  createWebhookDelivery,
  createWebhookSender,
  stderrJsonLogger,
  type PrivateJwk,
  type PublicJwk,
  type WebhookDelivery,
} from '../../src/index.js';
import { startDemoReceiver } from './demo-receiver.js';
import { startSeller, type RunningSeller } from './seller.js';

const env = process.env;
const syncCompletion = process.argv.includes('--sync-completion') || env['ADCP_SYNC_COMPLETION'] === '1';
const BUYER_TOKEN = 'buyer-token-7f3a9c2e51d84b06';

function demoSigningKeys(kid: string): { privateJwk: PrivateJwk; publicJwk: PublicJwk } {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const common = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: 'EdDSA', use: 'sig', adcp_use: 'request-signing' };
  return { privateJwk: { ...common, d: jwk.d, key_ops: ['sign'] } as PrivateJwk, publicJwk: { ...common, key_ops: ['verify'] } as PublicJwk };
}

function wireDelivery(privateJwk: PrivateJwk, unsafeAllowPrivateNetwork: boolean) {
  const delivery = createWebhookDelivery({ logger: stderrJsonLogger, unsafeAllowPrivateNetwork });
  const sender = createWebhookSender({ delivery, rfc9421: createRfc9421Signer({ key: privateJwk }) });
  return { delivery, sender };
}

async function shutDown(seller: RunningSeller, delivery: WebhookDelivery): Promise<void> {
  await seller.close(); // stops requests and hands scheduled sync-completion webhooks to delivery
  const report = await delivery.drain(10_000);
  if (report.undelivered.length > 0) stderrJsonLogger.log('warn', 'webhooks left undelivered at shutdown', { count: report.undelivered.length });
  await delivery.close();
}

function print(event: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(event)}\n`);
}

async function callSeller(seller: RunningSeller, tool: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(seller.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ tool, arguments: args }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  print({ event: 'response', tool, http_status: response.status, body });
  return body;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function runDemo(): Promise<number> {
  const keys = demoSigningKeys('demo-seller-key');
  const receiver = await startDemoReceiver({ sellerJwks: [keys.publicJwk], token: BUYER_TOKEN });
  // The demo receiver listens on http://127.0.0.1, which the SSRF guard refuses unless told otherwise.
  const { delivery, sender } = wireDelivery(keys.privateJwk, true);
  const seller = await startSeller({ sender, syncCompletion, pushConfigPolicy: { unsafeAllowPrivateNetwork: true }, logger: stderrJsonLogger });
  const pushConfig = (operationId: string) => ({ url: receiver.url, operation_id: operationId, token: BUYER_TOKEN });

  await callSeller(seller, 'create_media_buy', {
    idempotency_key: 'demo-create-0000000000000001',
    push_notification_config: pushConfig('op_create_1'),
    context: { correlation_id: 'demo-create' },
    packages: [],
  });
  const update = {
    idempotency_key: 'demo-update-0000000000000001',
    media_buy_id: 'mb_existing',
    push_notification_config: pushConfig('op_update_1'),
    context: { correlation_id: 'demo-update' },
  };
  await callSeller(seller, 'update_media_buy', update);
  await callSeller(seller, 'update_media_buy', update); // replay: cached response, never a second webhook
  await callSeller(seller, 'update_media_buy', { ...update, idempotency_key: 'demo-update-0000000000000002', push_notification_config: { ...pushConfig('op_update_2'), token: 'short' } });

  const expected = 2 + (syncCompletion ? 1 : 0); // task: working + completed; gate: one completed
  await until(() => receiver.accepted.length >= expected, 10_000);
  await shutDown(seller, delivery);
  for (const webhook of receiver.accepted) {
    const { task_id, task_type, status, operation_id, notification_id, result } = webhook;
    const context = (result as { context?: unknown } | undefined)?.context;
    print({ event: 'webhook', task_type, status, operation_id, task_id, notification_id, context, signature: 'verified', token: 'matched' });
  }
  await receiver.close();
  const ok = receiver.accepted.length === expected && receiver.refused.length === 0;
  print({ event: 'summary', sync_completion: syncCompletion, webhooks: receiver.accepted.length, expected, refused: receiver.refused, ok });
  return ok ? 0 : 1;
}

async function serve(): Promise<void> {
  const keyFile = env['ADCP_SELLER_JWK'];
  const keys = keyFile === undefined ? demoSigningKeys('demo-seller-key') : { privateJwk: JSON.parse(readFileSync(keyFile, 'utf8')) as PrivateJwk, publicJwk: undefined };
  const unsafe = env['ADCP_UNSAFE_ALLOW_PRIVATE_NETWORK'] === '1';
  const { delivery, sender } = wireDelivery(keys.privateJwk, unsafe);
  const seller = await startSeller(
    { sender, syncCompletion, pushConfigPolicy: { unsafeAllowPrivateNetwork: unsafe }, logger: stderrJsonLogger },
    { host: env['ADCP_SELLER_HOST'] ?? '127.0.0.1', port: Number(env['ADCP_SELLER_PORT'] ?? 8788) },
  );
  print({ event: 'listening', url: seller.url, sync_completion: syncCompletion, ...(keys.publicJwk ? { public_jwk: keys.publicJwk } : {}) });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void shutDown(seller, delivery).then(() => process.exit(0)));
  }
}

if (process.argv.includes('--serve')) await serve();
else process.exitCode = await runDemo();
