// The seller example: in-process against a real loopback receiver (both webhook paths, replay,
// refusal), and the built `npm run example:seller` demo as a real process.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSeller, type RunningSeller } from '../../examples/seller/seller.js';
import { validateMcpWebhookPayload } from '../../src/generated/index.js';
import { startReceiver, type LoopbackReceiver } from '../webhooks/support/receiver.js';
import { LOOPBACK_PUSH_POLICY, loopbackWiring, type LoopbackWiring } from '../webhooks/support/wiring.js';

const TOKEN = 'buyer-token-0123456789abcdef';
const REPO = join(import.meta.dirname, '../..');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setUp(syncCompletion: boolean): Promise<{ seller: RunningSeller; receiver: LoopbackReceiver; wiring: LoopbackWiring }> {
  const receiver = await startReceiver();
  const wiring = loopbackWiring();
  const seller = await startSeller({ sender: wiring.sender, syncCompletion, pushConfigPolicy: LOOPBACK_PUSH_POLICY, approvalDelayMs: 5 });
  cleanups.push(() => receiver.close(), () => wiring.delivery.close(), () => seller.close());
  return { seller, receiver, wiring };
}

async function call(seller: RunningSeller, tool: string, args: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(seller.url, { method: 'POST', body: JSON.stringify({ tool, arguments: args }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function updateArgs(receiver: LoopbackReceiver, idempotencyKey = 'upd-0000000000000001') {
  return {
    idempotency_key: idempotencyKey,
    media_buy_id: 'mb_7',
    context: { correlation_id: 'corr-upd' },
    push_notification_config: { url: receiver.url, operation_id: 'op_update', token: TOKEN },
  };
}

async function settle(seller: RunningSeller, wiring: LoopbackWiring): Promise<void> {
  await seller.close();
  await wiring.delivery.drain(10_000);
}

describe('examples/seller', () => {
  it('create_media_buy runs as a task: submitted at once, then working and completed webhooks echoing context', async () => {
    const { seller, receiver, wiring } = await setUp(false);
    const { status, body } = await call(seller, 'create_media_buy', {
      idempotency_key: 'create-000000000000001',
      context: { correlation_id: 'corr-create' },
      push_notification_config: { url: receiver.url, operation_id: 'op_create', token: TOKEN },
    });
    expect(status).toBe(200);
    expect(body).toEqual({ task_id: expect.stringMatching(/^task_/), status: 'submitted', context: { correlation_id: 'corr-create' } });
    const hooks = await receiver.waitFor(2);
    await settle(seller, wiring);
    expect(hooks.map((hook) => hook.json['status'])).toEqual(['working', 'completed']);
    for (const { json } of hooks) {
      expect(validateMcpWebhookPayload(json).ok).toBe(true);
      expect(json).toMatchObject({ task_id: body['task_id'], operation_id: 'op_create', token: TOKEN, result: { context: { correlation_id: 'corr-create' } } });
    }
  });

  it('gate off (default): a synchronous update_media_buy sends no webhook, and its response keeps internal fields out', async () => {
    const { seller, receiver, wiring } = await setUp(false);
    const { status, body } = await call(seller, 'update_media_buy', updateArgs(receiver));
    expect(status).toBe(200);
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
    await receiver.waitFor(2);
    await settle(seller, wiring);
    expect(receiver.received.map((hook) => hook.json['status'])).toEqual(['working', 'completed']);
  });

  it('refuses a bad registration with INVALID_REQUEST naming the field, echoing context', async () => {
    const { seller, receiver } = await setUp(true);
    const args = updateArgs(receiver);
    const { status, body } = await call(seller, 'update_media_buy', { ...args, push_notification_config: { ...args.push_notification_config, token: 'short' } });
    expect(status).toBe(400);
    expect(body).toEqual({
      errors: [expect.objectContaining({ code: 'INVALID_REQUEST', field: 'push_notification_config.token' })],
      context: { correlation_id: 'corr-upd' },
    });
  });

  it.each([[[]], [['--sync-completion']]])('`npm run example:seller` %j runs the demo end to end and exits 0', async (flags) => {
    const main = join(REPO, 'dist/examples/seller/main.js');
    if (!existsSync(main)) throw new Error('dist/examples/seller/main.js is missing: run `npm run build` first');
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [main, ...flags], { cwd: REPO, timeout: 60_000 }, (error, out) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: out }));
    });
    const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const summary = events.find((event) => event['event'] === 'summary');
    expect(summary).toMatchObject({ ok: true, refused: [], webhooks: flags.length === 0 ? 2 : 3 });
    expect(code).toBe(0);
    const webhooks = events.filter((event) => event['event'] === 'webhook');
    expect(webhooks.filter((event) => event['task_type'] === 'update_media_buy')).toHaveLength(flags.length === 0 ? 0 : 1);
  });
});
