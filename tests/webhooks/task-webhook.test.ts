import { afterEach, describe, expect, it } from 'vitest';
import { validateMcpWebhookPayload, type PushNotificationConfig } from '../../src/generated/index.js';
import {
  emitTaskWebhook,
  extractPushNotificationConfig,
  startTaskLifecycle,
  type TaskWebhookInput,
} from '../../src/runtime/webhooks/index.js';
import { startReceiver, type LoopbackReceiver } from './support/receiver.js';
import { LOOPBACK_PUSH_POLICY, loopbackWiring, recordingLogger, type LoopbackWiring } from './support/wiring.js';

const TOKEN = 'tok_0123456789abcdef0123';
const CONTEXT = { correlation_id: 'corr-42', trace_id: 'trace-9' };
/** A complete create_media_buy success response (flat MCP wire: envelope status `completed`). */
const MEDIA_BUY_CREATED = { status: 'completed', media_buy_id: 'mb_1', revision: 1, confirmed_at: null, packages: [] } as const;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(): Promise<{ receiver: LoopbackReceiver; wiring: LoopbackWiring; pushConfig: PushNotificationConfig }> {
  const receiver = await startReceiver();
  const wiring = loopbackWiring();
  cleanups.push(() => receiver.close(), () => wiring.delivery.close());
  // The operation_id deliberately differs from anything in the URL: the URL is opaque.
  const extracted = extractPushNotificationConfig(
    { push_notification_config: { url: `${receiver.url}?capture=cap_999`, operation_id: 'op_storyboard_echo_123', token: TOKEN } },
    LOOPBACK_PUSH_POLICY,
  );
  if (extracted?.kind !== 'ok') throw new Error('fixture push config refused');
  return { receiver, wiring, pushConfig: extracted.config };
}

