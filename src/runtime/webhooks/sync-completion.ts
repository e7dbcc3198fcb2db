// The opt-in sync-completion gate: after a synchronous create_media_buy / update_media_buy /
// sync_creatives response, send the buyer's push_notification_config a `completed` webhook
// carrying that same response.
//
// NON-CONFORMANT from AdCP 3.0.26 on: "Sellers MUST NOT synthesize a task webhook by inventing a
// task_id or replaying the inline result" (webhooks.mdx "When webhooks fire"). Off by default;
// turning it on logs that once. The conformant path is task-lifecycle.ts.
//
// Invariants:
// - skips when disabled, when no sender is wired, when the request has no push URL, when the tool
//   is outside the spec task-type enum (warned once per tool), and when the response is exactly
//   the two-key `{ task_id, status: 'submitted' }` envelope, `context` echo allowed (that task's
//   lifecycle announces its own completion); a looser `{ status: 'submitted', ...more }` response still fires;
// - `task_id` is synthesized as `sync-<uuid>`; the buyer's token travels in the body, never a header;
// - fire-and-forget: nothing on the response path waits for delivery, and no exception (a sender
//   that throws on property access included) ever reaches the sync response;
// - a replayed request (same request idempotency_key) never fires twice.
// - the submitted-envelope check applies to every tool (update_media_buy included), and `result`
//   is the projected response the buyer received.
//
// Cost on the response path: only what is free to decide (flags, precomputed Sets, presence of a
// push URL, the submitted-envelope shape) plus a shallow copy of the response. Everything that costs
// — push-config validation and URL policy, the replay memory, the envelope build (timestamp,
// idempotency key, task id) and the hand-off to delivery — runs right after the response, in one
// batch per event-loop turn (sync-completion-batch.ts); `flush()` runs it at once, e.g. before
// draining delivery. The fate of each scheduled webhook goes to `onDelivery` and the logger.
import type { SpecWebhookTaskType } from '../../generated/index.js';
import type { AnyAdcpBinding } from '../binding/index.js';
import { DEFAULT_BINDING } from '../routing/binding-types.js';
import { guardLogger, type Logger } from '../logging/logger.js';
import { PUSH_CONFIG_FIELD, type PushConfigPolicy } from './push-config.js';
import { readField, UNREADABLE } from './read-field.js';
import { ReplayDedup, type RequestReplayGuard } from './replay-dedup.js';
import { emitScheduled, type ScheduledEmission, type SyncCompletionDelivery } from './sync-completion-batch.js';
import type { WebhookSender } from './webhook-sender.js';

export type { SyncCompletionDelivery } from './sync-completion-batch.js';

/** The task types the opt-in sync-completion gate fires for: `create_media_buy`, `update_media_buy`, `sync_creatives`. */
export const SYNC_COMPLETION_TASK_TYPES = [
  'create_media_buy',
  'update_media_buy',
  'sync_creatives',
] as const satisfies readonly SpecWebhookTaskType[];

/** One of `SYNC_COMPLETION_TASK_TYPES`. */
export type SyncCompletionTaskType = (typeof SYNC_COMPLETION_TASK_TYPES)[number];

/** The rule the gate breaks when enabled, quoted in the warning. */
export const SYNC_COMPLETION_NONCONFORMANCE =
  'sync-completion webhooks are non-conformant from AdCP 3.0.26 on: sellers MUST NOT send task webhooks for inline terminal responses ' +
  '("Sellers MUST NOT synthesize a task webhook by inventing a task_id or replaying the inline result", webhooks.mdx "When webhooks fire")';

/**
 * What `maybeEmitSyncCompletion` decided on the response path: `scheduled` (the webhook is built and
 * handed to delivery right after the response; its fate goes to `onDelivery`), or why it was skipped:
 * the gate is disabled, no sender is wired, the request has no push URL, the tool is outside
 * enums/task-type.json or outside `SYNC_COMPLETION_TASK_TYPES`, the response is the bare
 * `{ task_id, status: 'submitted' }` envelope (that task's lifecycle announces its own completion) or
 * not an object, the backlog is full (`maxPending`), or the gate failed.
 */
export type SyncCompletionOutcome =
  | 'scheduled'
  | 'skipped_disabled'
  | 'skipped_no_sender'
  | 'skipped_no_url'
  | 'skipped_tool_not_in_spec'
  | 'skipped_tool_not_sync_completion'
  | 'skipped_submitted_envelope'
  | 'skipped_response_not_object'
  | 'skipped_backlog_full'
  | 'skipped_gate_error';

/**
 * Options of `createSyncCompletionGate`. Enabling the gate is non-conformant from AdCP 3.0.26 on:
 * sellers MUST NOT synthesize a task webhook by replaying the inline result (webhooks.mdx "When webhooks
 * fire"); the conformant path is `startTaskLifecycle`. Defaults: disabled, no sender (never fires), the
 * `pushConfigPolicy` binding or else the bundled binding, a `ReplayDedup` of 10,000 keys for 24 h, at
 * most 10,000 pending webhooks, a silent logger.
 */
