// The seller example: in-process over MCP (the official MCP client) against a real loopback
// receiver (both webhook paths, replay, refusal, AdCP 3.0 registrations), its published identity,
// and the built `npm run example:seller` demo as a real process.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callTool, discoverWebhookKeys } from '../../examples/seller/buyer-side.js';
import { startSeller, type RunningSeller, type SellerOptions } from '../../examples/seller/seller.js';
import {
  createRfc9421Signer,
  createWebhookDelivery,
  createWebhookSender,
  generateSigningKey,
  verifyRfc9421Webhook,
  type PrivateJwk,
  type PublicJwk,
  type WebhookKeyPurpose,
} from '../../src/index.js';
import { InMemoryReplayStore, InMemoryRevocationStore, StaticJwksResolver, verifyWebhookSignature } from '@adcp/sdk/signing/server';
import { validateMcpWebhookPayload } from '../../src/generated/index.js';
import { startReceiver, type LoopbackReceiver } from '../webhooks/support/receiver.js';
import { sharedSchemasRoot } from '../helpers/shared.js';
import { LOOPBACK_PUSH_POLICY } from '../webhooks/support/wiring.js';

const TOKEN = 'buyer-token-0123456789abcdef';
const REPO = join(import.meta.dirname, '../..');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Wiring {
  readonly delivery: ReturnType<typeof createWebhookDelivery>;
  readonly publicJwk: PublicJwk;
}

function sellerKey(purpose: WebhookKeyPurpose = 'webhook-signing'): { privateJwk: PrivateJwk; publicJwk: PublicJwk } {
  return generateSigningKey({ alg: 'ed25519', purpose, kid: 'seller-test-key' });
}

async function setUp(
  syncCompletion: boolean,
  extra: Partial<SellerOptions> = {},
  purpose: WebhookKeyPurpose = 'webhook-signing',
): Promise<{ seller: RunningSeller; receiver: LoopbackReceiver; wiring: Wiring }> {
  const receiver = await startReceiver();
  const { privateJwk, publicJwk } = sellerKey(purpose);
  const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 1 } });
  const signer = createRfc9421Signer({ key: privateJwk });
  const sender = createWebhookSender({ delivery, rfc9421: signer });
  const seller = await startSeller({ sender, signer, publicJwk, syncCompletion, pushConfigPolicy: LOOPBACK_PUSH_POLICY, approvalDelayMs: 5, ...extra });
  cleanups.push(() => receiver.close(), () => delivery.close(), () => seller.close());
  return { seller, receiver, wiring: { delivery, publicJwk } };
}

async function call(seller: RunningSeller, tool: string, args: Record<string, unknown>): Promise<{ isError: boolean; body: Record<string, unknown> }> {
  return callTool(seller.url, tool, args);
}

/** Every schema of one release, registered under its `$id` so cross-file `$ref`s resolve. */
function addSchemaTree(ajv: Ajv, dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const schema = JSON.parse(readFileSync(join(entry.parentPath, entry.name), 'utf8')) as { $id?: string };
    if (typeof schema.$id === 'string' && ajv.getSchema(schema.$id) === undefined) ajv.addSchema(schema);
  }
}

function updateArgs(receiver: LoopbackReceiver, idempotencyKey = 'upd-0000000000000001') {
  return {
    idempotency_key: idempotencyKey,
    media_buy_id: 'mb_7',
    context: { correlation_id: 'corr-upd' },
    push_notification_config: { url: receiver.url, operation_id: 'op_update', token: TOKEN },
  };
}

async function settle(seller: RunningSeller, wiring: Wiring): Promise<void> {
  await seller.close();
  await wiring.delivery.drain(10_000);
}