describe('task lifecycle webhooks (the conformant path)', () => {
  it('announces working then completed for a submitted task: schema-valid envelopes, echoes, context, notification_id', async () => {
    const { receiver, wiring, pushConfig } = await setUp();
    const task = startTaskLifecycle({ sender: wiring.sender, taskType: 'create_media_buy', pushConfig, initialStatus: 'submitted', context: CONTEXT });
    expect(task.initialResponse).toEqual({ task_id: task.taskId, status: 'submitted', context: CONTEXT });

    const working = task.update('working', { percentage: 50, current_step: 'inventory_validation' });
    const completed = task.update('completed', { ...MEDIA_BUY_CREATED, packages: [] });
    expect(working).toMatchObject({ queued: true });
    expect(completed).toEqual({ queued: true, idempotencyKey: expect.any(String), notificationId: `${task.taskId}.terminal` });

    await wiring.delivery.drain(10_000);
    const hooks = await receiver.waitFor(2);
    const envelopes = hooks.map((hook) => hook.json);
    for (const envelope of envelopes) {
      expect(validateMcpWebhookPayload(envelope).ok).toBe(true);
      expect(envelope).toMatchObject({
        task_id: task.taskId,
        task_type: 'create_media_buy',
        protocol: 'media-buy',
        operation_id: 'op_storyboard_echo_123',
        token: TOKEN,
      });
      expect((envelope['result'] as Record<string, unknown>)['context']).toEqual(CONTEXT);
      expect(Date.parse(String(envelope['timestamp']))).not.toBeNaN();
    }
    const byStatus = Object.fromEntries(envelopes.map((envelope) => [envelope['status'], envelope]));
    expect(byStatus['working']).not.toHaveProperty('notification_id');
    expect(byStatus['completed']!['notification_id']).toBe(`${task.taskId}.terminal`);
    expect(byStatus['completed']!['result']).toEqual({ ...MEDIA_BUY_CREATED, context: CONTEXT });
    expect(new Set(envelopes.map((envelope) => envelope['idempotency_key'])).size).toBe(2);
    expect(hooks.every((hook) => hook.path === '/hooks/step_1?capture=cap_999')).toBe(true);
  });

  it('sends nothing after the terminal webhook', async () => {
    const { wiring, pushConfig } = await setUp();
    const task = startTaskLifecycle({ sender: wiring.sender, taskType: 'sync_creatives', pushConfig, initialStatus: 'working' });
    expect(task.update('failed', { status: 'failed', errors: [{ code: 'INVALID_ASSET_URL', message: 'asset unreachable' }] })).toMatchObject({
      queued: true,
    });
    expect(task.terminal).toBe(true);
    expect(task.update('completed', { status: 'completed', creatives: [] })).toEqual({ queued: false, reason: 'task_already_terminal' });
  });

  it('runs silently when the buyer registered no push config', async () => {
    const { wiring } = await setUp();
    const task = startTaskLifecycle({ sender: wiring.sender, taskType: 'create_media_buy', pushConfig: undefined, initialStatus: 'submitted' });
    expect(task.update('completed', { ...MEDIA_BUY_CREATED, packages: [] })).toEqual({ queued: false, reason: 'no_push_config' });
  });

  it('signs with the legacy HMAC scheme when the registration carries authentication (a switch, never both)', async () => {
    const { receiver, wiring, pushConfig } = await setUp();
    const legacy = { ...pushConfig, authentication: { schemes: ['HMAC-SHA256'] as ['HMAC-SHA256'], credentials: 'hmac-secret-0123456789-abcdefghijklmnop' } };
    const task = startTaskLifecycle({ sender: wiring.sender, taskType: 'create_media_buy', pushConfig: legacy, initialStatus: 'submitted' });
    expect(task.update('completed', { ...MEDIA_BUY_CREATED, packages: [] })).toMatchObject({ queued: true });
    await wiring.delivery.drain(10_000);
    const [hook] = await receiver.waitFor(1);
    expect(hook!.headers['x-adcp-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(hook!.headers['signature-input']).toBeUndefined();
  });


  it('refuses, without throwing, a legacy secret the signing policy rejects (one character repeated)', async () => {
    const { wiring, pushConfig } = await setUp();
    const weak = { ...pushConfig, authentication: { schemes: ['HMAC-SHA256'] as ['HMAC-SHA256'], credentials: 's'.repeat(32) } };
    const task = startTaskLifecycle({ sender: wiring.sender, taskType: 'create_media_buy', pushConfig: weak, initialStatus: 'submitted' });
    expect(task.update('completed', { ...MEDIA_BUY_CREATED, packages: [] })).toEqual({ queued: false, reason: 'signer_unavailable' });
  });
});

describe('emitTaskWebhook refuses what the spec forbids', () => {
  function input(pushConfig: PushNotificationConfig, overrides: Record<string, unknown>): TaskWebhookInput<'create_media_buy', 'completed'> {
    return {
      taskId: 'task_1',
      taskType: 'create_media_buy',
      status: 'completed',
      initialStatus: 'submitted',
      pushConfig,
      result: { ...MEDIA_BUY_CREATED, packages: [] },
      ...overrides,
    } as unknown as TaskWebhookInput<'create_media_buy', 'completed'>;
  }

  it.each([
    ['an inline terminal first response', { initialStatus: 'completed' }, 'initial_status_terminal'],
    ['a later submitted status', { status: 'submitted' }, 'status_not_announced'],
    ['the unknown status', { status: 'unknown' }, 'status_not_announced'],
    ['a reporting task type (media_buy_delivery)', { taskType: 'media_buy_delivery' }, 'not_a_lifecycle_task'],
    ['a tool outside the spec enum', { taskType: 'list_creatives' }, 'not_a_lifecycle_task'],
    ['a result that is not an object', { result: 'done' }, 'invalid_envelope'],
  ])('refuses %s', async (_label, overrides, reason) => {
    const { receiver, wiring, pushConfig } = await setUp();
    const logger = recordingLogger();
    expect(emitTaskWebhook(wiring.sender, input(pushConfig, overrides), { logger })).toEqual({ queued: false, reason });
    expect(logger.entries).toEqual([expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ reason }) })]);
    await wiring.delivery.drain(1_000);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses to invent an operation_id when the registration has none', async () => {
    const { wiring, pushConfig } = await setUp();
    const { operation_id: _dropped, ...withoutOperationId } = pushConfig;
    expect(emitTaskWebhook(wiring.sender, input(withoutOperationId as PushNotificationConfig, {}))).toEqual({
      queued: false,
      reason: 'missing_operation_id',
    });
  });

  it("reports the delivery runtime's refusal and never throws (a closed runtime)", async () => {
    const { wiring, pushConfig } = await setUp();
    await wiring.delivery.drain(1_000);
    expect(emitTaskWebhook(wiring.sender, input(pushConfig, {}))).toEqual({ queued: false, reason: 'closed' });
  });
});
