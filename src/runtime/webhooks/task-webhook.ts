// The conformant path (webhooks.mdx "When webhooks fire"): a task whose first response was
// `submitted` or `working` announces each later status change to the buyer's
// push_notification_config. The envelope comes from the binding's builder (the bundled binding by
// default), is checked by that binding's validator, and is handed to background delivery; this
// call never awaits the network and never throws.
import type { PushNotificationConfig, WebhookResult } from '../../generated/index.js';
import type { AnyAdcpBinding } from '../binding/index.js';
import { guardLogger, type Logger } from '../logging/logger.js';
import { DEFAULT_BINDING, type BindingConfig, type BindingStatus, type BindingTaskType } from '../routing/binding-types.js';
import { NON_TERMINAL_INITIAL_STATUSES, type AnnouncedStatus, type NonTerminalInitialStatus } from './status-roles.js';
import { buildEnvelopeWith, stringMember } from './task-envelope.js';
import type { LifecycleTaskType } from './task-kinds.js';
import type { DeliveryPushConfig, WebhookSender } from './webhook-sender.js';

/** The type of the `context` member of a result type, where its schema carries one. */
export type ResultContext<R> = R extends { context?: infer C } ? C : never;

/** One task webhook, typed by the bundled binding. */
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

/** One task webhook in the AdCP version of `binding`, typed by it (webhooks.mdx "When webhooks fire"). */
export interface BoundTaskWebhookInput<B extends AnyAdcpBinding> {
  /** The AdCP version the buyer speaks: builds and validates the envelope. */
  readonly binding: B;
  readonly taskId: string;
  readonly taskType: BindingTaskType<B>;
  readonly status: BindingStatus<B>;
  readonly initialStatus: NonTerminalInitialStatus;
  /** The buyer's registration, as extractPushNotificationConfig returned it for this binding. */
  readonly pushConfig: BindingConfig<B>;
  readonly result?: object;
  readonly context?: object;
  readonly message?: string;
  readonly contextId?: string;
}

/**
 * Why a task webhook was not sent: `not_a_lifecycle_task` (the task type does not run as a task with
 * webhooks, e.g. a report), `status_not_announced` (`submitted` or `unknown`, never a later webhook),
 * `initial_status_terminal` (no task webhook follows a terminal first response; webhooks.mdx "When
 * webhooks fire"), `missing_operation_id` (the release requires one in the registration),
 * `invalid_push_config` (no `url`), `invalid_envelope` (the built envelope failed
 * core/mcp-webhook-payload.json), `sender_error` (the sender threw), or the delivery runtime's refusal.
 */
export type TaskWebhookRefusal =
  | 'not_a_lifecycle_task'
  | 'status_not_announced'
  | 'initial_status_terminal'
  | 'missing_operation_id'
  | 'invalid_push_config'
  | 'invalid_envelope'
  | 'sender_error'
  /** refused by the delivery runtime (queue_full, closed, ssrf_blocked, signer_unavailable …) */
  | (string & {});

/**
 * What `emitTaskWebhook` answers: `queued: true` with the delivery's `idempotencyKey` and the
 * envelope's `notification_id` (absent in a release whose envelope has none), or `queued: false` with
 * the `TaskWebhookRefusal`. Queued means admitted to background delivery, not yet delivered.
 */
export type TaskWebhookOutcome =
  | { readonly queued: true; readonly idempotencyKey: string; readonly notificationId?: string }
  | { readonly queued: false; readonly reason: TaskWebhookRefusal };

/** Options of `emitTaskWebhook`. */
export interface TaskWebhookOptions {
  /** Warned of every webhook not sent (reason, task type, status); default silent. */
  readonly logger?: Logger;
}

/** The version-independent facts of one task webhook. */
export interface TaskWebhookFacts {
  readonly taskId: string;
  readonly taskType: string;
  readonly status: string;
  readonly initialStatus: string;
  readonly pushConfig: unknown;
  readonly result?: object | undefined;
  readonly context?: unknown;
  readonly message?: string | undefined;
  readonly contextId?: string | undefined;
}

/**
 * Announces one task status change (webhooks.mdx "When webhooks fire", "Webhook payload") with the
 * bundled binding, or with `input.binding`: refuses what the release forbids, builds and validates
 * the envelope, and hands it to `sender`. Never throws; the outcome says what happened.
 */