describe('examples/seller', () => {
  it('create_media_buy runs as a task: submitted at once, then one completed webhook echoing context (the default)', async () => {
    const { seller, receiver, wiring } = await setUp(false);
    const { isError, body } = await call(seller, 'create_media_buy', {
      idempotency_key: 'create-000000000000001',
      context: { correlation_id: 'corr-create' },
      push_notification_config: { url: receiver.url, operation_id: 'op_create', token: TOKEN },
    });
    expect(isError).toBe(false);
    expect(body).toEqual({ task_id: expect.stringMatching(/^task_/), status: 'submitted', context: { correlation_id: 'corr-create' } });
    const hooks = await receiver.waitFor(1);
    await settle(seller, wiring);
    expect(receiver.received.map((hook) => hook.json['status'])).toEqual(['completed']);
    const { json } = hooks[0]!;
    expect(validateMcpWebhookPayload(json).ok).toBe(true);
    expect(json).toMatchObject({
      task_id: body['task_id'],
      operation_id: 'op_create',
      token: TOKEN,
      notification_id: `${String(body['task_id'])}.terminal`,
      result: { context: { correlation_id: 'corr-create' } },
    });
  });

  it('progressWebhooks: working, then completed', async () => {
    const { seller, receiver, wiring } = await setUp(false, { progressWebhooks: true });
    await call(seller, 'create_media_buy', { idempotency_key: 'create-000000000000002', push_notification_config: { url: receiver.url, operation_id: 'op_p', token: TOKEN } });
    await receiver.waitFor(2);
    await settle(seller, wiring);
    expect(receiver.received.map((hook) => hook.json['status'])).toEqual(['working', 'completed']);
  });

  it('an AdCP 3.0 registration (no operation_id) gets the 3.0 envelope: no operation_id, token echoed, signed', async () => {
    const { seller, receiver, wiring } = await setUp(false);
    const { body } = await call(seller, 'create_media_buy', { idempotency_key: 'create-000000000000003', push_notification_config: { url: `${receiver.url}/op_in_path`, token: TOKEN } });
    const [hook] = await receiver.waitFor(1);
    await settle(seller, wiring);
    expect(hook!.json).toMatchObject({ task_id: body['task_id'], task_type: 'create_media_buy', status: 'completed', token: TOKEN, idempotency_key: expect.any(String) });
    expect(hook!.json).not.toHaveProperty('operation_id');
    const verdict = verifyRfc9421Webhook({
      method: 'POST',
      url: `${receiver.url}/op_in_path`,
      headers: hook!.headers,
      body: hook!.body,
      jwks: [wiring.publicJwk],
      now: Math.floor(Date.now() / 1000),
    });
    expect(verdict.ok).toBe(true);
  });

  it.each([
    ['webhook-signing', 'verified'],
    ['request-signing', 'webhook_mode_mismatch'],
  ] as const)('key purpose %s: the @adcp/sdk 6.11 (AdCP 3.0) webhook verifier answers %s', async (purpose, expected) => {
    const { seller, receiver, wiring } = await setUp(false, {}, purpose);
    await call(seller, 'create_media_buy', { idempotency_key: 'create-000000000000006', push_notification_config: { url: receiver.url, operation_id: 'op_k', token: TOKEN } });
    const [hook] = await receiver.waitFor(1);
    await settle(seller, wiring);
    const verdict = await verifyWebhookSignature(
      { method: 'POST', url: receiver.url, headers: hook!.headers, body: hook!.body.toString('utf8') },
      {
        jwks: new StaticJwksResolver([wiring.publicJwk as unknown as ConstructorParameters<typeof StaticJwksResolver>[0][number]]),
        replayStore: new InMemoryReplayStore(),
        revocationStore: new InMemoryRevocationStore(),
      },
    ).then(
      (result) => result.status,
      (error: { code?: string }) => error.code,
    );
    expect(verdict).toBe(expected);
  });

  it('refuses to start when the key to publish is a private one, naming the cause', async () => {
    const { privateJwk } = sellerKey();
    const signer = createRfc9421Signer({ key: privateJwk });
    const delivery = createWebhookDelivery();
    cleanups.push(() => delivery.close());
    const start = startSeller({ sender: createWebhookSender({ delivery, rfc9421: signer }), signer, publicJwk: privateJwk as unknown as PublicJwk });
    await expect(start).rejects.toMatchObject({ code: 'ADCP_KEYS_PRIVATE_MEMBER' });
  });

  it('adcp30Registrations: false refuses a registration without operation_id', async () => {
    const { seller, receiver } = await setUp(false, { adcp30Registrations: false });
    const { isError, body } = await call(seller, 'create_media_buy', { idempotency_key: 'create-000000000000004', push_notification_config: { url: receiver.url, token: TOKEN } });
    expect(isError).toBe(true);
    expect(body['errors']).toEqual([expect.objectContaining({ code: 'INVALID_REQUEST', field: 'push_notification_config.operation_id' })]);
  });

  it('refuses a loopback webhook URL unless the development flag is set', async () => {
    const receiver = await startReceiver();
    const { privateJwk, publicJwk } = sellerKey();
    const delivery = createWebhookDelivery();
    const signer = createRfc9421Signer({ key: privateJwk });
    const seller = await startSeller({ sender: createWebhookSender({ delivery, rfc9421: signer }), signer, publicJwk });
    cleanups.push(() => receiver.close(), () => delivery.close(), () => seller.close());
    const { isError, body } = await call(seller, 'create_media_buy', { idempotency_key: 'create-000000000000005', push_notification_config: { url: receiver.url, operation_id: 'op_x', token: TOKEN } });
    expect(isError).toBe(true);
    expect(body['errors']).toEqual([expect.objectContaining({ code: 'INVALID_REQUEST', field: 'push_notification_config.url' })]);
  });

  it('publishes its identity: capabilities name brand.json, brand.json names the agent and jwks_uri, the JWKS holds the public key only', async () => {
    const { seller, wiring } = await setUp(false);
    const { body } = await call(seller, 'get_adcp_capabilities', { context: { correlation_id: 'caps' } });
    expect(body).toMatchObject({
      adcp: { major_versions: [3], idempotency: { supported: true } },
      supported_protocols: ['media_buy', 'signals'],
      signals: { discovery_modes: ['wholesale'] },
      wholesale_feed_webhooks: { supported: true, event_types: expect.arrayContaining(['product.priced', 'signal.priced', 'wholesale_feed.bulk_change']) },
      webhook_signing: { supported: true, profile: 'adcp/webhook-signing/v1', algorithms: ['ed25519'] },
      identity: { brand_json_url: seller.endpoints.brandJsonUrl },
      context: { correlation_id: 'caps' },
    });
    const discovered = await discoverWebhookKeys(seller.url);
    expect(discovered).toEqual({ brandJsonUrl: seller.endpoints.brandJsonUrl, jwksUri: seller.endpoints.jwksUrl, keys: [wiring.publicJwk] });
    expect(wiring.publicJwk).toMatchObject({ kid: 'seller-test-key', alg: 'EdDSA', use: 'sig', key_ops: ['verify'], adcp_use: 'webhook-signing' });
    expect(wiring.publicJwk).not.toHaveProperty('d');
    const jwks = await fetch(seller.endpoints.jwksUrl);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(await jwks.json()).toEqual({ keys: [wiring.publicJwk] });
    expect(await (await fetch(seller.endpoints.brandJsonUrl)).json()).toEqual({
      agents: [{ type: 'sales', url: seller.url, id: 'example_seller', jwks_uri: seller.endpoints.jwksUrl }],
    });
  });

  it.each(['3.0.26', '3.1.19'])('behind https (publicOrigin), get_adcp_capabilities validates against the %s schema, member by member', async (version) => {
    const { seller } = await setUp(false, { publicOrigin: 'https://seller.example' });
    expect(seller.url).toBe('https://seller.example/mcp');
    const { body } = await callTool(seller.localUrl, 'get_adcp_capabilities', {});
    expect(body['identity']).toEqual({
      brand_json_url: 'https://seller.example/.well-known/brand.json',
      key_origins: { request_signing: 'https://seller.example', webhook_signing: 'https://seller.example' },
    });
    const schema = JSON.parse(readFileSync(join(sharedSchemasRoot, version, 'protocol/get-adcp-capabilities-response.json'), 'utf8')) as {
      required: string[];
      properties: Record<string, object>;
      additionalProperties?: boolean;
    };
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats.default(ajv);
    addSchemaTree(ajv, join(sharedSchemasRoot, version)); // the $refs of media_buy and context
    for (const member of schema.required) expect(body).toHaveProperty(member);
    for (const [member, value] of Object.entries(body)) {
      // A 3.1 member unknown to 3.0.26 (wholesale_feed_webhooks) is allowed there: the root is open.
      if (schema.properties[member] === undefined && schema.additionalProperties !== false) continue;
      const validate = ajv.compile(schema.properties[member]!);
      expect(validate(value), `${member}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(ajv.compile(schema.properties['webhook_signing']!)({ supported: true, algorithms: ['hs256'] })).toBe(false);
  });

  it('sync_creatives echoes each creative_id from the request (creative/sync-creatives-response.json)', async () => {
    const { seller } = await setUp(false);
    const creatives = [{ creative_id: 'acme_banner_001', name: 'Banner' }, { creative_id: 'acme_banner_002', name: 'Banner 2' }];
    const { isError, body } = await call(seller, 'sync_creatives', { idempotency_key: 'sync-creatives-echo-0001', creatives });
    expect(isError).toBe(false);
    expect(body['creatives']).toEqual([{ creative_id: 'acme_banner_001', action: 'created' }, { creative_id: 'acme_banner_002', action: 'created' }]);
  });

  it('gate off (default): a synchronous update_media_buy sends no webhook, and its response keeps internal fields out', async () => {
    const { seller, receiver, wiring } = await setUp(false);
    const { isError, body } = await call(seller, 'update_media_buy', updateArgs(receiver));
    expect(isError).toBe(false);
    expect(body).toMatchObject({ status: 'completed', media_buy_id: 'mb_7', context: { correlation_id: 'corr-upd' } });
    expect(body).not.toHaveProperty('ctx_metadata');
    await settle(seller, wiring);
    expect(receiver.received).toHaveLength(0);
  });

  it('gate on: one completed webhook carrying exactly the response the buyer got, never repeated on replay', async () => {
    const { seller, receiver, wiring } = await setUp(true);
    const first = await call(seller, 'update_media_buy', updateArgs(receiver));
    const replay = await call(seller, 'update_media_buy', updateArgs(receiver));
    expect(replay.body).toEqual({ ...first.body, replayed: true });
    await settle(seller, wiring);
    expect(receiver.received).toHaveLength(1);
    const envelope = receiver.received[0]!.json;
    expect(validateMcpWebhookPayload(envelope).ok).toBe(true);
    expect(envelope).toMatchObject({ task_type: 'update_media_buy', status: 'completed', operation_id: 'op_update', token: TOKEN, result: first.body });
    expect(receiver.received[0]!.body.toString()).not.toContain('internal-order-123');
  });

  it('gate on: a replayed create_media_buy returns the cached submitted response and fires nothing extra', async () => {
    const { seller, receiver, wiring } = await setUp(true);
    const args = { idempotency_key: 'create-000000000000009', push_notification_config: { url: receiver.url, operation_id: 'op_c', token: TOKEN } };
    const first = await call(seller, 'create_media_buy', args);
    const replay = await call(seller, 'create_media_buy', args);
    expect(replay.body).toEqual({ ...first.body, replayed: true });
    await receiver.waitFor(1);
    await settle(seller, wiring);
    expect(receiver.received.map((hook) => hook.json['status'])).toEqual(['completed']);
  });

  it('refuses a bad registration with INVALID_REQUEST naming the field, echoing context', async () => {
    const { seller, receiver } = await setUp(true);
    const args = updateArgs(receiver);
    const { isError, body } = await call(seller, 'update_media_buy', { ...args, push_notification_config: { ...args.push_notification_config, token: 'short' } });
    expect(isError).toBe(true);
    expect(body).toMatchObject({
      errors: [expect.objectContaining({ code: 'INVALID_REQUEST', field: 'push_notification_config.token' })],
      context: { correlation_id: 'corr-upd' },
    });
  });

  it('answers a non-JSON POST on /mcp with a JSON-RPC parse error, and unknown paths with 404', async () => {
    const { seller } = await setUp(false);
    const parse = await fetch(seller.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: '{not json' });
    expect(parse.status).toBe(400);
    expect(await parse.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
    expect((await fetch(new URL('/adcp', seller.url))).status).toBe(404);
  });

  it.each([[[]], [['--sync-completion']]])('`npm run example:seller` %j runs the demo end to end and exits 0', async (flags) => {
    const main = join(REPO, 'dist/examples/seller/main.js');
    if (!existsSync(main)) throw new Error('dist/examples/seller/main.js is missing: run `npm run build` first');
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [main, ...flags], { cwd: REPO, timeout: 60_000 }, (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }));
    });
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = events.find((event) => event['event'] === 'summary');
    expect(summary).toMatchObject({ ok: true, refused: [], webhooks: flags.length === 0 ? 1 : 2 });
    expect(code).toBe(0);
    const webhooks = events.filter((event) => event['event'] === 'webhook');
    expect(webhooks.filter((event) => event['task_type'] === 'update_media_buy')).toHaveLength(flags.length === 0 ? 0 : 1);
  });
});
