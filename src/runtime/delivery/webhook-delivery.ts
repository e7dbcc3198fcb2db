// The background delivery API a seller calls from its request handlers. `deliverInBackground`
// admits a webhook synchronously (URL check, one serialization, bounded queue) and never touches
// the network on the caller's stack; a DeliveryLoop over the store does the attempts. Every
// accepted delivery is held here until it settles, and ends in exactly one DeliveryResult.
import { randomUUID } from 'node:crypto';
import { redactUrl } from '../logging/logger.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import type { WebhookTarget } from '../ssrf/target-url.js';
import type { DeliveryRecord, DeliveryStore, NewDelivery } from '../store/delivery-store.js';
import { createMemoryDeliveryStore } from '../store/memory-store.js';
import { DeliveryLoop } from './delivery-loop.js';
import { prepareDelivery, type PreparedRequest, type WebhookDeliveryRequest } from './delivery-request.js';
import { messageFor, type DeliveryErrorClass } from './error-class.js';
import type { DeliveryResult } from './result.js';
import { DELIVERY_DEFAULTS, positiveInteger, resolveRuntime, type DeliveryRuntimeOptions, type ResolvedRuntime } from './runtime-options.js';
import { DeliveryConfigError } from './errors.js';

/** Settled deliveries the default in-memory store keeps for inspection (`delivery.store.list()`). */
const OWNED_STORE_MAX_SETTLED = 1_000;

/** Options of {@link createWebhookDelivery}: the runtime options plus the store (default in memory) and the queue bound. */
export interface WebhookDeliveryOptions extends DeliveryRuntimeOptions {
  /**
   * Where delivery state lives. Default: a new in-memory store (closed with the runtime) holding
   * the pending deliveries and the last 1,000 settled ones.
   */
  readonly store?: DeliveryStore;
  /** Deliveries accepted and not yet settled, retries included. Default 10,000; beyond it deliveries are refused. */
  readonly maxQueue?: number;
}

/**
 * What `deliverInBackground` returns at once: accepted (with the delivery id and idempotency key) or refused
 * before any network activity, with the error class that says why.
 */
export type DeliveryAcceptance =
  | { readonly accepted: true; readonly deliveryId: string; readonly idempotencyKey: string }
  | { readonly accepted: false; readonly reason: DeliveryErrorClass; readonly deliveryId: string; readonly idempotencyKey: string };

/** Counters of a delivery runtime since it started (accepted, refused, delivered, failed) and its current load (pending, in flight, open sockets). */
export interface DeliveryStats {
  readonly accepted: number;
  readonly refused: number;
  readonly refusedQueueFull: number;
  readonly delivered: number;
  readonly failed: number;
  /** Accepted and not yet settled (waiting, running or between retries). */
  readonly pending: number;
  /** Attempts on the wire right now. */
  readonly inFlight: number;
  /** Open sockets to receivers. */
  readonly openSockets: number;
}

/** A delivery still unsettled when `drain` gave up: its id, idempotency key, attempts so far and next attempt time. */
export interface UndeliveredDelivery {
  readonly deliveryId: string;
  readonly idempotencyKey: string;
  readonly attempts: number;
  readonly nextAttemptAt?: number;
  readonly labels?: Readonly<Record<string, string>>;
}

/** What `drain(timeoutMs)` reports: whether it timed out and which deliveries were left undelivered. */
export interface DrainReport {
  /** True when the deadline passed with deliveries still unsettled. */
  readonly timedOut: boolean;
  /** Deliveries not settled by the deadline; their state stays in the store. */
  readonly undelivered: readonly UndeliveredDelivery[];
}

/**
 * A running webhook delivery runtime: admits deliveries, sends them on undici under the SSRF guard with retries,
 * and drains or closes on shutdown. Created by {@link createWebhookDelivery}.
 */
export interface WebhookDelivery {
  /** Admits a delivery and returns at once; the outcome goes to the observer. Never throws. */
  deliverInBackground(request: WebhookDeliveryRequest): DeliveryAcceptance;
  /** Admits a delivery and resolves with its final result. Never rejects. */
  deliver(request: WebhookDeliveryRequest): Promise<DeliveryResult>;
  /** Stops admitting, waits up to `timeoutMs` for pending deliveries, reports those left. */
  drain(timeoutMs: number): Promise<DrainReport>;
  /** Stops everything now; unsettled deliveries end with error class `closed` (their stored state remains). */
  close(): Promise<void>;
  stats(): DeliveryStats;
  readonly store: DeliveryStore;
}

interface PendingDelivery {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly target: WebhookTarget;
  readonly signer: WebhookSigner;
  readonly labels: Readonly<Record<string, string>> | undefined;
  waiter: ((result: DeliveryResult) => void) | undefined;
}

