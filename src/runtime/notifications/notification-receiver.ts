// Receives any standalone webhook kind (account-, agent- and channel-anchored payloads): the same
// authentication as task webhooks (security.mdx "Webhook callbacks"), then per-kind classification by
// the payload's discriminator, dedup by idempotency_key per sender, and the notification_id
// re-emission signal (core/mcp-webhook-payload.json notification_id; webhooks.mdx — Delivery semantics).
import type { WebhookKeySource } from '../keys/webhook-key-source.js';
import { createNotificationTracker } from '../receiver/event-tracking.js';
import type { WebhookRejection } from '../receiver/events.js';
import { createMemoryNonceStore } from '../receiver/memory-stores.js';
import type { WebhookRegistration } from '../receiver/registration.js';
import { rejection } from '../receiver/rejections.js';
import { snapshotRequest, type WebhookRequest } from '../receiver/request-snapshot.js';
import { authenticate } from '../receiver/verify-sender.js';

/** The part of a generated NOTIFICATION_KINDS entry the receiver needs (src/generated/notifications.ts). */
export interface NotificationKindShape {
  readonly inTaskEnvelope: boolean;
  readonly discriminator: { readonly field: string; readonly value: string } | null;
  readonly payloadFile: string;
}

/**
 * Options of {@link createNotificationReceiver}: verification keys, the registration the fires arrive on, the release's
 * kind table and an optional payload validator (building/by-layer/L3/webhooks.mdx — Signature verification).
 */
export interface NotificationReceiverOptions {
  readonly keys: WebhookKeySource;
  readonly registration: WebhookRegistration;
  /** the release's NOTIFICATION_KINDS table */
  readonly kinds: Readonly<Record<string, NotificationKindShape>>;
  /** schema validation of a classified payload (e.g. a validator compiled from the payload schema) */
  readonly validate?: (kind: string, payload: unknown) => boolean;
  readonly now?: () => number;
}

/** A verified, classified notification. */
export interface NotificationEvent {
  readonly kind: 'notification';
  readonly name: string;
  readonly sender: string;
  readonly idempotencyKey: string;
  readonly notificationId: string | undefined;
  /** same notification_id under a new idempotency_key: the seller re-fired (a missed-events warning) */
  readonly reEmission: boolean;
  readonly payload: Record<string, unknown>;
}

/**
 * What {@link NotificationReceiver.receive} returns: a classified event, a duplicate (answer 200, skip side effects:
 * building/by-layer/L3/webhooks.mdx — Reliability) or a rejection carrying the HTTP status to send.
 */
export type NotificationOutcome = NotificationEvent | { readonly kind: 'duplicate'; readonly status: 200; readonly idempotencyKey: string } | WebhookRejection;

/** Receives standalone notifications of every kind; see building/by-layer/L3/webhooks.mdx — Reliability. */
export interface NotificationReceiver {
  receive(request: WebhookRequest): Promise<NotificationOutcome>;
}

const MAX_REMEMBERED = 100_000;

/** Creates a NotificationReceiver (in-memory nonce and dedup state). */
export function createNotificationReceiver(options: NotificationReceiverOptions): NotificationReceiver {
  const nonces = createMemoryNonceStore();
  const seen = new Set<string>();
  const tracker = createNotificationTracker();
  const now = options.now ?? Date.now;
  const shapes = Object.entries(options.kinds).filter(([, shape]) => !shape.inTaskEnvelope);

  return {
    async receive(request) {
      const snapshot = snapshotRequest(request);
      if (snapshot === undefined) return rejection('webhook_request_invalid', 'request', 'method, url, headers or body is unusable');
      const auth = await authenticate(snapshot, options.registration, { keys: options.keys, nonces, replayScope: 'per-endpoint', nowSeconds: Math.floor(now() / 1000), explain: false });
      if (!('ok' in auth)) return auth;
      const payload = parseObject(snapshot.body);
      const name = payload && classify(shapes, payload);
      if (!payload || !name) return rejection('webhook_payload_invalid', 'envelope', 'not a notification of a known kind');
      if (options.validate && !options.validate(name, payload)) return rejection('webhook_payload_invalid', 'envelope', `not a valid ${name} payload`);
      const idempotencyKey = payload['idempotency_key'];
      if (typeof idempotencyKey !== 'string') return rejection('webhook_payload_invalid', 'envelope', 'idempotency_key is missing');
      const dedupKey = `${auth.sender}\n${idempotencyKey}`;
      if (seen.has(dedupKey)) return { kind: 'duplicate', status: 200, idempotencyKey };
      if (seen.size >= MAX_REMEMBERED) seen.delete(seen.values().next().value!);
      seen.add(dedupKey);
      const notificationId = typeof payload['notification_id'] === 'string' ? payload['notification_id'] : undefined;
      const reEmission = notificationId !== undefined && tracker.observe(auth.sender, notificationId, idempotencyKey);
      return { kind: 'notification', name, sender: auth.sender, idempotencyKey, notificationId, reEmission, payload };
    },
  };
}

function classify(shapes: ReadonlyArray<readonly [string, NotificationKindShape]>, payload: Record<string, unknown>): string | undefined {
  const byDiscriminator = shapes.find(([, shape]) => shape.discriminator !== null && payload[shape.discriminator.field] === shape.discriminator.value);
  if (byDiscriminator) return byDiscriminator[0];
  return undefined;
}

function parseObject(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
