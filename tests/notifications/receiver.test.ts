// createNotificationReceiver: a standalone kind delivered by the real delivery path to a loopback
// server is verified (RFC 9421), classified with its kind, deduped by idempotency_key, and flagged as
// a re-emission when its notification_id returns under a new idempotency_key.
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import { createNotificationReceiver } from '../../src/runtime/notifications/index.js';
import { staticKeySource } from '../../src/runtime/receiver/index.js';
import { createRfc9421Signer } from '../../src/runtime/signing/index.js';
import { buildNotificationPayload, NOTIFICATION_KINDS } from '../../src/generated/notifications.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { generateSigningKey } from '../../src/runtime/keys/generate.js';

const SELLER = 'https://seller.example.com/mcp';
const KEY = generateSigningKey({ alg: 'ed25519' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function deliverAndCapture(payload: object) {
  const hook: Receiver = await startReceiver();
  const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true });
  cleanups.push(() => hook.close(), () => delivery.close());
  const signer = createRfc9421Signer({ key: KEY.privateJwk });
  const url = `${hook.url}/notify`;
  expect((await delivery.deliver({ url, payload, signer })).delivered).toBe(true);
  const request = hook.requests.at(-1)!;
  return { method: 'POST', url: `http://127.0.0.1:${hook.port}${request.url}`, headers: request.headers as Record<string, string>, body: request.body };
}

function receiver() {
  return createNotificationReceiver({ keys: staticKeySource([KEY.publicJwk], { sender: SELLER }), registration: { mode: 'rfc9421' }, kinds: NOTIFICATION_KINDS });
}

const purged = { notification_id: 'cre_7:purge', subscriber_id: 'buyer-primary', account_id: 'acc_1', creative_id: 'cre_7', purge_kind: 'soft', purged_at: '2026-12-01T10:00:00Z', reason_code: 'retention_expired', initiator: 'system' } as const;

describe('notification receiver', () => {
  it('verifies and classifies each standalone kind; a retry is a duplicate; a re-fire is a re-emission', async () => {
    const buyer = receiver();
    const first = buildNotificationPayload('creative.purged', purged);
    const request = await deliverAndCapture(first);
    const event = await buyer.receive(request);
    expect(event).toMatchObject({ kind: 'notification', name: 'creative.purged', sender: SELLER, notificationId: 'cre_7:purge', reEmission: false, idempotencyKey: first['idempotency_key'] });
    expect(await buyer.receive(await deliverAndCapture(first))).toMatchObject({ kind: 'duplicate', status: 200 });
    const refire = buildNotificationPayload('creative.purged', purged);
    expect(await buyer.receive(await deliverAndCapture(refire))).toMatchObject({ kind: 'notification', reEmission: true });
    const list = buildNotificationPayload('property_list_changed', { list_id: 'pl_1', resolved_at: '2026-12-01T10:00:00Z', signature: 'x' });
    expect(await buyer.receive(await deliverAndCapture(list))).toMatchObject({ kind: 'notification', name: 'property_list_changed', notificationId: undefined });
  });

  it('a tampered body fails verification; an unknown kind is rejected', async () => {
    const buyer = receiver();
    const request = await deliverAndCapture(buildNotificationPayload('creative.purged', purged));
    const tampered = { ...request, body: Buffer.from(request.body.toString('utf8').replace('cre_7', 'cre_8')) };
    expect(await buyer.receive(tampered)).toMatchObject({ kind: 'rejected', status: 401 });
    const unknown = await deliverAndCapture({ idempotency_key: 'whk_abcdefghijklmnopqrstuv', notification_type: 'budget.exhausted' });
    expect(await buyer.receive(unknown)).toMatchObject({ kind: 'rejected', code: 'webhook_payload_invalid' });
  });
});
