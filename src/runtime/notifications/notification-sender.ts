// Sends any webhook kind of a release through the task-webhook delivery path (signed, SSRF-guarded,
// retrying: createWebhookDelivery), with per-kind coalescence as building/by-layer/L3/webhooks.mdx —
// Coalescence defines it: windows are per event type, delivery reports are never coalesced, general
// impairments default to 5 minutes, latency-sensitive fires skip the window.
import { DeliveryConfigError } from '../delivery/errors.js';
import type { DeliveryResult } from '../delivery/result.js';
import type { WebhookDelivery } from '../delivery/webhook-delivery.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';

/** The part of a generated NOTIFICATION_KINDS entry the sender needs (src/generated/notifications.ts). */
export interface NotificationKindRouting {
  /** default coalescence window in ms; null = never coalesced */
  readonly coalesceMs: number | null;
}

/**
 * Options of {@link createNotificationSender}: the delivery every fire goes through (signed, SSRF-guarded, retried),
 * the release's kind table, and per-kind coalescence windows (building/by-layer/L3/webhooks.mdx — Coalescence).
 */
export interface NotificationSenderOptions {
  readonly delivery: WebhookDelivery;
  /** the release's NOTIFICATION_KINDS table */
  readonly kinds: Readonly<Record<string, NotificationKindRouting>>;
  /** per-kind window overrides in ms (0 or null disables); never widens a kind the table says is not coalesced */
  readonly coalesceMs?: Readonly<Record<string, number | null>>;
}

/** One notification to send: destination, kind name, the complete payload and the signer that signs its fire. */
export interface NotificationSendRequest {
  readonly url: string;
  readonly kind: string;
  /** a complete payload (e.g. from buildNotificationPayload or buildMcpWebhookPayload) */
  readonly payload: Record<string, unknown>;
  readonly signer: WebhookSigner;
  /** fraud / brand-safety class fires: sent at once (webhooks.mdx — Coalescence, latency-sensitive) */
  readonly latencySensitive?: boolean;
  /** what identifies "the same resource" inside a window; defaults to the payload's notification_id */
  readonly coalesceKey?: string;
}

/** Sends notifications of every kind; see building/by-layer/L3/webhooks.mdx — Persistent channel contract. */
export interface NotificationSender {
  /** Resolves with the delivery result of the fire that carried this payload (the last one of its window). */
  send(request: NotificationSendRequest): Promise<DeliveryResult>;
  /** Fires every pending coalesced payload now (termination: pending impairments fire before the end). */
  flush(): Promise<void>;
}

interface Pending {
  request: NotificationSendRequest;
  readonly waiters: Array<(result: Promise<DeliveryResult>) => void>;
  readonly timer: NodeJS.Timeout;
}

/** Creates a NotificationSender over an existing WebhookDelivery. */
export function createNotificationSender(options: NotificationSenderOptions): NotificationSender {
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
    send(request) {
      const window = windowOf(options, request);
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

function windowOf(options: NotificationSenderOptions, request: NotificationSendRequest): number | null {
  const routing = options.kinds[request.kind];
  if (!routing) throw new DeliveryConfigError(`unknown notification kind "${request.kind}" (not in this release's NOTIFICATION_KINDS)`);
  if (routing.coalesceMs === null || request.latencySensitive === true) return null;
  const override = options.coalesceMs?.[request.kind];
  const window = override === undefined ? routing.coalesceMs : override;
  return window === null || window <= 0 ? null : window;
}

function coalesceKeyOf(request: NotificationSendRequest): string {
  const id = request.coalesceKey ?? request.payload['notification_id'];
  if (typeof id !== 'string') throw new DeliveryConfigError(`coalescing "${request.kind}" needs a coalesceKey or a notification_id`);
  return `${request.kind}\u0000${request.url}\u0000${id}`;
}
