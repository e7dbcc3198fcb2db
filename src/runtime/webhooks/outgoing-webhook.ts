// A webhook of any AdCP version as the senders see it: the registration members delivery reads and
// the built envelope, plus the non-secret labels stored with each delivery.
import type { PushNotificationConfig } from '../../generated/index.js';

/**
 * The members of a validated push_notification_config delivery reads; every AdCP release's config
 * has them, with the same schema (core/push-notification-config.json `url`, `authentication`).
 */
export type DeliveryPushConfig = {
  readonly url: string;
  readonly authentication?: PushNotificationConfig['authentication'];
};

/**
 * A webhook of any AdCP version (webhooks.mdx "Webhook payload"): the buyer's registration and the
 * complete envelope the version's binding built and validated.
 */
export interface OutgoingWebhook {
  readonly pushConfig: DeliveryPushConfig;
  readonly payload: object;
}

/** Non-secret labels stored with the delivery: never the token. */
export function labelsOf(payload: object): Record<string, string> {
  const envelope = payload as Readonly<Record<string, unknown>>;
  const labels: Record<string, string> = {};
  for (const name of ['task_type', 'task_id', 'status', 'operation_id'] as const) {
    const value = envelope[name];
    if (typeof value === 'string') labels[name] = value;
  }
  return labels;
}
