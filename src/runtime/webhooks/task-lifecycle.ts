// One task's webhook lifecycle: the seller answers the buyer with `initialResponse` (submitted or
// working, carrying the task_id and the echoed context), then calls `update` for every later
// status change. The request's `context` is echoed in every webhook, and after the terminal
// webhook nothing more is sent for the task.
import { randomUUID } from 'node:crypto';
import type { ContextObject, PushNotificationConfig, WebhookResult } from '../../generated/index.js';
import type { Logger } from '../logging/logger.js';
import { isTerminalStatus, type AnnouncedStatus, type NonTerminalInitialStatus } from './status-roles.js';
import type { LifecycleTaskType } from './task-kinds.js';
import { emitTaskWebhook, type ResultContext, type TaskWebhookOutcome } from './task-webhook.js';
import type { WebhookSender } from './webhook-sender.js';
import { isDurableWebhookSender, type DurableWebhookSender } from './durable-sender.js';
import { emitTaskWebhookDurably } from './durable-emit.js';

/** Either sender: background (`update` returns the outcome) or durable (`update` resolves after the write). */
export type TaskWebhookSender = WebhookSender | DurableWebhookSender;

/** `update`'s result: a promise exactly when the sender is durable. */
export type LifecycleUpdateResult<D extends TaskWebhookSender> = D extends DurableWebhookSender ? Promise<LifecycleUpdateOutcome> : LifecycleUpdateOutcome;

export interface TaskLifecycleOptions<T extends LifecycleTaskType, D extends TaskWebhookSender = WebhookSender> {
  readonly sender: D;
  readonly taskType: T;
  /** From extractPushNotificationConfig; without one the task runs silently (buyer polls). */
  readonly pushConfig: PushNotificationConfig | undefined;
  readonly initialStatus: NonTerminalInitialStatus;
  /** Default: `task_` + a random UUID. */
  readonly taskId?: string;
  /** The request's top-level `context`, echoed verbatim in the initial response and every webhook. */
  readonly context?: ContextObject;
  readonly logger?: Logger;
}

export interface InitialTaskResponse {
  readonly task_id: string;
  readonly status: NonTerminalInitialStatus;
  readonly context?: ContextObject;
}

export type LifecycleUpdateOutcome = TaskWebhookOutcome | { readonly queued: false; readonly reason: 'no_push_config' | 'task_already_terminal' };

export class TaskLifecycle<T extends LifecycleTaskType, D extends TaskWebhookSender = WebhookSender> {
  readonly taskId: string;
  readonly initialResponse: InitialTaskResponse;
  #terminal = false;
  readonly #options: TaskLifecycleOptions<T, D>;

  constructor(options: TaskLifecycleOptions<T, D>) {
    this.#options = options;
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
  update<S extends AnnouncedStatus>(status: S, result?: WebhookResult<T, S>, message?: string): LifecycleUpdateResult<D> {
    const outcome = this.#announce(status, result, message);
    if (!isDurableWebhookSender(this.#options.sender)) return outcome as LifecycleUpdateResult<D>;
    return Promise.resolve(outcome).then((settled) => this.#reopenAfterStoreFailure(status, settled)) as LifecycleUpdateResult<D>;
  }

  /**
   * A terminal webhook the store did not confirm leaves the task open, so the seller can announce it again; the
   * repeat carries the same `notification_id`, which receivers dedup on should the first write land after all.
   */
  #reopenAfterStoreFailure(status: AnnouncedStatus, outcome: LifecycleUpdateOutcome): LifecycleUpdateOutcome {
    if (!outcome.queued && outcome.reason === 'store_unavailable' && isTerminalStatus(status)) this.#terminal = false;
    return outcome;
  }

  #announce<S extends AnnouncedStatus>(status: S, result?: WebhookResult<T, S>, message?: string): LifecycleUpdateOutcome | Promise<LifecycleUpdateOutcome> {
    if (this.#terminal) return { queued: false, reason: 'task_already_terminal' };
    if (isTerminalStatus(status)) this.#terminal = true;
    const { sender, pushConfig, taskType, initialStatus, context, logger } = this.#options;
    if (pushConfig === undefined) return { queued: false, reason: 'no_push_config' };
    const emit = isDurableWebhookSender(sender) ? emitTaskWebhookDurably<T, S> : emitTaskWebhook<T, S>;
    return emit(
      sender as WebhookSender & DurableWebhookSender,
      {
        taskId: this.taskId,
        taskType,
        status,
        initialStatus,
        pushConfig,
        ...(result === undefined ? {} : { result }),
        ...(context === undefined ? {} : { context: context as ResultContext<WebhookResult<T, S>> }),
        ...(message === undefined ? {} : { message }),
      },
      logger === undefined ? {} : { logger },
    );
  }
}

export function startTaskLifecycle<T extends LifecycleTaskType, D extends TaskWebhookSender = WebhookSender>(
  options: TaskLifecycleOptions<T, D>,
): TaskLifecycle<T, D> {
  return new TaskLifecycle(options);
}
