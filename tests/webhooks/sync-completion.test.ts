import { afterEach, describe, expect, it } from 'vitest';
import { validateMcpWebhookPayload } from '../../src/generated/index.js';
import {
  createSyncCompletionGate,
  maybeEmitSyncCompletion,
  SYNC_COMPLETION_TASK_TYPES,
  type SyncCompletionDelivery,
  type SyncCompletionGateOptions,
  type WebhookSender,
} from '../../src/runtime/webhooks/index.js';
import { ReplayDedup } from '../../src/runtime/webhooks/replay-dedup.js';
import { startReceiver, type LoopbackReceiver } from './support/receiver.js';
import { handleSyncCall, mediaBuyCreated } from './support/sync-seller.js';
import { LOOPBACK_PUSH_POLICY, loopbackWiring, recordingLogger, type LoopbackWiring } from './support/wiring.js';

const TOKEN = 'tok_0123456789abcdef0123';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(gateOptions: Omit<SyncCompletionGateOptions, 'sender'> & { withSender?: boolean } = {}, holdMs?: number) {
  const receiver = await startReceiver(holdMs === undefined ? {} : { holdMs });
  const wiring = loopbackWiring();
  cleanups.push(() => receiver.close(), () => wiring.delivery.close());
  const logger = recordingLogger();
  const deliveries: SyncCompletionDelivery[] = [];
  const gate = createSyncCompletionGate({
    enabled: true,
    logger,
    pushConfigPolicy: LOOPBACK_PUSH_POLICY,
    onDelivery: (delivery) => deliveries.push(delivery),
    ...(gateOptions.withSender === false ? {} : { sender: wiring.sender }),
    ...gateOptions,
  });
  return { receiver, wiring, logger, gate, deliveries };
}

function paramsFor(receiver: LoopbackReceiver, extra: Record<string, unknown> = {}) {
  return {
    idempotency_key: `idem-${Math.random().toString(36).slice(2)}-0000`,
    packages: [],
    context: { correlation_id: 'corr-1' },
    push_notification_config: { url: receiver.url, operation_id: 'op_sync_1', token: TOKEN },
    ...extra,
  };
}

async function settle(wiring: LoopbackWiring, gate: { flush(): void }) {
  gate.flush();
  return wiring.delivery.drain(10_000);
}

