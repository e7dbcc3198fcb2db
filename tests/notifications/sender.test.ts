// createNotificationSender against a real loopback receiver and real undici: per-kind coalescence
// (building/by-layer/L3/webhooks.mdx — Coalescence) over the signed, retrying task-webhook delivery.
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import { createNotificationSender } from '../../src/runtime/notifications/index.js';
import { createRfc9421Signer } from '../../src/runtime/signing/index.js';
import { AdcpError } from '../../src/runtime/errors/index.js';
import { buildNotificationPayload, NOTIFICATION_KINDS } from '../../src/generated/notifications.js';
import { buildMcpWebhookPayload } from '../../src/generated/build-mcp-webhook-payload.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(coalesceMs?: Record<string, number | null>) {
  const hook: Receiver = await startReceiver();
  const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true });
  cleanups.push(() => hook.close(), () => delivery.close());
  const signer = createRfc9421Signer({ key: generateKeyPairSync('ed25519').privateKey, keyId: 'sender-test' });
  const sender = createNotificationSender({ delivery, kinds: NOTIFICATION_KINDS, ...(coalesceMs ? { coalesceMs } : {}) });
  return { hook, sender, signer, url: `${hook.url}/hook` };
}

const impairment = (reason: string) =>
  buildMcpWebhookPayload({
    task_id: 'mb_1',
    task_type: 'media_buy_delivery',
    status: 'working',
    notification_id: 'imp_1',
    result: { notification_type: 'impairment', impairment: { impairment_id: 'imp_1', reason } },
  } as never) as unknown as Record<string, unknown>;

const bodies = (hook: Receiver) => hook.requests.map((request) => JSON.parse(request.body.toString('utf8')) as Record<string, unknown>);

describe('coalescence per kind', () => {
  it('impairment: two fires for one notification_id inside the window become one delivery of the latest', async () => {
    const { hook, sender, signer, url } = await setup({ impairment: 150 });
    const first = sender.send({ url, kind: 'impairment', payload: impairment('audience suspended'), signer });
    const second = sender.send({ url, kind: 'impairment', payload: impairment('audience deleted'), signer });
    const [a, b] = await Promise.all([first, second]);
    expect(a).toEqual(b);
    expect(a.delivered).toBe(true);
    expect(hook.requests).toHaveLength(1);
    expect((bodies(hook)[0]!['result'] as { impairment: { reason: string } }).impairment.reason).toBe('audience deleted');
  });

  it('the table default for impairment is 5 minutes; latency-sensitive fires skip it', async () => {
    expect(NOTIFICATION_KINDS.impairment.coalesceMs).toBe(300_000);
    const { hook, sender, signer, url } = await setup();
    const result = await sender.send({ url, kind: 'impairment', payload: impairment('fraud'), signer, latencySensitive: true });
    expect(result.delivered).toBe(true);
    expect(hook.requests).toHaveLength(1);
  });

  it('flush fires a pending impairment at once (termination sequence)', async () => {
    const { hook, sender, signer, url } = await setup();
    const pending = sender.send({ url, kind: 'impairment', payload: impairment('creative revoked'), signer });
    expect(hook.requests).toHaveLength(0);
    await sender.flush();
    expect((await pending).delivered).toBe(true);
    expect(hook.requests).toHaveLength(1);
  });

  it('delivery reports are never coalesced, even with an override', async () => {
    const { hook, sender, signer, url } = await setup({ scheduled: 60_000 });
    const report = () => buildMcpWebhookPayload({ task_id: 'mb_1', task_type: 'media_buy_delivery', status: 'completed' } as never) as unknown as Record<string, unknown>;
    await Promise.all([sender.send({ url, kind: 'scheduled', payload: report(), signer }), sender.send({ url, kind: 'scheduled', payload: report(), signer })]);
    expect(hook.requests).toHaveLength(2);
  });

  it('account kinds go out signed through the same path', async () => {
    const { hook, sender, signer, url } = await setup();
    const payload = buildNotificationPayload('creative.purged', { notification_id: 'cre_9:purge', subscriber_id: 's', account_id: 'a', creative_id: 'cre_9', purge_kind: 'hard', purged_at: '2026-12-01T10:00:00Z', reason_code: 'legal_erasure', initiator: 'seller' });
    expect((await sender.send({ url, kind: 'creative.purged', payload, signer })).delivered).toBe(true);
    expect(String(hook.requests[0]!.headers['signature-input'])).toContain('keyid="sender-test"');
    expect(bodies(hook)[0]).toEqual(payload);
  });

  it('an unknown kind is refused with an AdcpError', async () => {
    const { sender, signer, url } = await setup();
    expect(() => sender.send({ url, kind: 'budget.exhausted', payload: {}, signer })).toThrow(AdcpError);
  });
});
