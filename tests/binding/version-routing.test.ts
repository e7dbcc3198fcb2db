// One process speaking several AdCP versions: a seller with one sender routes each buyer to its
// version's binding (a 3.0 buyer registers and receives no operation_id; a 3.1 buyer's is required
// and echoed), a buyer's receiver validates a 3.0 seller's webhooks through the 3.0 binding, and
// for 3.0.26, 3.1.19 and 3.2.0-beta.5 a submitted → working → completed lifecycle reaches a
// verifying loopback receiver whose every webhook that version's validator accepts. Real parts
// only: generated bindings, background delivery, RFC 9421 signing, createWebhookReceiver over
// node:http on loopback.
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { generateFiles } from '../../codegen/pipeline.js';
import { binding as defaultBinding, type PushNotificationConfig } from '../../src/generated/index.js';
import type { AnyAdcpBinding } from '../../src/runtime/binding/index.js';
import { createWebhookDelivery, type WebhookDelivery } from '../../src/runtime/delivery/index.js';
import { generateSigningKey } from '../../src/runtime/keys/index.js';
import {
  createWebhookReceiver,
  nodeHttpWebhookHandler,
  staticKeySource,
  type AnyWebhookHttpAnswer,
  type HttpWebhookReceiver,
  type WebhookEventFacts,
  type WebhookRegistration,
} from '../../src/runtime/receiver/index.js';
import { createRfc9421Signer } from '../../src/runtime/signing/index.js';
import {
  createSyncCompletionGate,
  createWebhookSender,
  extractPushNotificationConfig,
  maybeEmitSyncCompletion,
  type SyncCompletionDelivery,
  startTaskLifecycle,
  type PushConfigExtraction,
  type WebhookSender,
} from '../../src/runtime/webhooks/index.js';
import { bindingEntryFrom, makeTempDir, schemaDir, writeFiles, type Version } from '../codegen/helpers.js';

const SELLER = 'https://seller.example.com/mcp';
const SELLER_KEY = generateSigningKey({ alg: 'ed25519', purpose: 'webhook-signing', kid: 'seller-routing-1' });
const LOOPBACK = { unsafeAllowPrivateNetwork: true } as const;

const bindings = new Map<Version, AnyAdcpBinding>([['3.1.19', defaultBinding]]);
let workDir: string;

function bindingOf(version: Version): AnyAdcpBinding {
  const found = bindings.get(version);
  if (found === undefined) throw new Error(`no binding generated for ${version}`);
  return found;
}

beforeAll(async () => {
  workDir = makeTempDir('version-routing');
  for (const version of ['3.0.26', '3.2.0-beta.5'] as const) {
    const dir = path.join(workDir, `v${version}`);
    writeFiles(dir, await generateFiles({ schemasDir: schemaDir(version), bindingEntry: bindingEntryFrom(dir) }));
    const module = (await import(pathToFileURL(path.join(dir, 'binding.ts')).href)) as { binding: AnyAdcpBinding };
    bindings.set(version, module.binding);
  }
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** One seller process: one background delivery runtime, one sender, whatever version the buyer speaks. */
function startSeller(): { readonly delivery: WebhookDelivery; readonly sender: WebhookSender } {
  const delivery = createWebhookDelivery({ ...LOOPBACK, retry: { maxAttempts: 1 } });
  cleanups.push(() => delivery.close());
  return { delivery, sender: createWebhookSender({ delivery, rfc9421: createRfc9421Signer({ key: SELLER_KEY.privateJwk }) }) };
}

interface Buyer {
  readonly url: string;
  readonly answers: AnyWebhookHttpAnswer[];
  waitFor(count: number): Promise<AnyWebhookHttpAnswer[]>;
}

/** A buyer's verifying receiver on loopback (node:http adapter), recording every answer it gives. */
async function startBuyer(make: (publicBaseUrl: string) => HttpWebhookReceiver): Promise<Buyer> {
  let listener: ReturnType<typeof nodeHttpWebhookHandler> | undefined;
  const server: Server = createServer((request, response) => listener?.(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const answers: AnyWebhookHttpAnswer[] = [];
  const wakers = new Set<() => void>();
  const receiver = make(base);
  listener = nodeHttpWebhookHandler({
    publicBaseUrl: receiver.publicBaseUrl,
    trustProxy: receiver.trustProxy,
    maxBodyBytes: receiver.maxBodyBytes,
    logger: receiver.logger,
    async handle(request, options) {
      const answer = await receiver.handle(request, options);
      answers.push(answer);
      for (const wake of wakers) wake();
      return answer;
    },
  });
  return {
    url: `${base}/hooks/buyer`,
    answers,
    waitFor(count) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`buyer answered ${answers.length} of ${count} webhooks`)), 10_000);
        const check = (): void => {
          if (answers.length < count) return;
          clearTimeout(timer);
          wakers.delete(check);
          resolve(answers.slice());
        };
        wakers.add(check);
        check();
      });
    },
  };
}