describe('sync-completion gate: skip branches', () => {
  it('is off by default: skipped_disabled, nothing sent, no warning', async () => {
    const { receiver, wiring } = await setUp();
    const logger = recordingLogger();
    const gate = createSyncCompletionGate({ sender: wiring.sender, logger });
    expect(gate.enabled).toBe(false);
    const { outcome } = await handleSyncCall(gate, 'create_media_buy', paramsFor(receiver), () => mediaBuyCreated);
    expect(outcome).toBe('skipped_disabled');
    await settle(wiring, gate);
    expect(receiver.received).toHaveLength(0);
    expect(logger.entries).toEqual([]);
  });

  it('skips when no sender is wired', async () => {
    const { receiver, gate } = await setUp({ withSender: false });
    const { outcome } = await handleSyncCall(gate, 'create_media_buy', paramsFor(receiver), () => mediaBuyCreated);
    expect(outcome).toBe('skipped_no_sender');
  });

  it('skips when the request carries no push URL (absent, without url, or not an object)', async () => {
    const { receiver, gate } = await setUp();
    for (const push_notification_config of [undefined, { operation_id: 'op_1' }, receiver.url, [receiver.url]]) {
      const { outcome } = await handleSyncCall(gate, 'create_media_buy', { ...paramsFor(receiver), push_notification_config }, () => mediaBuyCreated);
      expect(outcome).toBe('skipped_no_url');
    }
  });

  it('skips a tool outside the spec task-type enum and warns once per tool', async () => {
    const { receiver, gate, logger } = await setUp();
    for (let i = 0; i < 3; i++) {
      const { outcome } = await handleSyncCall(gate, 'create_media_buy_v2', paramsFor(receiver), () => mediaBuyCreated);
      expect(outcome).toBe('skipped_tool_not_in_spec');
    }
    await handleSyncCall(gate, 'list_creatives', paramsFor(receiver), () => ({}));
    const warnings = logger.entries.filter((entry) => entry.message.includes('not an AdCP task type'));
    expect(warnings.map((entry) => entry.fields?.['tool'])).toEqual(['create_media_buy_v2', 'list_creatives']);
  });

  it('skips spec task types that are not sync-completion tools', async () => {
    const { receiver, gate } = await setUp();
    const { outcome } = await handleSyncCall(gate, 'get_products', paramsFor(receiver), () => ({ products: [] }));
    expect(outcome).toBe('skipped_tool_not_sync_completion');
  });

  it.each(SYNC_COMPLETION_TASK_TYPES)('skips the exact two-key submitted envelope from %s (no double fire)', async (tool) => {
    const { receiver, wiring, gate } = await setUp();
    const submitted = { task_id: 'task_77', status: 'submitted' };
    const { outcome, response } = await handleSyncCall(gate, tool, paramsFor(receiver), () => submitted);
    expect(outcome).toBe('skipped_submitted_envelope');
    expect(response).toEqual(submitted);
    await settle(wiring, gate);
    expect(receiver.received).toHaveLength(0);
  });

  it('skips the submitted envelope that echoes the caller context (a conformant handoff, no double fire)', async () => {
    const { receiver, wiring, gate } = await setUp();
    const submitted = { task_id: 'task_78', status: 'submitted', context: { correlation_id: 'c-1' } };
    const { outcome } = await handleSyncCall(gate, 'update_media_buy', paramsFor(receiver), () => submitted);
    expect(outcome).toBe('skipped_submitted_envelope');
    await settle(wiring, gate);
    expect(receiver.received).toHaveLength(0);
  });

  it('drops (and warns, naming the field only) a push config the policy refuses, right after the response', async () => {
    const { receiver, wiring, gate, logger, deliveries } = await setUp({ pushConfigPolicy: {} });
    const { outcome } = await handleSyncCall(gate, 'create_media_buy', paramsFor(receiver), () => mediaBuyCreated);
    expect(outcome).toBe('scheduled'); // validation is not on the response path
    await settle(wiring, gate);
    expect(deliveries).toEqual([{ tool: 'create_media_buy', queued: false, reason: 'invalid_push_config', fields: ['push_notification_config.url'] }]);
    const warning = logger.entries.find((entry) => entry.message.includes('push_notification_config refused'));
    expect(warning?.fields).toEqual({ tool: 'create_media_buy', fields: ['push_notification_config.url'] });
    expect(JSON.stringify(logger.entries)).not.toContain(TOKEN);
    expect(receiver.received).toHaveLength(0);
  });

  it('skips a non-object response', async () => {
    const { receiver, gate } = await setUp();
    const { outcome } = await handleSyncCall(gate, 'sync_creatives', paramsFor(receiver), () => 'ok');
    expect(outcome).toBe('skipped_response_not_object');
  });

  it('never fires twice for a replayed request (same idempotency_key); the same key from another scope is another request', async () => {
    const { receiver, wiring, gate, deliveries } = await setUp();
    const params = paramsFor(receiver);
    const first = await handleSyncCall(gate, 'create_media_buy', params, () => mediaBuyCreated);
    gate.flush();
    const replay = await handleSyncCall(gate, 'create_media_buy', params, () => ({ ...mediaBuyCreated, replayed: true }));
    const otherScope = maybeEmitSyncCompletion(gate, { tool: 'create_media_buy', params, response: mediaBuyCreated, replayScope: 'acc_2' });
    expect([first.outcome, replay.outcome, otherScope]).toEqual(['scheduled', 'scheduled', 'scheduled']);
    await settle(wiring, gate);
    expect(deliveries.map((d) => (d.queued ? 'queued' : d.reason))).toEqual(['queued', 'replay', 'queued']);
    expect(receiver.received).toHaveLength(2);
  });

  it('never fires twice even when the replay arrives before the first batch ran', async () => {
    const { receiver, wiring, gate, deliveries } = await setUp();
    const params = paramsFor(receiver);
    await handleSyncCall(gate, 'update_media_buy', params, () => mediaBuyCreated);
    await handleSyncCall(gate, 'update_media_buy', params, () => mediaBuyCreated);
    await settle(wiring, gate);
    expect(deliveries.map((d) => (d.queued ? 'queued' : d.reason))).toEqual(['queued', 'replay']);
    expect(receiver.received).toHaveLength(1);
  });
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('sync-completion gate: a refused send does not spend the idempotency_key', () => {
  it("sends the webhook on the buyer's retry after delivery refused it with queue_full", async () => {
    const receiver = await startReceiver({ holdMs: 300 });
    const wiring = loopbackWiring({ maxQueue: 1 });
    cleanups.push(() => receiver.close(), () => wiring.delivery.close());
    const deliveries: SyncCompletionDelivery[] = [];
    const gate = createSyncCompletionGate({
      enabled: true,
      sender: wiring.sender,
      pushConfigPolicy: LOOPBACK_PUSH_POLICY,
      onDelivery: (delivery) => deliveries.push(delivery),
    });
    const occupying = paramsFor(receiver);
    const refused = paramsFor(receiver);
    await handleSyncCall(gate, 'create_media_buy', occupying, () => mediaBuyCreated);
    gate.flush(); // the one queue slot is now held by a webhook the receiver answers after 300 ms
    await handleSyncCall(gate, 'create_media_buy', refused, () => mediaBuyCreated);
    gate.flush();
    expect(deliveries.map((d) => (d.queued ? 'queued' : d.reason))).toEqual(['queued', 'queue_full']);

    await receiver.waitFor(1, 5_000);
    await until(() => wiring.delivery.stats().pending === 0); // the queue has room again
    const retry = await handleSyncCall(gate, 'create_media_buy', refused, () => mediaBuyCreated);
    expect(retry.outcome).toBe('scheduled');
    await settle(wiring, gate);
    expect(deliveries.map((d) => (d.queued ? 'queued' : d.reason))).toEqual(['queued', 'queue_full', 'queued']);
    const received = await receiver.waitFor(2, 5_000);
    expect(received).toHaveLength(2);

    // Once delivery accepted it, the key is spent: a further retry is a replay.
    await handleSyncCall(gate, 'create_media_buy', refused, () => mediaBuyCreated);
    await settle(wiring, gate);
    expect(deliveries.at(-1)?.reason).toBe('replay');
    expect(receiver.received).toHaveLength(2);
  });

  it('ReplayDedup.release makes a claimed key a first sighting again, and only that key', () => {
    const dedup = new ReplayDedup({ maxEntries: 4 });
    expect(dedup.firstSighting('a')).toBe(true);
    expect(dedup.firstSighting('b')).toBe(true);
    dedup.release('a');
    dedup.release('never-seen');
    expect(dedup.firstSighting('a')).toBe(true);
    expect(dedup.firstSighting('a')).toBe(false);
    expect(dedup.firstSighting('b')).toBe(false);
  });
});

describe('sync-completion gate: firing', () => {
  it('sends one completed webhook whose envelope is schema-valid, token in the body, never a header', async () => {
    const { receiver, wiring, gate, deliveries } = await setUp();
    const params = paramsFor(receiver);
    const { outcome, response } = await handleSyncCall(gate, 'create_media_buy', params, () => mediaBuyCreated);
    expect(outcome).toBe('scheduled');
    await settle(wiring, gate);
    const [hook] = await receiver.waitFor(1);
    const envelope = hook!.json;
    expect(validateMcpWebhookPayload(envelope)).toEqual({ ok: true, value: envelope });
    expect(envelope).toMatchObject({
      task_type: 'create_media_buy',
      status: 'completed',
      protocol: 'media-buy',
      operation_id: 'op_sync_1',
      token: TOKEN,
      result: response,
    });
    expect(envelope['task_id']).toMatch(new RegExp(`^sync-${UUID}$`));
    expect(envelope['notification_id']).toBe(`${String(envelope['task_id'])}.terminal`);
    expect(Object.values(hook!.headers).flat()).not.toContain(TOKEN);
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.headers['signature-input']).toContain('tag="adcp/webhook-signing/v1"');
    expect(deliveries).toEqual([expect.objectContaining({ tool: 'create_media_buy', queued: true, idempotencyKey: envelope['idempotency_key'] })]);
  });

  it('fires for a looser submitted shape with more members (queue acceptance)', async () => {
    const { receiver, wiring, gate } = await setUp();
    const accepted = { task_id: 'q_1', status: 'submitted', message: 'queued for review', context: { correlation_id: 'c' } };
    const { outcome } = await handleSyncCall(gate, 'update_media_buy', paramsFor(receiver), () => accepted);
    expect(outcome).toBe('scheduled');
    await settle(wiring, gate);
    const [hook] = await receiver.waitFor(1);
    expect(hook!.json['result']).toEqual(accepted);
  });

  it.each(SYNC_COMPLETION_TASK_TYPES)('fires for %s', async (tool) => {
    const { receiver, wiring, gate } = await setUp();
    const { outcome } = await handleSyncCall(gate, tool, paramsFor(receiver), () => ({ creatives: [], context: { correlation_id: 'c' } }));
    expect(outcome).toBe('scheduled');
    await settle(wiring, gate);
    expect((await receiver.waitFor(1))[0]!.json['task_type']).toBe(tool);
  });

  it('sends the projected response the buyer got: seller-internal fields never leak into result', async () => {
    const { receiver, wiring, gate } = await setUp();
    const internal = { ...mediaBuyCreated, ctx_metadata: { gam_order_id: 'INTERNAL-123' }, _seller_note: 'margin 40%' };
    const { response } = await handleSyncCall(gate, 'update_media_buy', paramsFor(receiver), () => internal);
    await settle(wiring, gate);
    const [hook] = await receiver.waitFor(1);
    expect(hook!.json['result']).toEqual(response);
    expect(hook!.body.toString()).not.toContain('INTERNAL-123');
    expect(hook!.body.toString()).not.toContain('margin');
  });

  it('snapshots the response: later top-level changes by the caller do not reach the webhook', async () => {
    const { receiver, wiring, gate } = await setUp();
    const response: Record<string, unknown> = { ...mediaBuyCreated };
    expect(maybeEmitSyncCompletion(gate, { tool: 'create_media_buy', params: paramsFor(receiver), response })).toBe('scheduled');
    response['replayed'] = true;
    await settle(wiring, gate);
    expect((await receiver.waitFor(1))[0]!.json['result']).toEqual(mediaBuyCreated);
  });
});

describe('sync-completion gate: isolation of the sync response', () => {
  it('no exception reaches the response: a sender that throws on property access', async () => {
    const { receiver } = await setUp();
    const hostileSender = new Proxy({} as WebhookSender, {
      get() {
        throw new Error('sender exploded on property access');
      },
    });
    const logger = recordingLogger();
    const deliveries: SyncCompletionDelivery[] = [];
    const gate = createSyncCompletionGate({
      enabled: true,
      sender: hostileSender,
      logger,
      pushConfigPolicy: LOOPBACK_PUSH_POLICY,
      onDelivery: (delivery) => deliveries.push(delivery),
    });
    const { response, outcome } = await handleSyncCall(gate, 'create_media_buy', paramsFor(receiver), () => mediaBuyCreated);
    expect(response).toEqual(mediaBuyCreated);
    expect(outcome).toBe('scheduled');
    expect(() => gate.flush()).not.toThrow();
    expect(deliveries).toEqual([expect.objectContaining({ queued: false, reason: 'sender_error' })]);
    expect(JSON.stringify(logger.entries)).not.toContain('exploded');
  });

  it('no exception reaches the response: params, push config and response that throw when read', async () => {
    const { receiver, gate } = await setUp();
    const throwing = (): never => {
      throw new Error('boom');
    };
    const cases: { params: unknown; response: unknown }[] = [
      { params: Object.defineProperty({}, 'push_notification_config', { get: throwing, enumerable: true }), response: mediaBuyCreated },
      { params: { push_notification_config: Object.defineProperty({}, 'url', { get: throwing }) }, response: mediaBuyCreated },
      { params: paramsFor(receiver), response: Object.defineProperty({}, 'status', { get: throwing, enumerable: true }) },
      { params: paramsFor(receiver), response: new Proxy({}, { ownKeys: throwing, get: throwing }) },
      { params: new Proxy({}, { get: throwing, has: throwing, getOwnPropertyDescriptor: throwing, getPrototypeOf: throwing }), response: {} },
    ];
    for (const { params, response } of cases) {
      expect(() => maybeEmitSyncCompletion(gate, { tool: 'create_media_buy', params, response })).not.toThrow();
    }
    expect(() => gate.flush()).not.toThrow();
  });

  it('enabling it logs once that it is non-conformant from AdCP 3.0.26 on, naming the rule', async () => {
    const logger = recordingLogger();
    createSyncCompletionGate({ enabled: true, logger });
    createSyncCompletionGate({ enabled: true, logger });
    const warnings = logger.entries.filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('non-conformant from AdCP 3.0.26');
    expect(warnings[0]!.message).toContain('sellers MUST NOT send task webhooks for inline terminal responses');
  });

  it('returns before delivery completes: handler time is a small fraction of a 5 s receiver hold', async () => {
    const holdMs = 5_000;
    const { receiver, wiring, gate } = await setUp({}, holdMs);
    const started = performance.now();
    const { outcome } = await handleSyncCall(gate, 'create_media_buy', paramsFor(receiver), () => mediaBuyCreated);
    const handlerMs = performance.now() - started;
    expect(outcome).toBe('scheduled');
    const [hook] = await receiver.waitFor(1);
    // The webhook reached the receiver, which is still holding it: delivery is not complete.
    expect(hook!.arrivedAt).toBeGreaterThan(started);
    expect(wiring.delivery.stats()).toMatchObject({ delivered: 0, pending: 1 });
    expect(handlerMs / holdMs).toBeLessThan(0.02);
  });

  it('100 concurrent emissions leave nothing in flight after drain', async () => {
    const { receiver, wiring, gate, deliveries } = await setUp();
    const calls = Array.from({ length: 100 }, () =>
      handleSyncCall(gate, 'sync_creatives', paramsFor(receiver), async () => ({ creatives: [], context: { correlation_id: 'c' } })),
    );
    const outcomes = (await Promise.all(calls)).map((call) => call.outcome);
    expect(new Set(outcomes)).toEqual(new Set(['scheduled']));
    gate.flush();
    expect(gate.pending).toBe(0);
    const report = await wiring.delivery.drain(20_000);
    expect(report).toEqual({ timedOut: false, undelivered: [] });
    expect(wiring.delivery.stats()).toMatchObject({ pending: 0, inFlight: 0, delivered: 100 });
    expect(deliveries.filter((d) => d.queued)).toHaveLength(100);
    const keys = new Set(receiver.received.map((hook) => hook.json['idempotency_key']));
    expect(keys.size).toBe(100);
  });
});
