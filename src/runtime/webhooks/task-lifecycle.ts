// One task's webhook lifecycle: the seller answers the buyer with `initialResponse` (submitted or
// working, carrying the task_id and the echoed context), then calls `update` for every later
// status change. The request's `context` is echoed in every webhook, and after the terminal
// webhook nothing more is sent for the task.
import { randomUUID } from 'node:crypto';
import type { ContextObject, SpecWebhookTaskType, TaskStatus, WebhookResult } from '../../generated/index.js';
import type { AnyAdcpBinding } from '../binding/index.js';
import type { Logger } from '../logging/logger.js';
import { DEFAULT_BINDING, type BindingConfig, type BindingStatus, type BindingTaskType, type DefaultBinding } from '../routing/binding-types.js';
import type { AnnouncedStatus, NonTerminalInitialStatus } from './status-roles.js';
import type { LifecycleTaskType } from './task-kinds.js';
import { emitTaskWebhookWith, type TaskWebhookOutcome } from './task-webhook.js';
import type { WebhookSender } from './webhook-sender.js';
import { isDurableWebhookSender, type DurableWebhookSender } from './durable-sender.js';
import { emitTaskWebhookDurablyWith } from './durable-emit.js';

/**
 * Task types a lifecycle runs for binding `B`: the bundled binding's lifecycle task types; for
 * another binding any of its task types (one announced as a report is refused at runtime).
 */
export type LifecycleTaskTypeOf<B extends AnyAdcpBinding> = B extends DefaultBinding ? LifecycleTaskType : BindingTaskType<B>;

/** Statuses `update` takes for binding `B` (for another binding its roles are checked at runtime). */
export type AnnouncedStatusOf<B extends AnyAdcpBinding> = B extends DefaultBinding ? AnnouncedStatus : BindingStatus<B>;

/** The `result` `update` takes: typed by task type and status for the bundled binding, an object otherwise. */
export type LifecycleResult<B extends AnyAdcpBinding, T extends string, S extends string> = B extends DefaultBinding
  ? WebhookResult<T & SpecWebhookTaskType, S & TaskStatus>
  : object;

/** Either sender: background (`update` returns the outcome) or durable (`update` resolves after the write). */
export type TaskWebhookSender = WebhookSender | DurableWebhookSender;

/** `update`'s result: a promise exactly when the sender is durable. */
export type LifecycleUpdateResult<D extends TaskWebhookSender> = D extends DurableWebhookSender ? Promise<LifecycleUpdateOutcome> : LifecycleUpdateOutcome;

/**
 * Options of `startTaskLifecycle` (webhooks.mdx "When webhooks fire"). Defaults: the bundled binding,
 * task id `task_` + a random UUID, no context echo, a silent logger.
 */
export interface TaskLifecycleOptions<
  T extends LifecycleTaskTypeOf<B>,
  D extends TaskWebhookSender = WebhookSender,
  B extends AnyAdcpBinding = DefaultBinding,
> {
  /**
   * Where the task's webhooks go: a `WebhookSender` (`update` returns the outcome) or a durable sender
   * (`update` resolves once the webhook is written).
   */
  readonly sender: D;
  /** The task type every webhook announces; one announced as a report is refused. */
  readonly taskType: T;
  /** From extractPushNotificationConfig (with the same binding); without one the task runs silently (buyer polls). */
  readonly pushConfig: BindingConfig<B> | undefined;
  /**
   * The AdCP version the buyer speaks, chosen per counterparty (e.g. from the request's
   * `adcp_major_version`): builds and validates every envelope of this task. Default: the bundled binding.
   */
  readonly binding?: B;
  /** The status of the initial response: `submitted` or `working`. */
  readonly initialStatus: NonTerminalInitialStatus;
  /** Default: `task_` + a random UUID. */
  readonly taskId?: string;
  /** The request's top-level `context`, echoed verbatim in the initial response and every webhook. */
  readonly context?: ContextObject;
  /** Told of every webhook not sent; default silent. */
  readonly logger?: Logger;
}

/**
 * The task's first, synchronous response for the buyer: `task_id`, the non-terminal `status`, and the
 * request's `context` echoed verbatim when it had one (webhooks.mdx "When webhooks fire", "Echoing the
 * caller's `context` object").
 */
export interface InitialTaskResponse {
  readonly task_id: string;
  readonly status: NonTerminalInitialStatus;
  readonly context?: ContextObject;
}