const keys = () => staticKeySource([SELLER_KEY.publicJwk], { sender: SELLER });

/** A receiver validating through `binding` (receiver option), with the default registration. */
function receiverIn(binding: AnyAdcpBinding) {
  return (publicBaseUrl: string) => createWebhookReceiver({ binding, keys: keys(), registration: { mode: 'rfc9421' }, publicBaseUrl });
}

/** The bundled (3.1.19) receiver, its registration optionally naming the seller's version. */
function defaultReceiver(registration: WebhookRegistration = { mode: 'rfc9421' }) {
  return (publicBaseUrl: string) => createWebhookReceiver({ keys: keys(), registration, publicBaseUrl });
}

function eventsOf(answers: readonly AnyWebhookHttpAnswer[]): (WebhookEventFacts & { readonly status: string; readonly payload: unknown })[] {
  return answers.map((answer) => {
    if (answer.outcome.kind !== 'event') throw new Error(`webhook not accepted: ${JSON.stringify(answer.outcome)}`);
    return answer.outcome as WebhookEventFacts & { readonly status: string; readonly payload: unknown };
  });
}

function accepted<C>(extraction: PushConfigExtraction<C> | undefined): C {
  if (extraction?.kind !== 'ok') throw new Error(`registration refused: ${JSON.stringify(extraction)}`);
  return extraction.config;
}

describe('one seller process serves a 3.0 buyer and a 3.1 buyer at once', () => {
  it('routes each buyer to its binding: registration rule, envelope shape, and its own validator on arrival', async () => {
    const v30 = bindingOf('3.0.26');
    const seller = startSeller();
    const buyer30 = await startBuyer(receiverIn(v30));
    const buyer31 = await startBuyer(defaultReceiver());

    const params30 = { push_notification_config: { url: buyer30.url } };
    const refused = extractPushNotificationConfig(params30, LOOPBACK);
    expect(refused?.kind).toBe('rejected');
    expect(refused?.kind === 'rejected' && refused.errors.map((error) => error.field)).toEqual(['push_notification_config.operation_id']);
    const config30 = accepted(extractPushNotificationConfig(params30, { ...LOOPBACK, binding: v30 }));

    const extracted31 = extractPushNotificationConfig({ push_notification_config: { url: buyer31.url, operation_id: 'op_buyer31', token: 'tok_buyer31_0123456789' } }, LOOPBACK);
    if (extracted31?.kind !== 'ok') throw new Error('3.1 registration refused');
    expectTypeOf(extracted31.config).toEqualTypeOf<PushNotificationConfig>();

    const task30 = startTaskLifecycle({ sender: seller.sender, binding: v30, taskType: 'create_media_buy', pushConfig: config30, initialStatus: 'submitted' });
    const task31 = startTaskLifecycle({ sender: seller.sender, taskType: 'create_media_buy', pushConfig: extracted31.config, initialStatus: 'submitted' });
    expect(task30.update('working')).toMatchObject({ queued: true });
    expect(task31.update('working')).toMatchObject({ queued: true });
    // The 3.0 envelope has no notification_id member, so the outcome names none.
    expect(task30.update('completed', { media_buy_id: 'mb_30', packages: [] })).toEqual({ queued: true, idempotencyKey: expect.any(String) });
    expect(task31.update('completed', { status: 'completed', media_buy_id: 'mb_31', revision: 1, confirmed_at: null, packages: [] })).toMatchObject({ queued: true });
    await seller.delivery.drain(10_000);

    const events30 = eventsOf(await buyer30.waitFor(2));
    for (const event of events30) {
      expect(event.adcpVersion).toBe('3.0.26');
      expect(event.payload).not.toHaveProperty('operation_id');
      expect(v30.validateMcpWebhookPayload(event.payload).ok).toBe(true);
      expect(defaultBinding.validateMcpWebhookPayload(event.payload).ok).toBe(false);
    }
    const events31 = eventsOf(await buyer31.waitFor(2));
    for (const event of events31) {
      expect(event.adcpVersion).toBe('3.1.19');
      expect(event.operationId).toBe('op_buyer31');
      expect(event.payload).toMatchObject({ operation_id: 'op_buyer31', token: 'tok_buyer31_0123456789' });
      expect(defaultBinding.validateMcpWebhookPayload(event.payload).ok).toBe(true);
    }
    expect(new Set([...events30, ...events31].map((event) => event.status))).toEqual(new Set(['working', 'completed']));
  });

  it('a 3.1 registration without operation_id is still refused for a 3.1 lifecycle, naming operation_id', () => {
    const seller = startSeller();
    const task = startTaskLifecycle({ sender: seller.sender, taskType: 'create_media_buy', pushConfig: { url: 'https://buyer.example/hooks' }, initialStatus: 'submitted' });
    expect(task.update('working')).toEqual({ queued: false, reason: 'missing_operation_id' });
  });
});

