// Two per-receiver signals beside dedup: `notification_id` re-emission (mcp-webhook-payload.json
// `notification_id`: the same id under a new `idempotency_key` is a re-emission, a missed-events
// warning) and task ordering (webhooks.mdx "Reliability": events arrive out of order; a status
// older than one already applied for the task must not overwrite it).
import type { TaskStatus } from '../../generated/task-statuses.js';

/** Remembers which `idempotency_key` carried each `(sender, notification_id)`. */
export interface NotificationTracker {
  /** True when `notificationId` was seen from `sender` under a different `idempotencyKey`. */
  observe(sender: string, notificationId: string, idempotencyKey: string): boolean;
}

/** Recognises stale statuses per `(sender, task_id)`. */
export interface TaskOrderTracker {
  /**
   * Records the status and answers whether it is stale: its timestamp is older than the newest
   * seen for the task, or the task already reached a final status and this one is interim.
   */
  observe(sender: string, taskId: string, status: TaskStatus, timestamp: string | undefined): boolean;
}

/** Options of `createNotificationTracker` and `createTaskOrderTracker`. */
export interface TrackerOptions {
  /** Entries kept; the oldest are forgotten beyond it (these are hints, not security state). Default 100,000. */
  readonly maxEntries?: number;
}

/** Insertion-ordered Map bounded by forgetting its oldest entries. */
function boundedMap<V>(maxEntries: number): { get(key: string): V | undefined; set(key: string, value: V): void } {
  const entries = new Map<string, V>();
  return {
    get: (key) => entries.get(key),
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}

/**
 * Creates the in-memory re-emission tracker the receiver uses by default: `observe` answers true when a
 * `(sender, notification_id)` pair arrives under an `idempotency_key` other than the one last seen for
 * it, i.e. the sender re-emitted the event, a missed-events warning (core/mcp-webhook-payload.json
 * `notification_id`). Holds at most `maxEntries` pairs (default 100,000), forgetting the oldest; one
 * process only.
 */
export function createNotificationTracker(options: TrackerOptions = {}): NotificationTracker {
  const seen = boundedMap<string>(options.maxEntries ?? 100_000);
  return {
    observe(sender, notificationId, idempotencyKey) {
      const key = `${sender}\n${notificationId}`;
      const previous = seen.get(key);
      seen.set(key, idempotencyKey);
      return previous !== undefined && previous !== idempotencyKey;
    },
  };
}

const FINAL_STATUSES: ReadonlySet<TaskStatus> = new Set<TaskStatus>(['completed', 'failed', 'canceled', 'rejected']);

interface TaskMark {
  readonly at: number;
  readonly final: boolean;
}

/**
 * Creates the in-memory ordering tracker the receiver uses by default (webhooks.mdx "Reliability":
 * events may arrive out of order). `observe` answers true (stale) when the status's timestamp is older
 * than the newest recorded for `(sender, task_id)`, or when the task already reached a final status
 * (`completed`, `failed`, `canceled`, `rejected`) and this one is interim; a stale status is not
 * recorded. A missing or unparseable timestamp sorts before every dated one. Holds at most
 * `maxEntries` tasks (default 100,000), forgetting the oldest; one process only.
 */
export function createTaskOrderTracker(options: TrackerOptions = {}): TaskOrderTracker {
  const latest = boundedMap<TaskMark>(options.maxEntries ?? 100_000);
  return {
    observe(sender, taskId, status, timestamp) {
      const key = `${sender}\n${taskId}`;
      const parsed = timestamp === undefined ? Number.NaN : Date.parse(timestamp);
      const mark: TaskMark = { at: Number.isNaN(parsed) ? Number.NEGATIVE_INFINITY : parsed, final: FINAL_STATUSES.has(status) };
      const previous = latest.get(key);
      const stale = previous !== undefined && ((previous.final && !mark.final) || mark.at < previous.at);
      if (!stale) latest.set(key, mark);
      return stale;
    },
  };
}
