// The deferred half of the sync-completion gate: what runs right after the sync response, once per
// scheduled webhook. In order: the push config is validated (generated validator, SSRF URL policy,
// operation_id rule); a replayed request (its idempotency_key already acted on) is dropped; the
// envelope is built with a synthesized `sync-<uuid>` task id and `result` = the response the buyer
// got; it is handed to background delivery. The idempotency_key is claimed before the hand-off and
// given back when delivery does not accept the webhook. Never throws: every outcome is a
// SyncCompletionDelivery.
import type { BuildMcpWebhookPayloadOptions } from '../../generated/index.js';
import type { AnyAdcpBinding } from '../binding/index.js';
import { extractPushNotificationConfig, PUSH_CONFIG_FIELD, type PushConfigPolicy } from './push-config.js';
import { pooledRandomBytes } from './random-pool.js';
import type { RequestReplayGuard } from './replay-dedup.js';
import type { SyncCompletionTaskType } from './sync-completion.js';
import { buildEnvelopeWith } from './task-envelope.js';
import type { DeliveryPushConfig, WebhookSender } from './webhook-sender.js';

export interface ScheduledEmission {
  readonly tool: SyncCompletionTaskType;
  /** The request's push_notification_config object (validated here, not on the response path). */
  readonly pushConfig: object;
  /** The request's idempotency_key as read; requests without a string key never count as replays. */
  readonly idempotencyKey: unknown;
  /** Whose idempotency keys these are (account or principal id). */
  readonly replayScope: string | undefined;
  readonly response: object;
}

/** What became of a scheduled webhook once the batch ran. */
export interface SyncCompletionDelivery {
  readonly tool: SyncCompletionTaskType;
  readonly queued: boolean;
  /** The synthesized `sync-<uuid>`, once an envelope was built. */
  readonly taskId?: string;
  readonly idempotencyKey?: string;
  /**
   * Present when not queued: `invalid_push_config` (see `fields`), `replay`, `missing_operation_id`,
   * `sender_error`, or the delivery runtime's reason (queue_full, closed, ssrf_blocked …).
   */
  readonly reason?: string;
  /** For `invalid_push_config`: the refused fields, names only. */
  readonly fields?: readonly string[];
}

export interface BatchContext {
  readonly sender: WebhookSender;
  /** Judges registrations; its binding also builds the envelopes. */
  readonly policy: PushConfigPolicy<AnyAdcpBinding> & { readonly binding: AnyAdcpBinding };
  readonly replay: RequestReplayGuard;
}

export function emitScheduled(emission: ScheduledEmission, context: BatchContext): SyncCompletionDelivery {
  const { tool } = emission;
  try {
    const extracted = extractPushNotificationConfig({ [PUSH_CONFIG_FIELD]: emission.pushConfig }, context.policy);
    if (extracted?.kind !== 'ok') {
      const fields = extracted?.kind === 'rejected' ? extracted.errors.map((error) => error.field) : [PUSH_CONFIG_FIELD];
      return { tool, queued: false, reason: 'invalid_push_config', fields };
    }
    const claim = claimReplayKey(emission, context.replay);
    if (claim === 'replay') return { tool, queued: false, reason: 'replay' };
    const delivery = buildAndSend(emission, extracted.config, context);
    // The key is spent only on a webhook delivery accepted, so the buyer's retry can still send it.
    if (!delivery.queued && claim !== undefined) releaseReplayKey(context.replay, claim);
    return delivery;
  } catch {
    return { tool, queued: false, reason: 'sender_error' };
  }
}

function buildAndSend(emission: ScheduledEmission, pushConfig: unknown, context: BatchContext): SyncCompletionDelivery {
  const { tool } = emission;
  try {
    const taskId = syncTaskId();
    const built = buildEnvelopeWith(
      context.policy.binding,
      { taskId, taskType: tool, status: 'completed', pushConfig, result: emission.response },
      BUILD_OPTIONS,
    );
    // No envelope re-validation: the generated builder makes a schema-valid envelope from a
    // validated registration, and `result` was checked to be an object on the response path.
    if (!built.ok) return { tool, taskId, queued: false, reason: built.reason };
    // A validated registration of any release carries `url`; the binding built an envelope object.
    const sent = context.sender.send({ pushConfig: pushConfig as DeliveryPushConfig, payload: built.payload as object });
    return sent.queued ? { tool, taskId, queued: true, idempotencyKey: sent.idempotencyKey } : { tool, taskId, queued: false, reason: sent.reason };
  } catch {
    return { tool, queued: false, reason: 'sender_error' };
  }
}

/**
 * A Date whose ISO form is computed once. Formatting a timestamp costs more than the rest of the
 * envelope, and a batch builds many in the same millisecond: they share one, exactly as precise.
 */
class MillisecondInstant extends Date {
  readonly #iso: string;

  constructor(epochMs: number) {
    super(epochMs);
    this.#iso = super.toISOString();
  }

  override toISOString(): string {
    return this.#iso;
  }
}

let lastInstant = new MillisecondInstant(0);

function currentInstant(): Date {
  const epochMs = Date.now();
  if (lastInstant.getTime() !== epochMs) lastInstant = new MillisecondInstant(epochMs);
  return lastInstant;
}

const BUILD_OPTIONS: BuildMcpWebhookPayloadOptions = { now: currentInstant, randomBytes: pooledRandomBytes };

const TASK_ID_PREFIX = 'sync-';
/** `sync-` and a version-4 UUID's 36 characters, rewritten in place for each task id. */
const taskIdBytes = Buffer.from(`${TASK_ID_PREFIX}00000000-0000-4000-8000-000000000000`, 'latin1');
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** Where each of the 16 random bytes goes in taskIdBytes (after the prefix, skipping the dashes). */
const UUID_BYTE_OFFSETS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34].map((at) => at + TASK_ID_PREFIX.length);

/**
 * `sync-<uuid v4>` from the pooled CSPRNG: one flat string per id. randomUUID builds its string as
 * a rope of some forty pieces, which the notification id and the serialized body then flatten.
 */
function syncTaskId(): string {
  const random = pooledRandomBytes(16);
  for (let index = 0; index < 16; index++) {
    let byte = random[index]!;
    if (index === 6) byte = (byte & 0x0f) | 0x40; // version 4
    else if (index === 8) byte = (byte & 0x3f) | 0x80; // RFC 9562 variant
    const at = UUID_BYTE_OFFSETS[index]!;
    taskIdBytes[at] = HEX_DIGITS[byte >>> 4]!;
    taskIdBytes[at + 1] = HEX_DIGITS[byte & 0x0f]!;
  }
  return taskIdBytes.toString('latin1');
}

/** The scoped key now claimed, `'replay'` when it was already acted on, or undefined for a request without a string key. */
function claimReplayKey(emission: ScheduledEmission, replay: RequestReplayGuard): string | 'replay' | undefined {
  const { idempotencyKey } = emission;
  if (typeof idempotencyKey !== 'string') return undefined;
  const scopedKey = `${emission.tool}\u0000${emission.replayScope ?? ''}\u0000${idempotencyKey}`;
  return replay.firstSighting(scopedKey) ? scopedKey : 'replay';
}

function releaseReplayKey(replay: RequestReplayGuard, scopedKey: string): void {
  try {
    replay.release?.(scopedKey);
  } catch {
    // A guard that cannot release keeps the key: the retry is then treated as a replay.
  }
}
