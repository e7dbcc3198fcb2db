// Receives any standalone webhook kind (account-, agent- and channel-anchored payloads): the same
// authentication as task webhooks (security.mdx "Webhook callbacks"), then per-kind classification by
// the payload's discriminator (a kind without one is recognised by its schema), validation against the
// kind's payload schema, dedup by idempotency_key per sender, and the notification_id
// re-emission signal (core/mcp-webhook-payload.json notification_id; webhooks.mdx — Delivery semantics).
import type { WebhookKeySource } from '../keys/webhook-key-source.js';
import { createNotificationTracker } from '../receiver/event-tracking.js';
import type { WebhookRejection } from '../receiver/events.js';
import { createMemoryNonceStore } from '../receiver/memory-stores.js';
import type { WebhookRegistration } from '../receiver/registration.js';
import { rejection } from '../receiver/rejections.js';
import { snapshotRequest, type WebhookRequest } from '../receiver/request-snapshot.js';
import { authenticate } from '../receiver/verify-sender.js';
import type { NotificationPayloadIssue } from './notification-payload-error.js';

/** The part of a generated NOTIFICATION_KINDS entry the receiver needs (src/generated/notifications.ts). */
export interface NotificationKindShape {
  readonly inTaskEnvelope: boolean;
  readonly discriminator: { readonly field: string; readonly value: string } | null;
  readonly payloadFile: string;
}

/** Payload map of a release before it is typed: kind name → a JSON object. */
export type UntypedNotificationPayloads = Record<string, Record<string, unknown>>;

/**
 * Schema validation of one kind's payload, in the shape of the generated `validateNotificationPayload`
 * (src/generated/notification-validators.ts): issues carry JSON pointers.
 */
export type NotificationPayloadValidator<P extends object = UntypedNotificationPayloads> = (
  kind: keyof P & string,
  payload: unknown,
) => { readonly ok: true } | { readonly ok: false; readonly errors: readonly NotificationPayloadIssue[] };

/**
 * Options of {@link createNotificationReceiver}: verification keys, the registration the fires arrive on, the release's
 * kind table and its payload validator (building/by-layer/L3/webhooks.mdx — Signature verification). With
 * `validate`, every payload is checked against its kind's schema and a kind without a discriminator is
 * recognised by its schema; without it, payloads are classified by discriminator only and stay unchecked.
 */
export interface NotificationReceiverOptions<P extends object = UntypedNotificationPayloads> {
  readonly keys: WebhookKeySource;
  readonly registration: WebhookRegistration;
  /** the release's NOTIFICATION_KINDS table */
  readonly kinds: Readonly<Record<NoInfer<keyof P & string>, NotificationKindShape>>;
  /** the release's validateNotificationPayload */
  readonly validate?: NotificationPayloadValidator<NoInfer<P>>;
  readonly now?: () => number;
}

/** A verified, classified notification of kind `K`, its payload typed by the release's NotificationPayloads. */
export interface NotificationEventOf<P extends object, K extends keyof P & string> {
  readonly kind: 'notification';
  readonly name: K;
  readonly sender: string;
  readonly idempotencyKey: string;
  readonly notificationId: string | undefined;
  /** same notification_id under a new idempotency_key: the seller re-fired (a missed-events warning) */
  readonly reEmission: boolean;
  readonly payload: P[K];
}

/** A verified, classified notification: a union over the kinds, so `switch (event.name)` narrows `payload`. */
export type NotificationEvent<P extends object = UntypedNotificationPayloads> = { [K in keyof P & string]: NotificationEventOf<P, K> }[keyof P & string];

/**
 * What {@link NotificationReceiver.receive} returns: a classified event, a duplicate (answer 200, skip side effects:
 * building/by-layer/L3/webhooks.mdx — Reliability) or a rejection carrying the HTTP status to send.
 */
export type NotificationOutcome<P extends object = UntypedNotificationPayloads> = NotificationEvent<P> | { readonly kind: 'duplicate'; readonly status: 200; readonly idempotencyKey: string } | WebhookRejection;