describe('the sync-completion gate speaks the buyer\'s version', () => {
  it('through the 3.0 binding a registration without operation_id gets a 3.0 completion; the bundled gate refuses it', async () => {
    const v30 = bindingOf('3.0.26');
    const seller = startSeller();
    const buyer30 = await startBuyer(receiverIn(v30));
    const deliveries: SyncCompletionDelivery[] = [];
    const gateFor = (binding?: AnyAdcpBinding) =>
      createSyncCompletionGate({
        enabled: true,
        sender: seller.sender,
        pushConfigPolicy: LOOPBACK,
        ...(binding === undefined ? {} : { binding }),
        onDelivery: (delivery) => deliveries.push(delivery),
        logger: { log: () => undefined },
      });
    const call = (key: string) => ({
      tool: 'create_media_buy',
      params: { idempotency_key: key, push_notification_config: { url: buyer30.url } },
      response: { media_buy_id: 'mb_sync_30', packages: [] },
    });
    const bundled = gateFor();
    expect(maybeEmitSyncCompletion(bundled, call('idem-bundled-0000000001'))).toBe('scheduled');
    bundled.flush();
    const gate30 = gateFor(v30);
    expect(maybeEmitSyncCompletion(gate30, call('idem-v30-000000000000001'))).toBe('scheduled');
    gate30.flush();
    const [event] = eventsOf(await buyer30.waitFor(1));
    await seller.delivery.drain(10_000);
    expect(deliveries.map((delivery) => [delivery.queued, delivery.reason, delivery.fields])).toEqual([
      [false, 'invalid_push_config', ['push_notification_config.operation_id']],
      [true, undefined, undefined],
    ]);
    expect(event?.adcpVersion).toBe('3.0.26');
    expect(event?.status).toBe('completed');
    expect(v30.validateMcpWebhookPayload(event?.payload).ok).toBe(true);
    expect(buyer30.answers).toHaveLength(1);
  });
});

