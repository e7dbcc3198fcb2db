// The receiver with typed handlers and an HTTP answer: `handle(request)` verifies, dedups and
// validates (receiver.ts), runs the handler registered for the event's task type and status, settles
// the dedup claim and says what to answer.
//
// Status policy (webhooks.mdx "Reliability", "Best practices"):
//   accepted event, handler done        → 200, the event is marked processed
//   duplicate                           → 200 (never 409: a non-2xx answer makes the sender retry)
//   handler threw, policy 'acknowledge' → 200, event marked processed, `onHandlerError` told (default:
//                                         a failing handler cannot turn one event into a retry storm)
//   handler threw, policy 'retry'       → 500, claim released so the sender's bounded retry runs it again
//   authentication failure              → 401 + `WWW-Authenticate: Signature error="webhook_…"` (terminal)
//   wrong content type / too large      → 415 / 413, judged before any crypto
//   invalid envelope                    → 400;  nothing registered at the URL → 404
//   event claimed elsewhere, store down → 503 + Retry-After
import type { SpecWebhookTaskType } from '../../generated/task-types.js';
import type { TaskStatus } from '../../generated/task-statuses.js';
import type { ReceivedWebhookEvent, ReceiveOutcome, TypedWebhookEvent, WebhookEvent } from './events.js';
import { createWebhookReceiverCore, safeLog, type ReceiveOptions, type WebhookReceiverCore, type WebhookReceiverOptions } from './receiver.js';
import type { WebhookRequest } from './request-snapshot.js';

export type WebhookHandler<E> = (event: E) => void | Promise<void>;

/** What to answer on the wire. The body never carries a secret or an explanation. */
export interface WebhookHttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What the receiver decided (the event, the duplicate, or the rejection). */
  readonly outcome: ReceiveOutcome;
}

export interface WebhookReceiverHandlerOptions {
  /** What a throwing handler answers; default `acknowledge` (see the status policy above). */
  readonly handlerErrorPolicy?: 'acknowledge' | 'retry';
  /** Told about every handler failure (e.g. to dead-letter the event). Its own errors are ignored. */
  readonly onHandlerError?: (error: unknown, event: ReceivedWebhookEvent) => void | Promise<void>;
}

export interface WebhookReceiver extends WebhookReceiverCore {
  /** Handles every event of `taskType` in `status`; `result` is typed for that pair. */
  on<T extends SpecWebhookTaskType, S extends TaskStatus>(taskType: T, status: S, handler: WebhookHandler<TypedWebhookEvent<T, S>>): this;
  /** Handles every event of `taskType` without a more specific handler. */
  on<T extends SpecWebhookTaskType>(taskType: T, handler: WebhookHandler<Extract<WebhookEvent, { taskType: T }>>): this;
  /** Handles events no task-type handler takes (including A2A events of unknown task type). */
  onAny(handler: WebhookHandler<ReceivedWebhookEvent>): this;
  /** Receive, dispatch to the most specific handler, settle dedup, and say what to answer. Never throws. */
  handle(request: WebhookRequest, options?: ReceiveOptions): Promise<WebhookHttpAnswer>;
}

/**
 * Creates the buyer's webhook receiver (security.mdx "Webhook callbacks"; webhooks.mdx "Signature
 * verification", "Reliability", "Payload extraction"). Throws `ReceiverConfigError` on unusable
 * options; `receive`, `claim` and `handle` never throw.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions & WebhookReceiverHandlerOptions): WebhookReceiver {
  const core = createWebhookReceiverCore(options);
  const policy = options.handlerErrorPolicy ?? 'acknowledge';
  const byPair = new Map<string, WebhookHandler<never>>();
  const byType = new Map<string, WebhookHandler<never>>();
  let catchAll: WebhookHandler<ReceivedWebhookEvent> | undefined;

  const handlerFor = (event: ReceivedWebhookEvent): WebhookHandler<ReceivedWebhookEvent> | undefined => {
    if (event.taskType === undefined) return catchAll;
    return (byPair.get(`${event.taskType}\n${event.status}`) ?? byType.get(event.taskType) ?? catchAll) as
      | WebhookHandler<ReceivedWebhookEvent>
      | undefined;
  };

  const reportFailure = async (error: unknown, event: ReceivedWebhookEvent): Promise<void> => {
    safeLog(core.logger, 'error', 'webhook handler failed', { task_type: event.taskType, task_id: event.taskId, sender: event.sender });
    try {
      await options.onHandlerError?.(error, event);
    } catch {
      // The error hook's own failure changes nothing.
    }
  };

  const receiver: WebhookReceiver = {
    ...core,
    on(taskType: SpecWebhookTaskType, statusOrHandler: TaskStatus | WebhookHandler<never>, maybeHandler?: WebhookHandler<never>) {
      if (typeof statusOrHandler === 'function') byType.set(taskType, statusOrHandler);
      else if (maybeHandler !== undefined) byPair.set(`${taskType}\n${statusOrHandler}`, maybeHandler);
      return receiver;
    },
    onAny(handler) {
      catchAll = handler;
      return receiver;
    },
    async handle(request, receiveOptions) {
      const outcome = await core.claim(request, receiveOptions);
      if (!('event' in outcome)) return answerFor(outcome);
      const { event } = outcome;
      try {
        await handlerFor(event)?.(event);
      } catch (error) {
        await reportFailure(error, event);
        if (policy === 'retry') {
          await outcome.release();
          return { status: 500, headers: JSON_HEADERS, body: '{"error":"handler_failed"}', outcome: event };
        }
      }
      await outcome.complete();
      return answerFor(event);
    },
  };
  return receiver;
}

const JSON_HEADERS = Object.freeze({ 'content-type': 'application/json' });

/** The wire answer for an outcome: status, `WWW-Authenticate` / `Retry-After`, a minimal JSON body. */
export function answerFor(outcome: ReceiveOutcome): WebhookHttpAnswer {
  if (outcome.kind === 'event') return { status: 200, headers: JSON_HEADERS, body: '{"status":"received"}', outcome };
  if (outcome.kind === 'duplicate') return { status: 200, headers: JSON_HEADERS, body: '{"status":"duplicate"}', outcome };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (outcome.wwwAuthenticate !== undefined) headers['www-authenticate'] = outcome.wwwAuthenticate;
  if (outcome.retryAfterSeconds !== undefined) headers['retry-after'] = String(outcome.retryAfterSeconds);
  return { status: outcome.status, headers, body: JSON.stringify({ error: outcome.code }), outcome };
}
