// Task webhooks through a durable sender: the envelope is built and validated exactly as on the
// background path (emitTaskWebhook), then written to the outbox; the outcome is known only once the
// write is confirmed or refused, so it is a promise that never rejects.
import { guardLogger } from '../logging/logger.js';
import type { DurableWebhookSender } from './durable-sender.js';
import type { AnnouncedStatus } from './status-roles.js';
import type { LifecycleTaskType } from './task-kinds.js';
import { emitTaskWebhook, type TaskWebhookInput, type TaskWebhookOptions, type TaskWebhookOutcome } from './task-webhook.js';
import type { OutgoingTaskWebhook, WebhookSender } from './webhook-sender.js';

/**
 * emitTaskWebhook through the durable outbox (webhooks.mdx "When webhooks fire", "Reliability"): resolves once the
 * webhook is durably written, or with a refusal (`store_unavailable`, …). Never rejects.
 */
export async function emitTaskWebhookDurably<T extends LifecycleTaskType, S extends AnnouncedStatus>(
  sender: DurableWebhookSender,
  input: TaskWebhookInput<T, S>,
  options: TaskWebhookOptions = {},
): Promise<TaskWebhookOutcome> {
  let built: OutgoingTaskWebhook | undefined;
  // Captures the validated envelope; the provisional key is replaced by the outbox's answer below.
  const capture: WebhookSender = {
    send(webhook) {
      built = webhook as OutgoingTaskWebhook;
      return { queued: true, idempotencyKey: '' };
    },
  };
  const prepared = emitTaskWebhook(capture, input, options);
  if (!prepared.queued || built === undefined) return prepared;
  const written = await sender.send(built);
  if (!written.queued) {
    guardLogger(options.logger).log('error', 'task webhook not written to the durable outbox', { reason: written.reason, taskType: input.taskType, status: input.status });
    return written;
  }
  return { ...prepared, idempotencyKey: written.idempotencyKey };
}
