// What the webhook receiver hands back: a verified, deduplicated, validated event (typed on task
// type × status from the AdCP version binding), a duplicate to acknowledge, or a rejection that
// carries the HTTP status and the `WWW-Authenticate` value to send.
import type { McpWebhookPayload } from '../../generated/mcp-webhook-payload.js';
import type { SpecWebhookTaskType } from '../../generated/task-types.js';
import type { TaskStatus } from '../../generated/task-statuses.js';
import type { UntypedWebhookResult, WebhookResult } from '../../generated/webhook-result.js';
import type { AnyAdcpBinding } from '../binding/index.js';
import type { BindingPayload, BindingResult, BindingStatus, BindingTaskType } from '../routing/binding-types.js';
import type { ChecklistStep, WebhookChecklistCode } from '../signing/webhook-checklist.js';
import type { HmacVerificationCode } from '../signing/hmac-verifier.js';

/** How the request was authenticated: the registration's mode (security.mdx "Mode selection"). */
export type WebhookAuthMode = 'rfc9421' | 'hmac' | 'bearer';

/** The wire shape the event arrived in (webhooks.mdx "Payload extraction"). */
export type WebhookFormat = 'mcp' | 'a2a';

/** Members every accepted event carries, whatever its task type. */
export interface WebhookEventFacts {
  readonly kind: 'event';
  /** The AdCP release whose binding validated the event (e.g. `3.0.26`): its types are the event's. */
  readonly adcpVersion: string;
  readonly format: WebhookFormat;
  readonly mode: WebhookAuthMode;
  /** Authenticated sender identity (the dedup scope): the key source's sender, or the registration's. */
  readonly sender: string;
  /** The verified `keyid` (RFC 9421 mode only). */
  readonly keyid?: string;
  readonly taskId: string;
  readonly operationId?: string;
  readonly contextId?: string;
  /** ISO 8601 time the sender generated the event, when the payload carries one. */
  readonly timestamp?: string;
  readonly message?: string;
  /** The dedup key: `idempotency_key` (MCP), or `a2a:<sha-256 of the body>` for A2A bodies. */
  readonly idempotencyKey: string;
  readonly notificationId?: string;
  /**
   * True when this `notification_id` was seen before under a different `idempotency_key`: the
   * sender re-emitted the event (mcp-webhook-payload.json `notification_id`), a missed-events signal.
   */
  readonly reEmission: boolean;
  /** True when a newer status for the same task was already received (webhooks.mdx "Reliability"). */
  readonly stale: boolean;
}

/** An event of task type `T` in status `S`, `result` typed by the version binding. */
export interface TypedWebhookEvent<T extends SpecWebhookTaskType = SpecWebhookTaskType, S extends TaskStatus = TaskStatus>
  extends WebhookEventFacts {
  readonly taskType: T;
  readonly status: S;
  /** The AdCP data: MCP `result`, or the DataPart the A2A extraction algorithm selects. */
  readonly result: WebhookResult<T, S> | undefined;
  /** The parsed body: the MCP envelope, or the A2A `Task` / `TaskStatusUpdateEvent` (unwrapped). */
  readonly payload: McpWebhookPayload<T, S> | Readonly<Record<string, unknown>>;
}

/** Discriminated union over every task type × status: narrowing both types `result`. */
export type WebhookEvent = {
  [T in SpecWebhookTaskType]: { [S in TaskStatus]: TypedWebhookEvent<T, S> }[TaskStatus];
}[SpecWebhookTaskType];

