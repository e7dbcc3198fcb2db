// Sends any webhook kind of a release through the task-webhook delivery path (signed, SSRF-guarded,
// retrying: createWebhookDelivery), with per-kind coalescence as building/by-layer/L3/webhooks.mdx —
// Coalescence defines it: windows are per event type, delivery reports are never coalesced, general
// impairments default to 5 minutes, latency-sensitive fires skip the window.
import { DeliveryConfigError } from '../delivery/errors.js';
import type { DeliveryResult } from '../delivery/result.js';
import type { WebhookDelivery } from '../delivery/webhook-delivery.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import type { NotificationPayloadValidator } from './notification-receiver.js';
import { NotificationPayloadError } from './notification-payload-error.js';

/** Wire payloads of a release before they are typed: kind name → any JSON object. */
export type AnyNotificationPayloads = Record<string, object>;

/** The part of a generated NOTIFICATION_KINDS entry the sender needs (src/generated/notifications.ts). */
export interface NotificationKindRouting {
  /** default coalescence window in ms; null = never coalesced */
  readonly coalesceMs: number | null;
  /** true: the payload sent is the task envelope, whose `result` is the kind's payload */
  readonly inTaskEnvelope?: boolean;
}

/**
 * Options of {@link createNotificationSender}: the delivery every fire goes through (signed, SSRF-guarded, retried),
 * the release's kind table, and per-kind coalescence windows (building/by-layer/L3/webhooks.mdx — Coalescence).
 */
export interface NotificationSenderOptions<P extends object = AnyNotificationPayloads> {
  readonly delivery: WebhookDelivery;
  /** the release's NOTIFICATION_KINDS table */
  readonly kinds: Readonly<Record<NoInfer<keyof P & string>, NotificationKindRouting>>;
  /** the release's validateNotificationPayload: each standalone payload is checked before it is sent, else NotificationPayloadError */
  readonly validate?: NotificationPayloadValidator<NoInfer<P>>;
  /** per-kind window overrides in ms (0 or null disables); never widens a kind the table says is not coalesced */
  readonly coalesceMs?: Readonly<Record<string, number | null>>;
}

/**
 * One notification to send: destination, kind name, the complete payload and the signer that signs its fire.
 * `P` is what goes on the wire per kind (the release's NotificationWirePayloads).
 */
export interface NotificationSendRequest<P extends object = AnyNotificationPayloads, K extends keyof P & string = keyof P & string> {
  readonly url: string;
  readonly kind: K;
  /** a complete payload (from buildNotificationPayload, or buildMcpWebhookPayload for media-buy kinds) */
  readonly payload: P[K];
  readonly signer: WebhookSigner;
  /** fraud / brand-safety class fires: sent at once (webhooks.mdx — Coalescence, latency-sensitive) */
  readonly latencySensitive?: boolean;
  /** what identifies "the same resource" inside a window; defaults to the payload's notification_id */
  readonly coalesceKey?: string;
}

/** Sends notifications of every kind; see building/by-layer/L3/webhooks.mdx — Persistent channel contract. */
export interface NotificationSender<P extends object = AnyNotificationPayloads> {
  /**
   * Resolves with the delivery result of the fire that carried this payload (the last one of its window).
   * With `validate`, an invalid payload throws NotificationPayloadError before anything is sent.
   */
  send<K extends keyof P & string>(request: NotificationSendRequest<P, K>): Promise<DeliveryResult>;
  /** Fires every pending coalesced payload now (termination: pending impairments fire before the end). */
  flush(): Promise<void>;
}

interface Pending {
  request: NotificationSendRequest;
  readonly waiters: Array<(result: Promise<DeliveryResult>) => void>;
  readonly timer: NodeJS.Timeout;
}

/**
 * Creates a NotificationSender over an existing WebhookDelivery. For typed requests pass the release's wire
 * payload map: `createNotificationSender<NotificationWirePayloads>({ delivery, kinds: NOTIFICATION_KINDS, validate: validateNotificationPayload })`.
 */
export function createNotificationSender<P extends object = AnyNotificationPayloads>(options: NotificationSenderOptions<P>): NotificationSender<P> {
  const pending = new Map<string, Pending>();

  const fire = (key: string): Promise<DeliveryResult> => {
    const entry = pending.get(key)!;
    pending.delete(key);
    clearTimeout(entry.timer);
    const result = deliver(options.delivery, entry.request);
    entry.waiters.forEach((resolve) => resolve(result));
    return result;
  };

  return {
    send(typed) {
      const request = typed as unknown as NotificationSendRequest;
      const window = windowOf(options as NotificationSenderOptions, request);
      checkPayload(options as NotificationSenderOptions, request);
      if (window === null) return deliver(options.delivery, request);
      const key = coalesceKeyOf(request);
      return new Promise<Promise<DeliveryResult>>((resolve) => {
        const entry = pending.get(key);
        if (entry) {
          entry.request = request;
          entry.waiters.push(resolve);
          return;
        }
        const timer = setTimeout(() => void fire(key).catch(() => undefined), window);
        timer.unref();
        pending.set(key, { request, waiters: [resolve], timer });
      }).then((result) => result);
    },
    async flush() {
      await Promise.all([...pending.keys()].map((key) => fire(key)));
    },
  };
}

function deliver(delivery: WebhookDelivery, request: NotificationSendRequest): Promise<DeliveryResult> {
  return delivery.deliver({ url: request.url, payload: request.payload, signer: request.signer });
}

/** Standalone kinds are checked as sent; media-buy kinds travel in the task envelope, built and checked by its own builder. */
function checkPayload(options: NotificationSenderOptions, request: NotificationSendRequest): void {
  if (!options.validate || options.kinds[request.kind]!.inTaskEnvelope === true) return;
  const result = options.validate(request.kind, request.payload);
  if (!result.ok) throw new NotificationPayloadError(request.kind, result.errors);
}

function windowOf(options: NotificationSenderOptions, request: NotificationSendRequest): number | null {
  const routing = options.kinds[request.kind];
  if (!routing) throw new DeliveryConfigError(`unknown notification kind "${request.kind}" (not in this release's NOTIFICATION_KINDS)`);
  if (routing.coalesceMs === null || request.latencySensitive === true) return null;
  const override = options.coalesceMs?.[request.kind];
  const window = override === undefined ? routing.coalesceMs : override;
  return window === null || window <= 0 ? null : window;
}

function coalesceKeyOf(request: NotificationSendRequest): string {
  const id = request.coalesceKey ?? (request.payload as Record<string, unknown>)['notification_id'];
  if (typeof id !== 'string') throw new DeliveryConfigError(`coalescing "${request.kind}" needs a coalesceKey or a notification_id`);
  return `${request.kind}\u0000${request.url}\u0000${id}`;
}