/**
 * What `TaskLifecycle.update` answers: the `TaskWebhookOutcome`, or `queued: false` with
 * `no_push_config` (the buyer registered none and polls) or `task_already_terminal` (the terminal status
 * was already announced; nothing more is sent).
 */
export type LifecycleUpdateOutcome = TaskWebhookOutcome | { readonly queued: false; readonly reason: 'no_push_config' | 'task_already_terminal' };

/** One task's webhook lifecycle (webhooks.mdx "When webhooks fire"), in the AdCP version of its binding. */
export class TaskLifecycle<
  T extends LifecycleTaskTypeOf<B>,
  D extends TaskWebhookSender = WebhookSender,
  B extends AnyAdcpBinding = DefaultBinding,
> {
  readonly taskId: string;
  readonly initialResponse: InitialTaskResponse;
  /** The binding this task's webhooks are built and validated with. */
  readonly binding: B;
  #terminal = false;
  readonly #options: TaskLifecycleOptions<T, D, B>;

  constructor(options: TaskLifecycleOptions<T, D, B>) {
    this.#options = options;
    this.binding = options.binding ?? (DEFAULT_BINDING as AnyAdcpBinding as B);
    this.taskId = options.taskId ?? `task_${randomUUID()}`;
    this.initialResponse = {
      task_id: this.taskId,
      status: options.initialStatus,
      ...(options.context === undefined ? {} : { context: options.context }),
    };
  }

  get terminal(): boolean {
    return this.#terminal;
  }

  /**
   * Announces a status change; the terminal one is announced once, then the task is closed. With a durable
   * sender the promise resolves once the webhook is in the store (await it before answering the buyer).
   */
  update<S extends AnnouncedStatusOf<B>>(status: S, result?: LifecycleResult<B, T, S>, message?: string): LifecycleUpdateResult<D> {
    const outcome = this.#announce(status, result as object | undefined, message);
    if (!isDurableWebhookSender(this.#options.sender)) return outcome as LifecycleUpdateResult<D>;
    return Promise.resolve(outcome).then((settled) => this.#reopenAfterStoreFailure(status, settled)) as LifecycleUpdateResult<D>;
  }

  /**
   * A terminal webhook the store did not confirm leaves the task open, so the seller can announce it again; the
   * repeat carries the same `notification_id`, which receivers dedup on should the first write land after all.
   */
  #reopenAfterStoreFailure(status: string, outcome: LifecycleUpdateOutcome): LifecycleUpdateOutcome {
    if (!outcome.queued && outcome.reason === 'store_unavailable' && this.#isTerminal(status)) this.#terminal = false;
    return outcome;
  }

  #isTerminal(status: string): boolean {
    return this.binding.statusRole(status) === 'terminal';
  }

  #announce(status: string, result: object | undefined, message: string | undefined): LifecycleUpdateOutcome | Promise<LifecycleUpdateOutcome> {
    if (this.#terminal) return { queued: false, reason: 'task_already_terminal' };
    if (this.#isTerminal(status)) this.#terminal = true;
    const { sender, pushConfig, taskType, initialStatus, context, logger } = this.#options;
    if (pushConfig === undefined) return { queued: false, reason: 'no_push_config' };
    const facts = {
      taskId: this.taskId,
      taskType,
      status,
      initialStatus,
      pushConfig,
      ...(result === undefined ? {} : { result }),
      ...(context === undefined ? {} : { context }),
      ...(message === undefined ? {} : { message }),
    };
    const options = logger === undefined ? {} : { logger };
    return isDurableWebhookSender(sender)
      ? emitTaskWebhookDurablyWith(sender, this.binding, facts, options)
      : emitTaskWebhookWith(sender as WebhookSender, this.binding, facts, options);
  }
}

/**
 * Starts one task's webhook lifecycle (webhooks.mdx "When webhooks fire"): `initialResponse` for the
 * buyer, then `update` per status change. With `options.binding` every envelope is built and
 * validated in that AdCP version (a 3.0 buyer's carry no operation_id), typed by it.
 */
export function startTaskLifecycle<
  T extends LifecycleTaskTypeOf<B>,
  D extends TaskWebhookSender = WebhookSender,
  B extends AnyAdcpBinding = DefaultBinding,
>(options: TaskLifecycleOptions<T, D, B>): TaskLifecycle<T, D, B> {
  return new TaskLifecycle(options);
}
