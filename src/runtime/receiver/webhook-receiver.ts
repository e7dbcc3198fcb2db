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
import type { AnyAdcpBinding } from '../binding/index.js';
import type { Logger } from '../logging/logger.js';
import type { BindingStatus, BindingTaskType } from '../routing/binding-types.js';
import type { BoundReceivedEvent, BoundWebhookEvent, BoundWebhookEvents, ReceivedWebhookEvent, ReceiveOutcome, TypedWebhookEvent, WebhookEvent, WebhookEventFacts } from './events.js';
import { createWebhookReceiverCore, safeLog, type ReceiveOptions, type WebhookReceiverCore, type WebhookReceiverOptions } from './receiver.js';
import type { WebhookRequest } from './request-snapshot.js';

/**
 * A handler registered with `on` or `onAny`: it gets the accepted event and may be async. What a
 * throwing handler answers is `handlerErrorPolicy`'s choice.
 */
export type WebhookHandler<E> = (event: E) => void | Promise<void>;

/** What to answer on the wire. The body never carries a secret or an explanation. */
export interface WebhookHttpAnswer<E extends WebhookEventFacts = ReceivedWebhookEvent> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** What the receiver decided (the event, the duplicate, or the rejection). */
  readonly outcome: ReceiveOutcome<E>;
}

/**
 * Handler-failure options of `createWebhookReceiver`. With the default policy `acknowledge`, a
 * throwing handler still answers 200 and the event is marked processed, so one failing event cannot
 * become a retry storm; `retry` answers 500 and releases the dedup claim so the sender's retry runs the
 * handler again (webhooks.mdx "Reliability").
 */
export interface WebhookReceiverHandlerOptions<E extends WebhookEventFacts = ReceivedWebhookEvent> {
  /** What a throwing handler answers; default `acknowledge` (see the status policy above). */
  readonly handlerErrorPolicy?: 'acknowledge' | 'retry';
  /** Told about every handler failure (e.g. to dead-letter the event). Its own errors are ignored. */
  readonly onHandlerError?: (error: unknown, event: E) => void | Promise<void>;
}

/** The wire answer of a receiver of any binding. */
export type AnyWebhookHttpAnswer = WebhookHttpAnswer<WebhookEventFacts>;

/**
 * What the HTTP adapters need of a receiver, whichever binding types its events (webhooks.mdx
 * "Signature verification"): the signed-URL policy, the body cap and `handle`.
 */
export interface HttpWebhookReceiver {
  readonly publicBaseUrl: string | undefined;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
  readonly logger: Logger;
  handle(request: WebhookRequest, options?: ReceiveOptions): Promise<WebhookHttpAnswer<WebhookEventFacts>>;
}

/**
 * The buyer's webhook receiver with typed handlers, as `createWebhookReceiver` makes it without a
 * `binding` option. `handle` runs one request through verification, dedup and the most specific
 * handler, and answers per the status policy (webhooks.mdx "Reliability", "Best practices"): 200 for an
 * event or a duplicate, 401 with `WWW-Authenticate` on an authentication failure, 415 / 413 before any
 * crypto, 400 for an invalid envelope, 404 when nothing is registered at the URL, 503 with
 * `Retry-After` when the event is claimed elsewhere or a store is down.
 */
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
 * A receiver whose events are typed by binding `B` (webhooks.mdx "Webhook payload"): handlers key on
 * that AdCP version's task types and statuses.
 */
export interface BoundWebhookReceiver<B extends AnyAdcpBinding> extends WebhookReceiverCore<BoundReceivedEvent<B>> {
  /** Handles every event of `taskType` in `status`. */
  on<T extends BindingTaskType<B>, S extends BindingStatus<B>>(taskType: T, status: S, handler: WebhookHandler<BoundWebhookEvent<B, T, S>>): this;
  /** Handles every event of `taskType` without a more specific handler. */
  on<T extends BindingTaskType<B>>(taskType: T, handler: WebhookHandler<BoundWebhookEvents<B, T>>): this;
  /** Handles events no task-type handler takes (including A2A events of unknown task type). */
  onAny(handler: WebhookHandler<BoundReceivedEvent<B>>): this;
  /** Receive, dispatch to the most specific handler, settle dedup, and say what to answer. Never throws. */
  handle(request: WebhookRequest, options?: ReceiveOptions): Promise<WebhookHttpAnswer<BoundReceivedEvent<B>>>;
}

/**
 * Creates the buyer's webhook receiver (security.mdx "Webhook callbacks"; webhooks.mdx "Signature
 * verification", "Reliability", "Payload extraction"). With `options.binding` envelopes are
 * validated by that AdCP version (a 3.0 seller's carry no operation_id) and events typed by it; a
 * registration's own `binding` validates its deliveries. Throws `ReceiverConfigError` on unusable
 * options; `receive`, `claim` and `handle` never throw.
 */
export function createWebhookReceiver(options: WebhookReceiverOptions & WebhookReceiverHandlerOptions): WebhookReceiver;
export function createWebhookReceiver<B extends AnyAdcpBinding>(
  options: WebhookReceiverOptions<B> & { readonly binding: B } & WebhookReceiverHandlerOptions<BoundReceivedEvent<B>>,
): BoundWebhookReceiver<B>;
export function createWebhookReceiver(
  options: WebhookReceiverOptions<AnyAdcpBinding> & WebhookReceiverHandlerOptions<never>,
): WebhookReceiver | BoundWebhookReceiver<AnyAdcpBinding> {
  const core = createWebhookReceiverCore(options as WebhookReceiverOptions);
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
      // Each overload types the hook's event by its binding; this one event reaches it as is.
      await (options.onHandlerError as WebhookReceiverHandlerOptions['onHandlerError'])?.(error, event);
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
      if (!('event' in outcome)) return answerFor<ReceivedWebhookEvent>(outcome);
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
export function answerFor<E extends WebhookEventFacts>(outcome: ReceiveOutcome<E>): WebhookHttpAnswer<E> {
  if (outcome.kind === 'event') return { status: 200, headers: JSON_HEADERS, body: '{"status":"received"}', outcome };
  if (outcome.kind === 'duplicate') return { status: 200, headers: JSON_HEADERS, body: '{"status":"duplicate"}', outcome };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (outcome.wwwAuthenticate !== undefined) headers['www-authenticate'] = outcome.wwwAuthenticate;
  if (outcome.retryAfterSeconds !== undefined) headers['retry-after'] = String(outcome.retryAfterSeconds);
  return { status: outcome.status, headers, body: JSON.stringify({ error: outcome.code }), outcome };
}