/**
 * Creates the webhook delivery runtime a seller sends task webhooks through (webhooks.mdx "Reliability"): every
 * attempt is signed afresh, sent over undici through the SSRF guard (security.mdx "Webhook URL validation (SSRF)"),
 * and retried by {@link DEFAULT_RETRY_POLICY}. Defaults: {@link DELIVERY_DEFAULTS}, an in-memory store. Throws
 * `DeliveryConfigError` on unusable options; `deliver` and `deliverInBackground` never throw.
 */
export function createWebhookDelivery(options: WebhookDeliveryOptions = {}): WebhookDelivery {
  return new BackgroundWebhookDelivery(options);
}

class BackgroundWebhookDelivery implements WebhookDelivery {
  readonly store: DeliveryStore;
  readonly #ownsStore: boolean;
  readonly #runtime: ResolvedRuntime;
  readonly #loop: DeliveryLoop;
  readonly #options: WebhookDeliveryOptions;
  readonly #maxQueue: number;
  readonly #maxBodyBytes: number;
  readonly #pending = new Map<string, PendingDelivery>();
  readonly #emptyWaiters: (() => void)[] = [];
  readonly #counters = { accepted: 0, refused: 0, refusedQueueFull: 0, delivered: 0, failed: 0 };
  #accepting = true;
  /** Delivery ids: a random per-runtime prefix and a counter — unique across processes, cheap to make. */
  readonly #idPrefix = `dlv_${randomUUID()}_`;
  #idCounter = 0;
  readonly #kick = (): void => this.#loop.kick();
  #unsubscribe: (() => void) | undefined;

