// The conformant path (webhooks.mdx "When webhooks fire"): a task whose first response was
// `submitted` or `working` announces each later status change to the buyer's
// push_notification_config. The envelope comes from the generated builder, is checked by the
// generated validator, and is handed to background delivery; this call never awaits the network
// and never throws.
import {
  isSpecWebhookTaskType,
  isTaskStatus,
  validateMcpWebhookPayload,
  type PushNotificationConfig,
  type WebhookResult,
} from '../../generated/index.js';
import { guardLogger, type Logger } from '../logging/logger.js';
import { isAnnouncedStatus, NON_TERMINAL_INITIAL_STATUSES, type AnnouncedStatus, type NonTerminalInitialStatus } from './status-roles.js';
import { buildTaskEnvelope, terminalNotificationId } from './task-envelope.js';
import { isLifecycleTaskType, type LifecycleTaskType } from './task-kinds.js';
import type { WebhookSender } from './webhook-sender.js';

/** The type of the `context` member of a result type, where its schema carries one. */
export type ResultContext<R> = R extends { context?: infer C } ? C : never;

export interface TaskWebhookInput<T extends LifecycleTaskType, S extends AnnouncedStatus> {
  readonly taskId: string;
  readonly taskType: T;
  readonly status: S;
  /** Status of the task's first, synchronous response: task webhooks only follow a non-terminal one. */
  readonly initialStatus: NonTerminalInitialStatus;
  /** The buyer's registration, as returned by extractPushNotificationConfig. */
  readonly pushConfig: PushNotificationConfig;
  /** Typed by task type and status: a completed create_media_buy takes the create-media-buy response. */
  readonly result?: WebhookResult<T, S>;
  /** The originating request's top-level `context`, echoed verbatim inside `result`. */
  readonly context?: ResultContext<WebhookResult<T, S>>;
  readonly message?: string;
  readonly contextId?: string;
}

export type TaskWebhookRefusal =
  | 'not_a_lifecycle_task'
  | 'status_not_announced'
  | 'initial_status_terminal'
  | 'missing_operation_id'
  | 'invalid_envelope'
  | 'sender_error'
  /** refused by the delivery runtime (queue_full, closed, ssrf_blocked, signer_unavailable …) */
  | (string & {});

export type TaskWebhookOutcome =
  | { readonly queued: true; readonly idempotencyKey: string; readonly notificationId?: string }
  | { readonly queued: false; readonly reason: TaskWebhookRefusal };

export interface TaskWebhookOptions {
  readonly logger?: Logger;
}

export function emitTaskWebhook<T extends LifecycleTaskType, S extends AnnouncedStatus>(
  sender: WebhookSender,
  input: TaskWebhookInput<T, S>,
  options: TaskWebhookOptions = {},
): TaskWebhookOutcome {
  const logger = guardLogger(options.logger);
  try {
    const outcome = emit(sender, input);
    if (!outcome.queued) logRefusal(logger, input, outcome.reason);
    return outcome;
  } catch {
    logRefusal(logger, input, 'sender_error');
    return { queued: false, reason: 'sender_error' };
  }
}

function emit<T extends LifecycleTaskType, S extends AnnouncedStatus>(
  sender: WebhookSender,
  input: TaskWebhookInput<T, S>,
): TaskWebhookOutcome {
  const refusal = inputRefusal(input);
  if (refusal !== undefined) return { queued: false, reason: refusal };
  const built = buildTaskEnvelope({
    taskId: input.taskId,
    taskType: input.taskType,
    status: input.status,
    pushConfig: input.pushConfig,
    result: withContext(input.result, input.context),
    message: input.message,
    contextId: input.contextId,
  });
  if (!built.ok) return { queued: false, reason: built.reason };
  if (!validateMcpWebhookPayload(built.payload).ok) return { queued: false, reason: 'invalid_envelope' };
  const sent = sender.send({ pushConfig: input.pushConfig, payload: built.payload });
  if (!sent.queued) return sent;
  const notificationId = terminalNotificationId(input.taskId, input.status);
  return notificationId === undefined
    ? { queued: true, idempotencyKey: sent.idempotencyKey }
    : { queued: true, idempotencyKey: sent.idempotencyKey, notificationId };
}

interface RoutingFields {
  readonly taskType: string;
  readonly status: string;
  readonly initialStatus: string;
}

/** Runtime checks for what the types already say, for JavaScript callers and casts. */
function inputRefusal(input: RoutingFields): TaskWebhookRefusal | undefined {
  if (!isSpecWebhookTaskType(input.taskType) || !isLifecycleTaskType(input.taskType)) return 'not_a_lifecycle_task';
  if (!isTaskStatus(input.status) || !isAnnouncedStatus(input.status)) return 'status_not_announced';
  if (!(NON_TERMINAL_INITIAL_STATUSES as readonly string[]).includes(input.initialStatus)) return 'initial_status_terminal';
  return undefined;
}

/** The result with the request's `context` set verbatim; the caller's object is not modified. */
function withContext<R>(result: R | undefined, context: unknown): R | undefined {
  if (context === undefined) return result;
  if (result === undefined || result === null) return { context } as R;
  if (typeof result !== 'object' || Array.isArray(result)) return result;
  return { ...result, context };
}

function logRefusal(logger: Logger, input: RoutingFields, reason: string): void {
  logger.log('warn', 'task webhook not sent', {
    reason,
    taskType: String(input.taskType),
    status: String(input.status),
  });
}
