// `webhook_activity[]` (core/webhook-activity-record.json; protocol/snapshot-and-log.mdx — Webhook activity log
// pattern): one record per attempt, built from the outbox's own store transitions, scoped to the calling principal.
import { messageFor } from '../delivery/error-class.js';
import type { AttemptOutcome, ClaimOptions, DeliveryRecord, DeliveryStore } from '../store/delivery-store.js';

/** Delivery labels the log reads: who may see the fire, its type, and optional cross-references. */
export const ACTIVITY_LABELS = Object.freeze({
  principal: 'principal',
  notificationType: 'notification_type',
  subscriberId: 'subscriber_id',
  sequenceNumber: 'sequence_number',
  resourceId: 'resource_id',
});

/** One attempt, shaped as core/webhook-activity-record.json. */
export interface WebhookActivityRecord {
  idempotency_key: string;
  subscriber_id?: string;
  fired_at: string;
  completed_at: string | null;
  notification_type: string;
  sequence_number?: number;
  attempt: number;
  status: 'success' | 'failed' | 'timeout' | 'connection_error' | 'pending';
  url: string;
  http_status_code: number | null;
  response_time_ms: number | null;
  payload_size_bytes: number;
  error_message: string | null;
}

/** Options of `createActivityLog`: retention bounds (snapshot-and-log.mdx — bounded retention). */
export interface ActivityLogOptions {
  /** Records older than this are dropped; default 7 days. */
  readonly maxAgeMs?: number;
  /** At most this many records per principal (oldest dropped first); default 1 000. */
  readonly maxRecordsPerPrincipal?: number;
}

/** The log: wrap the outbox's store with `observe`, read a principal's records with `list`. */
export interface ActivityLog {
  /** A DeliveryStore that behaves as `store` and records each attempt's start (claim) and end (mark). */
  observe(store: DeliveryStore): DeliveryStore;
  /** The principal's records, newest first; only fires labelled with that principal, optionally one resource. */
  list(principal: string, query?: { readonly resourceId?: string; readonly now?: number }): WebhookActivityRecord[];
}

interface Entry { principal: string; resourceId?: string; startedAt: number; record: WebhookActivityRecord }

/** Creates an in-process activity log (records live as long as the process; the outbox rows stay the durable truth). */
export function createActivityLog(options: ActivityLogOptions = {}): ActivityLog {
  const maxAgeMs = options.maxAgeMs ?? 7 * 24 * 60 * 60 * 1000;
  const cap = options.maxRecordsPerPrincipal ?? 1000;
  const byPrincipal = new Map<string, Entry[]>();
  const open = new Map<string, Entry>();

  function started(delivery: DeliveryRecord, now: number): void {
    const labels = delivery.labels ?? {};
    const principal = labels[ACTIVITY_LABELS.principal];
    if (principal === undefined) return;
    const entry: Entry = { principal, startedAt: now, record: pendingRecord(delivery, now) };
    const resourceId = labels[ACTIVITY_LABELS.resourceId];
    if (resourceId !== undefined) entry.resourceId = resourceId;
    open.set(delivery.id, entry);
    const list = byPrincipal.get(principal) ?? [];
    list.push(entry);
    if (list.length > cap) list.splice(0, list.length - cap);
    byPrincipal.set(principal, list);
  }

  function finished(id: string, outcome: AttemptOutcome, now: number, delivered: boolean): void {
    const entry = open.get(id);
    if (entry === undefined) return;
    open.delete(id);
    Object.assign(entry.record, completedFields(outcome, now, entry.startedAt, delivered));
  }

  return {
    observe: (store) => observedStore(store, started, finished),
    list(principal, query = {}) {
      const now = query.now ?? Date.now();
      const kept = (byPrincipal.get(principal) ?? []).filter((entry) => now - entry.startedAt <= maxAgeMs);
      byPrincipal.set(principal, kept);
      return kept
        .filter((entry) => query.resourceId === undefined || entry.resourceId === query.resourceId)
        .map((entry) => ({ ...entry.record }))
        .reverse();
    },
  };
}

function pendingRecord(delivery: DeliveryRecord, now: number): WebhookActivityRecord {
  const labels = delivery.labels ?? {};
  const subscriber = labels[ACTIVITY_LABELS.subscriberId];
  const sequence = labels[ACTIVITY_LABELS.sequenceNumber];
  return {
    idempotency_key: delivery.idempotencyKey,
    ...(subscriber === undefined ? {} : { subscriber_id: subscriber }),
    fired_at: new Date(now).toISOString(),
    completed_at: null,
    notification_type: labels[ACTIVITY_LABELS.notificationType] ?? 'scheduled',
    ...(sequence === undefined ? {} : { sequence_number: Number(sequence) }),
    attempt: delivery.attempts + 1,
    status: 'pending',
    url: strippedUrl(delivery.url),
    http_status_code: null,
    response_time_ms: null,
    payload_size_bytes: delivery.body.byteLength,
    error_message: null,
  };
}

function completedFields(outcome: AttemptOutcome, now: number, startedAt: number, delivered: boolean): Partial<WebhookActivityRecord> {
  const gotResponse = outcome.httpStatus !== undefined;
  const status = delivered ? 'success' : gotResponse ? 'failed' : outcome.errorClass === 'timeout' ? 'timeout' : 'connection_error';
  return {
    attempt: outcome.attempts,
    completed_at: new Date(now).toISOString(),
    status,
    http_status_code: outcome.httpStatus ?? null,
    response_time_ms: gotResponse ? Math.max(0, now - startedAt) : null,
    error_message: delivered ? null : outcome.errorClass === undefined ? `HTTP ${outcome.httpStatus}` : messageFor(outcome.errorClass).slice(0, 500),
  };
}

/** Query string and fragment stripped (core/webhook-activity-record.json — `url`). */
function strippedUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

function observedStore(
  store: DeliveryStore,
  started: (delivery: DeliveryRecord, now: number) => void,
  finished: (id: string, outcome: AttemptOutcome, now: number, delivered: boolean) => void,
): DeliveryStore {
  const observed: DeliveryStore = Object.create(store) as DeliveryStore;
  return Object.assign(observed, {
    enqueue: store.enqueue.bind(store),
    get: store.get.bind(store),
    list: store.list.bind(store),
    redrive: store.redrive.bind(store),
    prune: store.prune.bind(store),
    close: store.close.bind(store),
    ...(store.onEnqueue === undefined ? {} : { onEnqueue: store.onEnqueue.bind(store) }),
    async claimDue(claim: ClaimOptions) {
      const claimed = await store.claimDue(claim);
      for (const delivery of claimed) started(delivery, claim.now);
      return claimed;
    },
    async markDelivered(id: string, outcome: AttemptOutcome, now: number) {
      await store.markDelivered(id, outcome, now);
      finished(id, outcome, now, true);
    },
    async markRetry(id: string, outcome: AttemptOutcome, next: number, now: number) {
      await store.markRetry(id, outcome, next, now);
      finished(id, outcome, now, false);
    },
    async markFailed(id: string, outcome: AttemptOutcome, now: number) {
      await store.markFailed(id, outcome, now);
      finished(id, outcome, now, false);
    },
  });
}