describe('a 3.1 buyer receiving from a 3.0 seller', () => {
  it('accepts the signed 3.0 webhook through the 3.0 binding on the registration, and answers 400 through the default binding', async () => {
    const v30 = bindingOf('3.0.26');
    const seller = startSeller();
    const routed = await startBuyer(defaultReceiver({ mode: 'rfc9421', binding: v30 }));
    const unrouted = await startBuyer(defaultReceiver());
    for (const buyer of [routed, unrouted]) {
      const pushConfig = accepted(extractPushNotificationConfig({ push_notification_config: { url: buyer.url } }, { ...LOOPBACK, binding: v30 }));
      const task = startTaskLifecycle({ sender: seller.sender, binding: v30, taskType: 'sync_creatives', pushConfig, initialStatus: 'working' });
      expect(task.update('completed', { creatives: [] })).toMatchObject({ queued: true });
    }
    await seller.delivery.drain(10_000);

    const [routedEvent] = eventsOf(await routed.waitFor(1));
    expect(routedEvent).toMatchObject({ adcpVersion: '3.0.26', taskType: 'sync_creatives', status: 'completed', sender: SELLER });
    expect(routedEvent).not.toHaveProperty('operationId');
    const [refusal] = await unrouted.waitFor(1);
    expect(refusal!.status).toBe(400);
    expect(refusal!.outcome).toMatchObject({ kind: 'rejected', code: 'webhook_payload_invalid' });
    expect(refusal!.outcome.kind === 'rejected' && refusal!.outcome.detail).toMatch(/operation_id/);
  });
});

describe.each(['3.0.26', '3.1.19', '3.2.0-beta.5'] as const)('AdCP %s lifecycle round trip', (version) => {
  it('submitted → working → completed reaches a verifying receiver; each webhook passes the version validator on arrival', async () => {
    const binding = bindingOf(version);
    const seller = startSeller();
    const buyer = await startBuyer(receiverIn(binding));
    const operationId = binding.rules.operationIdRequired ? { operation_id: `op_${version.replace(/[^0-9a-z]/g, '_')}` } : {};
    const pushConfig = accepted(extractPushNotificationConfig({ push_notification_config: { url: buyer.url, ...operationId } }, { ...LOOPBACK, binding }));
    const task = startTaskLifecycle({ sender: seller.sender, binding, taskType: 'create_media_buy', pushConfig, initialStatus: 'submitted', context: { trace: version } });
    expect(task.initialResponse).toEqual({ task_id: task.taskId, status: 'submitted', context: { trace: version } });
    expect(task.update('working')).toMatchObject({ queued: true });
    expect(task.update('completed', { status: 'completed', media_buy_id: 'mb_1', packages: [], confirmed_at: '2026-01-01T00:00:00Z', revision: 1 })).toMatchObject({ queued: true });
    await seller.delivery.drain(10_000);

    const events = eventsOf(await buyer.waitFor(2));
    expect(events.map((event) => event.status).sort()).toEqual(['completed', 'working']);
    for (const event of events) {
      expect(event.adcpVersion).toBe(binding.version);
      expect(binding.validateMcpWebhookPayload(event.payload).ok).toBe(true);
      expect(event.payload).toMatchObject({ task_id: task.taskId, task_type: 'create_media_buy', ...operationId });
      if (!binding.rules.operationIdRequired) expect(event.payload).not.toHaveProperty('operation_id');
    }
    // notification_id exists from 3.1 on; the 3.0 envelope has no such member.
    const terminalId = version === '3.0.26' ? undefined : `${task.taskId}.terminal`;
    expect(events.find((event) => event.status === 'completed')!.notificationId).toBe(terminalId);
  });
});

describe('types follow the binding', () => {
  it('the bundled binding passed explicitly keeps the typed API; another binding types by its own parameters', async () => {
    const seller = startSeller();
    const task = startTaskLifecycle({ sender: seller.sender, binding: defaultBinding, taskType: 'create_media_buy', pushConfig: undefined, initialStatus: 'submitted' });
    // @ts-expect-error a completed create_media_buy takes the create-media-buy response, not a number
    task.update('completed', 42);
    // @ts-expect-error `submitted` is never a later webhook of the bundled release
    task.update('submitted');
    const v30 = bindingOf('3.0.26');
    expectTypeOf(extractPushNotificationConfig({}, { binding: v30 })).toEqualTypeOf<PushConfigExtraction<unknown> | undefined>();
    const receiver = createWebhookReceiver({ binding: v30, keys: keys(), registration: { mode: 'rfc9421' } });
    receiver.onAny((event) => {
      expectTypeOf(event.status).toEqualTypeOf<string>();
      expectTypeOf(event.adcpVersion).toEqualTypeOf<string>();
    });
    expect(task.binding).toBe(defaultBinding);
    await receiver.close();
  });
});