/** An A2A event whose task type the registration does not name: `result` is untyped. */
export interface UntypedWebhookEvent extends WebhookEventFacts {
  readonly taskType: undefined;
  readonly status: TaskStatus;
  readonly result: UntypedWebhookResult | undefined;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * Every event a receiver without a `binding` option hands back: a `WebhookEvent`, typed on task type ×
 * status, or an `UntypedWebhookEvent` (an A2A delivery whose registration names no task type).
 * Narrowing on `taskType`, then `status`, types `result` (webhooks.mdx "Webhook payload formats").
 */
export type ReceivedWebhookEvent = WebhookEvent | UntypedWebhookEvent;

/**
 * An event accepted through binding `B` (webhooks.mdx "Webhook payload"): task type and status are
 * that AdCP version's; `taskType` is undefined for an A2A event whose registration names none.
 */
export interface BoundWebhookEvent<
  B extends AnyAdcpBinding,
  T extends BindingTaskType<B> | undefined = BindingTaskType<B> | undefined,
  S extends BindingStatus<B> = BindingStatus<B>,
> extends WebhookEventFacts {
  readonly taskType: T;
  readonly status: S;
  /** The AdCP data: MCP `result` (typed by `B` for `T` × `S`), or the DataPart the A2A extraction algorithm selects. */
  readonly result: BindingResult<B, T, S> | undefined;
  /** The parsed body: the MCP envelope of `B`, or the A2A `Task` / `TaskStatusUpdateEvent` (unwrapped). */
  readonly payload: BindingPayload<B> | Readonly<Record<string, unknown>>;
}

/**
 * Every event binding `B` accepts for task types `T` and statuses `S`, as a union discriminated on
 * `taskType` × `status`: a plain `if` or `switch` on both narrows `result` (webhooks.mdx "Webhook payload").
 */
export type BoundWebhookEvents<
  B extends AnyAdcpBinding,
  T extends BindingTaskType<B> = BindingTaskType<B>,
  S extends BindingStatus<B> = BindingStatus<B>,
> = T extends unknown ? (S extends unknown ? BoundWebhookEvent<B, T, S> : never) : never;

/** What a receiver typed by binding `B` hands its handlers: every typed event, or an A2A event of unnamed task type. */
export type BoundReceivedEvent<B extends AnyAdcpBinding> = BoundWebhookEvents<B> | BoundWebhookEvent<B, undefined>;

/** A repeat of an event already processed: answer 2xx (webhooks.mdx "Dedup by idempotency_key"). */
export interface WebhookDuplicate {
  readonly kind: 'duplicate';
  readonly status: 200;
  readonly sender: string;
  readonly idempotencyKey: string;
}

/** Receiver-level rejections beside the checklist and HMAC codes. */
export type ReceiverRejectionCode =
  | 'webhook_method_not_allowed'
  | 'webhook_content_type_invalid'
  | 'webhook_payload_too_large'
  | 'webhook_request_invalid'
  | 'webhook_registration_unknown'
  | 'webhook_bearer_invalid'
  | 'webhook_token_invalid'
  | 'webhook_payload_invalid'
  | 'webhook_event_in_progress'
  | 'webhook_receiver_unavailable'
  | 'webhook_raw_body_unavailable';

/**
 * Every `code` a `WebhookRejection` carries: the RFC 9421 webhook verifier checklist codes
 * (security.mdx "Webhook callbacks", "Webhook error taxonomy"), the legacy HMAC-SHA256 codes
 * (webhooks.mdx "Legacy HMAC-SHA256 fallback (deprecated)") and the receiver's own
 * `ReceiverRejectionCode`s.
 */
export type WebhookRejectionCode = WebhookChecklistCode | HmacVerificationCode | ReceiverRejectionCode;

/** Where the request failed: a checklist step, or a receiver stage around the checklist. */
export type RejectionStage =
  | ChecklistStep
  | 'method'
  | 'content-type'
  | 'size'
  | 'request'
  | 'registration'
  | 'mode'
  | 'hmac'
  | 'bearer'
  | 'token'
  | 'envelope'
  | 'dedup'
  | 'store';

/** The explain-mode report: the failed stage, its name, and the recomputed signature base. */
export interface RejectionExplanation {
  readonly stage: RejectionStage;
  readonly stageName: string;
  readonly detail: string;
  /** The RFC 9421 base the verifier recomputed (what the signer should have signed); no secret. */
  readonly signatureBase?: string;
}

/**
 * A refused request: the receiver's verdict and the HTTP answer to send. `status` is the HTTP status;
 * authentication failures are 401 with `wwwAuthenticate` (security.mdx "Webhook error taxonomy"),
 * terminal for the sender, while 503 answers carry `retryAfterSeconds` so the sender's retry comes
 * back later (webhooks.mdx "Reliability").
 */
export interface WebhookRejection {
  /** Discriminant of `ReceiveOutcome`. */
  readonly kind: 'rejected';
  /**
   * Machine-readable reason: a checklist code (`webhook_signature_*`, `webhook_mode_mismatch` …), a
   * legacy HMAC code, or a receiver code (`webhook_payload_too_large` …).
   */
  readonly code: WebhookRejectionCode;
  /** 400, 401, 404, 405, 413, 415, 500 or 503. */
  readonly status: number;
  /** `Signature error="webhook_…"` for authentication failures (security.mdx "Webhook error taxonomy"). */
  readonly wwwAuthenticate?: string;
  /** Seconds the sender should wait before retrying (503 answers). */
  readonly retryAfterSeconds?: number;
  /** Where the request failed: the checklist step or the receiver stage. */
  readonly stage: RejectionStage;
  /** Operator-facing reason; never a secret, a token, a signature or key material. */
  readonly detail: string;
  /** Present when the receiver runs in explain mode. */
  readonly explanation?: RejectionExplanation;
}

/** What one request came to: an event (typed by the receiver's binding), a duplicate, or a rejection. */
export type ReceiveOutcome<E extends WebhookEventFacts = ReceivedWebhookEvent> = E | WebhookDuplicate | WebhookRejection;
