// Task webhooks through a durable sender: the envelope is built and validated exactly as on the
// background path (emitTaskWebhook), then written to the outbox; the outcome is known only once the
// write is confirmed or refused, so it is a promise that never rejects.
import type { AnyAdcpBinding } from '../binding/index.js';
import { guardLogger } from '../logging/logger.js';
import { DEFAULT_BINDING } from '../routing/binding-types.js';
import type { DurableWebhookSender } from './durable-sender.js';
import type { OutgoingWebhook } from './outgoing-webhook.js';
import type { AnnouncedStatus } from './status-roles.js';
import type { LifecycleTaskType } from './task-kinds.js';
import {
  emitTaskWebhookWith,
  type BoundTaskWebhookInput,
  type TaskWebhookFacts,
  type TaskWebhookInput,
  type TaskWebhookOptions,
  type TaskWebhookOutcome,
} from './task-webhook.js';
import type { WebhookSender } from './webhook-sender.js';

/**
 * emitTaskWebhook through the durable outbox (webhooks.mdx "When webhooks fire", "Reliability"): resolves once the
 * webhook is durably written, or with a refusal (`store_unavailable`, …). Never rejects. With `input.binding` the
 * envelope is built and validated in that AdCP version.
 */
export function emitTaskWebhookDurably<T extends LifecycleTaskType, S extends AnnouncedStatus>(
  sender: DurableWebhookSender,
  input: TaskWebhookInput<T, S>,
  options?: TaskWebhookOptions,
): Promise<TaskWebhookOutcome>;
export function emitTaskWebhookDurably<B extends AnyAdcpBinding>(
  sender: DurableWebhookSender,
  input: BoundTaskWebhookInput<B>,
  options?: TaskWebhookOptions,
): Promise<TaskWebhookOutcome>;
export function emitTaskWebhookDurably(
  sender: DurableWebhookSender,
  input: TaskWebhookFacts & { readonly binding?: AnyAdcpBinding },
  options: TaskWebhookOptions = {},
): Promise<TaskWebhookOutcome> {
  return emitTaskWebhookDurablyWith(sender, input.binding ?? DEFAULT_BINDING, input, options);
}

/** emitTaskWebhookDurably through `binding`; used by the task lifecycle. */
export async function emitTaskWebhookDurablyWith(
  sender: DurableWebhookSender,
  binding: AnyAdcpBinding,
  input: TaskWebhookFacts,
  options: TaskWebhookOptions = {},
): Promise<TaskWebhookOutcome> {
  let built: OutgoingWebhook | undefined;
  // Captures the validated envelope; the provisional key is replaced by the outbox's answer below.
  const capture: WebhookSender = {
    send(webhook) {
      built = webhook;
      return { queued: true, idempotencyKey: '' };
    },
  };
  const prepared = emitTaskWebhookWith(capture, binding, input, options);
  if (!prepared.queued || built === undefined) return prepared;
  const written = await sender.send(built);
  if (!written.queued) {
    guardLogger(options.logger).log('error', 'task webhook not written to the durable outbox', { reason: written.reason, taskType: input.taskType, status: input.status });
    return written;
  }
  return { ...prepared, idempotencyKey: written.idempotencyKey };
}