export interface SyncCompletionGateOptions {
  /** Default false. Non-conformant from AdCP 3.0.26 on; enabling it logs a warning once. */
  readonly enabled?: boolean;
  /** Background delivery; without one the gate never fires. */
  readonly sender?: WebhookSender | undefined;
  /** Told of refusals and failures, and warned once when the gate is enabled; default silent. */
  readonly logger?: Logger;
  /**
   * How the request's `push_notification_config` is judged before a webhook is built (as by
   * `extractPushNotificationConfig`); default: the binding's rules and the default SSRF policy.
   */
  readonly pushConfigPolicy?: PushConfigPolicy<AnyAdcpBinding>;
  /**
   * The AdCP version the buyer speaks: its task types, push_notification_config rules and envelope
   * builder (a 3.0 buyer registers no operation_id). Default: `pushConfigPolicy.binding`, else the
   * bundled binding.
   */
  readonly binding?: AnyAdcpBinding;
  /** Remembers request idempotency keys already acted on. Default: a bounded in-memory ReplayDedup. */
  readonly replayGuard?: RequestReplayGuard;
  /** Webhooks scheduled and not yet handed to delivery, at most. Default 10,000. */
  readonly maxPending?: number;
  /** Told the fate of each scheduled webhook. Must not throw (if it does, it is logged). */
  readonly onDelivery?: (delivery: SyncCompletionDelivery) => void;
}

/** One synchronous tool call, handed to `maybeEmitSyncCompletion` once its response is decided. */
export interface SyncCompletionCall {
  /** The tool (task type) that was called. */
  readonly tool: string;
  /** The request params: push_notification_config and idempotency_key are read from here. */
  readonly params: unknown;
  /** The response exactly as sent to the buyer (after any projection that strips internal fields). */
  readonly response: unknown;
  /** Whose idempotency keys these are (account or principal id); keys are scoped by it. */
  readonly replayScope?: string;
}

/**
 * The gate `createSyncCompletionGate` makes, passed to `maybeEmitSyncCompletion` with every synchronous
 * response. The webhooks it schedules are built and handed to delivery in one batch per event-loop
 * turn.
 */
export interface SyncCompletionGate {
  /** Whether the gate fires at all (`SyncCompletionGateOptions.enabled`). */
  readonly enabled: boolean;
  /** Hands every scheduled webhook to delivery now (call before draining delivery). Never throws. */
  flush(): void;
  /** Scheduled webhooks not yet handed to delivery. */
  readonly pending: number;
}

const SYNC_COMPLETION_SET: ReadonlySet<string> = new Set(SYNC_COMPLETION_TASK_TYPES);
const DEFAULT_MAX_PENDING = 10_000;
const MAX_WARNED_TOOLS = 256;
const loggersWarnedOfNonconformance = new WeakSet<Logger>();

/**
 * Creates the opt-in sync-completion gate: after a synchronous `create_media_buy`, `update_media_buy`
 * or `sync_creatives` response, it sends the request's push_notification_config a `completed` webhook
 * carrying that response under a synthesized `sync-<uuid>` task_id. Non-conformant from AdCP 3.0.26 on
 * (webhooks.mdx "When webhooks fire"); off by default, and enabling it logs a warning once per logger.
 * A replayed request (same `idempotency_key`) never fires twice.
 */
export function createSyncCompletionGate(options: SyncCompletionGateOptions = {}): SyncCompletionGate {
  return new Gate(options);
}

/** Never throws; never changes `call.response`. */
export function maybeEmitSyncCompletion(gate: SyncCompletionGate, call: SyncCompletionCall): SyncCompletionOutcome {
  try {
    return gate instanceof Gate ? gate.decide(call) : 'skipped_gate_error';
  } catch {
    return 'skipped_gate_error'; // e.g. a proxy whose prototype lookup throws
  }
}

class Gate implements SyncCompletionGate {
  readonly enabled: boolean;
  readonly #sender: WebhookSender | undefined;
  readonly #logger: Logger;
  readonly #policy: PushConfigPolicy<AnyAdcpBinding> & { readonly binding: AnyAdcpBinding };
  readonly #replay: RequestReplayGuard;
  readonly #maxPending: number;
  readonly #onDelivery: ((delivery: SyncCompletionDelivery) => void) | undefined;
  readonly #warnedTools = new Set<string>();
  #queue: ScheduledEmission[] = [];
  #flushScheduled = false;

