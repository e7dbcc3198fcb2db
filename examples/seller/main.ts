// `npm run example:seller` — a minimal AdCP seller (MCP over Streamable HTTP) wiring both webhook
// paths against a real receiver.
//
// Demo (default): starts the seller, finds its webhook key the way a buyer does
// (get_adcp_capabilities → brand.json → jwks_uri), starts a buyer receiver that verifies
// signatures, tokens and envelopes against that key, plays the buyer over MCP (create_media_buy as
// a task; update_media_buy answered synchronously, then replayed; one refused registration),
// prints one JSON line per response and per webhook received, then a summary, and exits 0 when
// exactly the expected webhooks arrived.
//   --sync-completion (or ADCP_SYNC_COMPLETION=1)  turn the opt-in gate on (non-conformant; logs why)
//   --progress-webhooks                            also send `working` before `completed`
//   --key-purpose webhook-signing|request-signing  the demo key's adcp_use (default webhook-signing: 3.0 and 3.1 receivers accept it)
//
// Serve: `npm run example:seller -- --serve` keeps the seller up until Ctrl-C.
//   ADCP_SELLER_HOST / ADCP_SELLER_PORT           where to listen (127.0.0.1:8788)
//   ADCP_SELLER_JWK=private-jwk.json              the RFC 9421 signing key, e.g. from `adcp-codegen keys generate` (default: a fresh demo key)
//   --unsafe-allow-private-network                DANGEROUS, local development only: accept http and
//     (or ADCP_UNSAFE_ALLOW_PRIVATE_NETWORK=1)      loopback/private webhook URLs
import { readFileSync } from 'node:fs';
import {
  createRfc9421Signer,
  createWebhookDelivery,
  createWebhookSender,
  generateSigningKey,
  parseKeyPurpose,
  publicJwkOf,
  stderrJsonLogger,
  type PrivateJwk,
  type WebhookDelivery,
} from '../../src/index.js';
import { callTool, discoverWebhookKeys } from './buyer-side.js';
import { startDemoReceiver } from './demo-receiver.js';
import { startSeller, type RunningSeller } from './seller.js';

const env = process.env;
const syncCompletion = process.argv.includes('--sync-completion') || env['ADCP_SYNC_COMPLETION'] === '1';
const progressWebhooks = process.argv.includes('--progress-webhooks');
const keyPurpose = parseKeyPurpose(optionValue('--key-purpose') ?? 'webhook-signing');
const BUYER_TOKEN = 'buyer-token-7f3a9c2e51d84b06';

/**
 * A fresh Ed25519 demo key (`kid` = its RFC 7638 thumbprint). Its purpose is `webhook-signing`
 * unless `--key-purpose request-signing` is given: AdCP 3.0 receivers (the @adcp/sdk 6.11 verifier
 * among them) accept only `webhook-signing` on webhooks, while 3.1 accepts both and names
 * `request-signing` canonical (security.mdx "Webhook callbacks"; KEY_PURPOSE_COMPATIBILITY).
 */
function demoSigningKey(): PrivateJwk {
  return generateSigningKey({ alg: 'ed25519', purpose: keyPurpose }).privateJwk;
}

function optionValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  return index === -1 ? undefined : process.argv[index + 1];
}

function wireDelivery(privateJwk: PrivateJwk, unsafeAllowPrivateNetwork: boolean) {
  const delivery = createWebhookDelivery({ logger: stderrJsonLogger, unsafeAllowPrivateNetwork });
  const signer = createRfc9421Signer({ key: privateJwk });
  const sender = createWebhookSender({ delivery, rfc9421: signer });
  return { delivery, sender, signer, publicJwk: publicJwkOf(privateJwk) };
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
  const { isError, body } = await callTool(seller.url, tool, args);
  print({ event: 'response', tool, is_error: isError, body });
  return body;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function runDemo(): Promise<number> {
  // The demo receiver listens on http://127.0.0.1, which the SSRF guard refuses unless told otherwise.
  const { delivery, sender, signer, publicJwk } = wireDelivery(demoSigningKey(), true);
  const seller = await startSeller({
    sender,
    signer,
    publicJwk,
    syncCompletion,
    progressWebhooks,
    pushConfigPolicy: { unsafeAllowPrivateNetwork: true },
    logger: stderrJsonLogger,
  });
  const discovered = await discoverWebhookKeys(seller.url);
  print({ event: 'keys_discovered', brand_json_url: discovered.brandJsonUrl, jwks_uri: discovered.jwksUri, kids: discovered.keys.map((key) => (key as { kid?: string }).kid) });
  const receiver = await startDemoReceiver({ sellerJwks: discovered.keys, token: BUYER_TOKEN });
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

  // task: completed (and working first with --progress-webhooks); gate: one completed
  const expected = 1 + (progressWebhooks ? 1 : 0) + (syncCompletion ? 1 : 0);
  await until(() => receiver.accepted.length >= expected, 10_000);
  await shutDown(seller, delivery);
  for (const webhook of receiver.accepted) {
    const { task_id, task_type, status, operation_id, notification_id, result } = webhook;
    const context = (result as { context?: unknown } | undefined)?.context;
    print({ event: 'webhook', task_type, status, operation_id, task_id, notification_id, context, signature: 'verified', token: 'matched' });
  }
  await receiver.close();
  const ok = receiver.accepted.length === expected && receiver.refused.length === 0;
  print({ event: 'summary', sync_completion: syncCompletion, progress_webhooks: progressWebhooks, webhooks: receiver.accepted.length, expected, refused: receiver.refused, ok });
  return ok ? 0 : 1;
}

async function serve(): Promise<void> {
  const keyFile = env['ADCP_SELLER_JWK'];
  const privateJwk = keyFile === undefined ? demoSigningKey() : (JSON.parse(readFileSync(keyFile, 'utf8')) as PrivateJwk);
  // Development only: loopback and private webhook URLs (and http) pass the SSRF guard.
  const unsafe = process.argv.includes('--unsafe-allow-private-network') || env['ADCP_UNSAFE_ALLOW_PRIVATE_NETWORK'] === '1';
  const { delivery, sender, signer, publicJwk } = wireDelivery(privateJwk, unsafe);
  const seller = await startSeller(
    {
      sender,
      signer,
      publicJwk,
      syncCompletion,
      progressWebhooks,
      pushConfigPolicy: { unsafeAllowPrivateNetwork: unsafe },
      logger: stderrJsonLogger,
      ...(env['ADCP_SELLER_PUBLIC_ORIGIN'] === undefined ? {} : { publicOrigin: env['ADCP_SELLER_PUBLIC_ORIGIN'] }),
    },
    { host: env['ADCP_SELLER_HOST'] ?? '127.0.0.1', port: Number(env['ADCP_SELLER_PORT'] ?? 8788) },
  );
  if (unsafe) stderrJsonLogger.log('warn', 'unsafeAllowPrivateNetwork is on: loopback/private webhook URLs are accepted (development only)', {});
  print({
    event: 'listening',
    url: seller.url,
    brand_json_url: seller.endpoints.brandJsonUrl,
    jwks_uri: seller.endpoints.jwksUrl,
    sync_completion: syncCompletion,
    progress_webhooks: progressWebhooks,
    unsafe_allow_private_network: unsafe,
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void shutDown(seller, delivery).then(() => process.exit(0)));
  }
}

if (process.argv.includes('--serve')) await serve();
else process.exitCode = await runDemo();