  constructor(options: WebhookDeliveryOptions) {
    this.#options = options;
    this.#maxQueue = positiveInteger('maxQueue', options.maxQueue ?? DELIVERY_DEFAULTS.maxQueue);
    this.#maxBodyBytes = positiveInteger('maxBodyBytes', options.maxBodyBytes ?? DELIVERY_DEFAULTS.maxBodyBytes);
    this.#runtime = resolveRuntime(options);
    this.#ownsStore = options.store === undefined;
    this.store =
      options.store ??
      createMemoryDeliveryStore({ now: () => this.#runtime.clock.now(), maxActive: this.#maxQueue, maxSettled: OWNED_STORE_MAX_SETTLED });
    this.#loop = new DeliveryLoop({
      ...this.#runtime,
      store: this.store,
      pollIntervalMs: options.pollIntervalMs ?? (this.#ownsStore ? undefined : DELIVERY_DEFAULTS.workerPollIntervalMs),
      signerFor: (record) => this.#signerFor(record),
      knownTarget: (record) => this.#pending.get(record.id)?.target,
      onSettled: (result) => this.#onSettled(result),
    });
    if (!this.#ownsStore || options.pollIntervalMs !== undefined) {
      // A shared store: also deliver what other processes enqueued or left behind.
      this.#unsubscribe = this.store.onEnqueue?.(() => this.#loop.kick());
      this.#loop.startPolling();
    }
  }

  deliverInBackground(request: WebhookDeliveryRequest): DeliveryAcceptance {
    const admitted = this.#admit(request);
    if ('refused' in admitted) {
      const { refused } = admitted;
      return { accepted: false, reason: refused.errorClass as DeliveryErrorClass, deliveryId: refused.deliveryId, idempotencyKey: refused.idempotencyKey };
    }
    return { accepted: true, deliveryId: admitted.entry.id, idempotencyKey: admitted.entry.idempotencyKey };
  }

  deliver(request: WebhookDeliveryRequest): Promise<DeliveryResult> {
    const admitted = this.#admit(request);
    if ('refused' in admitted) return Promise.resolve(admitted.refused);
    return new Promise((resolve) => {
      admitted.entry.waiter = resolve;
    });
  }

  async drain(timeoutMs: number): Promise<DrainReport> {
    this.#accepting = false;
    const timedOut = !(await this.#waitUntilEmpty(timeoutMs));
    return { timedOut, undelivered: await this.#undelivered() };
  }

  async close(): Promise<void> {
    this.#accepting = false;
    this.#unsubscribe?.();
    this.#loop.stop();
    await this.#runtime.transport.destroy().catch(() => undefined);
    await this.#loop.settled();
    for (const entry of [...this.#pending.values()]) {
      const record = await this.store.get(entry.id).catch(() => undefined);
      this.#onSettled({ ...refusal(entry.id, entry.idempotencyKey, 'closed', entry.labels), attempts: record?.attempts ?? 0 });
    }
    if (this.#ownsStore) await this.store.close();
  }

  stats(): DeliveryStats {
    return {
      ...this.#counters,
      pending: this.#pending.size,
      inFlight: this.#loop.running,
      openSockets: this.#runtime.transport.stats().connected,
    };
  }

  #admit(request: WebhookDeliveryRequest): { entry: PendingDelivery } | { refused: DeliveryResult } {
    const id = this.#nextDeliveryId();
    const prepared = prepareDelivery(request, this.#runtime.ssrfPolicy, this.#maxBodyBytes);
    const { labels } = prepared;
    if (!prepared.ok) return this.#refuse(refusal(id, prepared.idempotencyKey, prepared.errorClass, labels));
    if (!this.#accepting) return this.#refuse(refusal(id, prepared.idempotencyKey, 'closed', labels));
    if (this.#pending.size >= this.#maxQueue) {
      this.#counters.refusedQueueFull += 1;
      this.#runtime.logger.log('error', 'webhook delivery refused: delivery queue full', {
        deliveryId: id,
        url: redactUrl(prepared.url, { showPath: this.#runtime.logUrlPaths }),
        maxQueue: this.#maxQueue,
        refusedQueueFull: this.#counters.refusedQueueFull,
      });
      return this.#refuse(refusal(id, prepared.idempotencyKey, 'queue_full', labels));
    }
    const entry: PendingDelivery = {
      id,
      idempotencyKey: prepared.idempotencyKey,
      target: prepared.target,
      signer: prepared.signer,
      labels,
      waiter: undefined,
    };
    this.#pending.set(id, entry);
    this.#counters.accepted += 1;
    this.#enqueue(entry, prepared);
    return { entry };
  }

  #enqueue(entry: PendingDelivery, prepared: PreparedRequest): void {
    const failed = () => {
      this.#runtime.logger.log('error', 'webhook delivery store enqueue failed', { deliveryId: entry.id });
      this.#onSettled(refusal(entry.id, entry.idempotencyKey, 'store_error', entry.labels));
    };
    const delivery: NewDelivery = {
      id: entry.id,
      idempotencyKey: entry.idempotencyKey,
      url: prepared.url,
      body: prepared.body,
      signing: prepared.signing,
      nextAttemptAt: this.#runtime.clock.now(),
      labels: entry.labels,
    };
    try {
      this.store.enqueue(delivery).then(this.#kick, failed);
    } catch {
      failed();
    }
  }

  #nextDeliveryId(): string {
    this.#idCounter += 1;
    return `${this.#idPrefix}${this.#idCounter.toString(36)}`;
  }

  #refuse(result: DeliveryResult): { refused: DeliveryResult } {
    this.#counters.refused += 1;
    this.#notify(result);
    return { refused: result };
  }

  #signerFor(record: DeliveryRecord): WebhookSigner | Promise<WebhookSigner> {
    const local = this.#pending.get(record.id);
    if (local !== undefined) return local.signer;
    if (this.#options.resolveSigner === undefined) throw new DeliveryConfigError('no signer resolver configured');
    return this.#options.resolveSigner(record.signing);
  }

  #onSettled(result: DeliveryResult): void {
    const entry = this.#pending.get(result.deliveryId);
    this.#pending.delete(result.deliveryId);
    if (result.delivered) this.#counters.delivered += 1;
    else this.#counters.failed += 1;
    this.#notify(result);
    entry?.waiter?.(result);
    if (this.#pending.size === 0) for (const resolve of this.#emptyWaiters.splice(0)) resolve();
  }

  #notify(result: DeliveryResult): void {
    try {
      this.#options.observer?.(result);
    } catch {
      this.#runtime.logger.log('error', 'webhook delivery observer threw', { deliveryId: result.deliveryId });
    }
  }

  /** True when everything settled within `timeoutMs`. */
  #waitUntilEmpty(timeoutMs: number): Promise<boolean> {
    if (this.#pending.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), Math.max(timeoutMs, 0));
      this.#emptyWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async #undelivered(): Promise<UndeliveredDelivery[]> {
    const left: UndeliveredDelivery[] = [];
    for (const entry of this.#pending.values()) {
      const record = await this.store.get(entry.id).catch(() => undefined);
      left.push({
        deliveryId: entry.id,
        idempotencyKey: entry.idempotencyKey,
        attempts: record?.attempts ?? 0,
        ...(record?.status === 'pending' ? { nextAttemptAt: record.nextAttemptAt } : {}),
        ...(entry.labels === undefined ? {} : { labels: entry.labels }),
      });
    }
    return left;
  }
}

function refusal(
  deliveryId: string,
  idempotencyKey: string,
  errorClass: DeliveryErrorClass,
  labels: Readonly<Record<string, string>> | undefined,
): DeliveryResult {
  return {
    deliveryId,
    idempotencyKey,
    delivered: false,
    attempts: 0,
    errorClass,
    errorMessage: messageFor(errorClass),
    ...(labels === undefined ? {} : { labels }),
  };
}