export function emitTaskWebhook<T extends LifecycleTaskType, S extends AnnouncedStatus>(
  sender: WebhookSender,
  input: TaskWebhookInput<T, S>,
  options?: TaskWebhookOptions,
): TaskWebhookOutcome;
export function emitTaskWebhook<B extends AnyAdcpBinding>(
  sender: WebhookSender,
  input: BoundTaskWebhookInput<B>,
  options?: TaskWebhookOptions,
): TaskWebhookOutcome;
export function emitTaskWebhook(
  sender: WebhookSender,
  input: TaskWebhookFacts & { readonly binding?: AnyAdcpBinding },
  options: TaskWebhookOptions = {},
): TaskWebhookOutcome {
  return emitTaskWebhookWith(sender, input.binding ?? DEFAULT_BINDING, input, options);
}

/** emitTaskWebhook through `binding`; shared by the lifecycle and the durable path. */
export function emitTaskWebhookWith(
  sender: WebhookSender,
  binding: AnyAdcpBinding,
  input: TaskWebhookFacts,
  options: TaskWebhookOptions = {},
): TaskWebhookOutcome {
  const logger = guardLogger(options.logger);
  try {
    const outcome = emit(sender, binding, input);
    if (!outcome.queued) logRefusal(logger, input, outcome.reason);
    return outcome;
  } catch {
    logRefusal(logger, input, 'sender_error');
    return { queued: false, reason: 'sender_error' };
  }
}

function emit(sender: WebhookSender, binding: AnyAdcpBinding, input: TaskWebhookFacts): TaskWebhookOutcome {
  const refusal = inputRefusal(binding, input);
  if (refusal !== undefined) return { queued: false, reason: refusal };
  const pushConfig = deliveryConfigOf(input.pushConfig);
  if (pushConfig === undefined) return { queued: false, reason: 'invalid_push_config' };
  const built = buildEnvelopeWith(binding, {
    taskId: input.taskId,
    taskType: input.taskType,
    status: input.status,
    pushConfig: input.pushConfig,
    result: withContext(input.result, input.context),
    message: input.message,
    contextId: input.contextId,
  });
  if (!built.ok) return { queued: false, reason: built.reason };
  if (!binding.validateMcpWebhookPayload(built.payload).ok) return { queued: false, reason: 'invalid_envelope' };
  const sent = sender.send({ pushConfig, payload: built.payload as object });
  if (!sent.queued) return sent;
  // The envelope's own member: a release whose envelope has no notification_id (3.0) carries none.
  const notificationId = stringMember(built.payload, 'notification_id');
  return notificationId === undefined
    ? { queued: true, idempotencyKey: sent.idempotencyKey }
    : { queued: true, idempotencyKey: sent.idempotencyKey, notificationId };
}

/** Runtime checks against the binding's tables, for JavaScript callers, casts and untyped bindings. */
function inputRefusal(binding: AnyAdcpBinding, input: TaskWebhookFacts): TaskWebhookRefusal | undefined {
  if (binding.taskKind(input.taskType) !== 'task') return 'not_a_lifecycle_task';
  const role = binding.statusRole(input.status);
  if (role !== 'progress' && role !== 'terminal') return 'status_not_announced';
  if (!(NON_TERMINAL_INITIAL_STATUSES as readonly string[]).includes(input.initialStatus)) return 'initial_status_terminal';
  return undefined;
}

/** The registration as delivery reads it: every release's config has `url` (and the same `authentication`). */
function deliveryConfigOf(config: unknown): DeliveryPushConfig | undefined {
  return stringMember(config, 'url') === undefined ? undefined : (config as DeliveryPushConfig);
}

/** The result with the request's `context` set verbatim; the caller's object is not modified. */
function withContext(result: object | undefined, context: unknown): object | undefined {
  if (context === undefined) return result;
  if (result === undefined || result === null) return { context };
  if (typeof result !== 'object' || Array.isArray(result)) return result;
  return { ...result, context };
}

function logRefusal(logger: Logger, input: TaskWebhookFacts, reason: string): void {
  logger.log('warn', 'task webhook not sent', {
    reason,
    taskType: String(input.taskType),
    status: String(input.status),
  });
}