/** Receives standalone notifications of every kind; see building/by-layer/L3/webhooks.mdx — Reliability. */
export interface NotificationReceiver<P extends object = UntypedNotificationPayloads> {
  receive(request: WebhookRequest): Promise<NotificationOutcome<P>>;
}

const MAX_REMEMBERED = 100_000;

/**
 * Creates a NotificationReceiver (in-memory nonce and dedup state). Pass the release's payload map for
 * typed events: `createNotificationReceiver<NotificationPayloads>({ …, kinds: NOTIFICATION_KINDS, validate: validateNotificationPayload })`.
 */
export function createNotificationReceiver<P extends object = UntypedNotificationPayloads>(options: NotificationReceiverOptions<P>): NotificationReceiver<P> {
  const nonces = createMemoryNonceStore();
  const seen = new Set<string>();
  const tracker = createNotificationTracker();
  const now = options.now ?? Date.now;
  const shapes = (Object.entries(options.kinds) as Array<[string, NotificationKindShape]>).filter(([, shape]) => !shape.inTaskEnvelope);
  const validate = options.validate as NotificationPayloadValidator | undefined;

  return {
    async receive(request) {
      const snapshot = snapshotRequest(request);
      if (snapshot === undefined) return rejection('webhook_request_invalid', 'request', 'method, url, headers or body is unusable');
      const auth = await authenticate(snapshot, options.registration, { keys: options.keys, nonces, replayScope: 'per-endpoint', nowSeconds: Math.floor(now() / 1000), explain: false });
      if (!('ok' in auth)) return auth;
      const payload = parseObject(snapshot.body);
      const name = payload && classify(shapes, payload, validate);
      if (!payload || !name) return rejection('webhook_payload_invalid', 'envelope', 'not a notification of a known kind');
      const invalid = validate && firstIssue(validate(name, payload));
      if (invalid) return rejection('webhook_payload_invalid', 'envelope', `not a valid ${name} payload: ${invalid.path === '' ? '/' : invalid.path} ${invalid.message}`);
      const idempotencyKey = payload['idempotency_key'];
      if (typeof idempotencyKey !== 'string') return rejection('webhook_payload_invalid', 'envelope', 'idempotency_key is missing');
      const dedupKey = `${auth.sender}\n${idempotencyKey}`;
      if (seen.has(dedupKey)) return { kind: 'duplicate', status: 200, idempotencyKey };
      if (seen.size >= MAX_REMEMBERED) seen.delete(seen.values().next().value!);
      seen.add(dedupKey);
      const notificationId = typeof payload['notification_id'] === 'string' ? payload['notification_id'] : undefined;
      const reEmission = notificationId !== undefined && tracker.observe(auth.sender, notificationId, idempotencyKey);
      return { kind: 'notification', name, sender: auth.sender, idempotencyKey, notificationId, reEmission, payload } as unknown as NotificationEvent<P>;
    },
  };
}

/** The kind whose discriminator the payload carries; else the first kind without one whose schema accepts it. */
function classify(shapes: ReadonlyArray<readonly [string, NotificationKindShape]>, payload: Record<string, unknown>, validate: NotificationPayloadValidator | undefined): string | undefined {
  const byDiscriminator = shapes.find(([, shape]) => shape.discriminator !== null && payload[shape.discriminator.field] === shape.discriminator.value);
  if (byDiscriminator) return byDiscriminator[0];
  if (!validate) return undefined;
  return shapes.find(([name, shape]) => shape.discriminator === null && validate(name, payload).ok)?.[0];
}

function firstIssue(result: ReturnType<NotificationPayloadValidator>): NotificationPayloadIssue | undefined {
  return result.ok ? undefined : (result.errors[0] ?? { path: '', keyword: 'schema', message: 'is invalid' });
}

function parseObject(body: Uint8Array): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body).toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