  constructor(options: SyncCompletionGateOptions) {
    this.enabled = options.enabled === true;
    this.#sender = options.sender;
    this.#logger = guardLogger(options.logger);
    const binding = options.binding ?? options.pushConfigPolicy?.binding ?? DEFAULT_BINDING;
    this.#policy = { ...options.pushConfigPolicy, binding };
    this.#replay = options.replayGuard ?? new ReplayDedup();
    this.#maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.#onDelivery = options.onDelivery;
    if (this.enabled) warnNonconformanceOnce(this.#logger);
  }

  get pending(): number {
    return this.#queue.length;
  }

  decide(call: SyncCompletionCall): SyncCompletionOutcome {
    if (!this.enabled) return 'skipped_disabled';
    try {
      return this.#decideEnabled(call);
    } catch {
      this.#log('error', 'sync-completion gate failed; the sync response is unaffected', { tool: safeToolName(call) });
      return 'skipped_gate_error';
    }
  }

  #decideEnabled(call: SyncCompletionCall): SyncCompletionOutcome {
    if (this.#sender === undefined) return 'skipped_no_sender';
    const { tool, params, response } = call;
    const pushConfig = pushConfigWithUrl(params);
    if (pushConfig === undefined) return 'skipped_no_url';
    if (!this.#policy.binding.isTaskType(tool)) return this.#skipToolOutsideSpec(tool);
    if (!SYNC_COMPLETION_SET.has(tool)) return 'skipped_tool_not_sync_completion';
    if (typeof response !== 'object' || response === null || Array.isArray(response)) return 'skipped_response_not_object';
    if (isBareSubmittedEnvelope(response)) return 'skipped_submitted_envelope';
    if (this.#queue.length >= this.#maxPending) {
      this.#log('error', 'sync-completion webhook dropped: backlog full', { tool, maxPending: this.#maxPending });
      return 'skipped_backlog_full';
    }
    this.#schedule({
      tool: tool as SyncCompletionTaskType,
      pushConfig,
      // The request's replay identity, read now.
      idempotencyKey: readField(params, 'idempotency_key'),
      replayScope: call.replayScope,
      // A shallow copy: later top-level changes to the caller's object do not reach the webhook.
      response: { ...response },
    });
    return 'scheduled';
  }

  #skipToolOutsideSpec(tool: string): SyncCompletionOutcome {
    if (typeof tool === 'string' && !this.#warnedTools.has(tool) && this.#warnedTools.size < MAX_WARNED_TOOLS) {
      this.#warnedTools.add(tool);
      this.#log('warn', 'sync-completion webhook skipped: tool is not an AdCP task type (enums/task-type.json)', {
        tool: tool.slice(0, 64),
      });
    }
    return 'skipped_tool_not_in_spec';
  }

  #schedule(emission: ScheduledEmission): void {
    this.#queue.push(emission);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.#flushScheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    const context = { sender: this.#sender as WebhookSender, policy: this.#policy, replay: this.#replay };
    for (const emission of batch) this.#report(emitScheduled(emission, context));
  }

  #report(delivery: SyncCompletionDelivery): void {
    if (delivery.reason === 'invalid_push_config') {
      this.#log('warn', 'sync-completion webhook skipped: push_notification_config refused', { tool: delivery.tool, fields: delivery.fields });
    } else if (!delivery.queued && delivery.reason !== 'replay') {
      this.#log('warn', 'sync-completion webhook not sent', { tool: delivery.tool, taskId: delivery.taskId, reason: delivery.reason });
    }
    if (this.#onDelivery === undefined) return;
    try {
      this.#onDelivery(delivery);
    } catch {
      this.#log('error', 'sync-completion onDelivery observer threw', { tool: delivery.tool });
    }
  }

  #log(level: 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
    try {
      this.#logger.log(level, message, fields);
    } catch {
      // A broken logger must not break the gate either.
    }
  }
}

/** The push config object when it has a `url` member (cheap presence test; validation comes later). */
function pushConfigWithUrl(params: unknown): object | undefined {
  const config = readField(params, PUSH_CONFIG_FIELD);
  if (typeof config !== 'object' || config === null) return undefined;
  const url = readField(config, 'url');
  return url === UNREADABLE || url === undefined || url === null ? undefined : config;
}

/**
 * Exactly `{ task_id, status: 'submitted' }`, the projected envelope of a task handed off to a
 * lifecycle, optionally with the caller's `context`: AdCP 3.x requires every response to echo it,
 * so counting it as a third member would double-fire for every conformant handoff
 * (startTaskLifecycle's own initial response included).
 */
function isBareSubmittedEnvelope(response: object): boolean {
  const record = response as { status?: unknown; task_id?: unknown };
  if (record.status !== 'submitted' || !Object.hasOwn(response, 'task_id')) return false;
  const members = Object.keys(response).length;
  return members === 2 || (members === 3 && Object.hasOwn(response, 'context'));
}

function warnNonconformanceOnce(logger: Logger): void {
  if (loggersWarnedOfNonconformance.has(logger)) return;
  loggersWarnedOfNonconformance.add(logger);
  try {
    logger.log('warn', SYNC_COMPLETION_NONCONFORMANCE, { option: 'syncCompletion.enabled' });
  } catch {
    // Logging is best effort.
  }
}

function safeToolName(call: SyncCompletionCall): string {
  try {
    return typeof call.tool === 'string' ? call.tool.slice(0, 64) : typeof call.tool;
  } catch {
    return 'unreadable';
  }
}
