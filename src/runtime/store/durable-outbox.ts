// The durable outbox: what a seller wires once per process on top of a durable store.
//   - `enqueue` is the request path: URL check and one serialization (as the background API does),
//     then ONE durable write, bounded in time, before it resolves. No signing, no network.
//   - a worker (the delivery runtime's store worker) claims due rows, signs each attempt afresh with
//     the signer resolved from the row's descriptor, sends, and records the outcome.
//   - delivered and failed rows are pruned once older than the retention window.
// Several processes may each run one against the same PostgreSQL outbox.
import { randomUUID } from 'node:crypto';
import { prepareDelivery, type WebhookDeliveryRequest } from '../delivery/delivery-request.js';
import { createDeliveryWorker, type DeliveryWorker, type DeliveryWorkerOptions } from '../delivery/delivery-worker.js';
import { messageFor, type DeliveryErrorClass } from '../delivery/error-class.js';
import { DELIVERY_DEFAULTS } from '../delivery/runtime-options.js';
import { guardLogger, type Logger } from '../logging/logger.js';
import { resolveSsrfPolicy, type SsrfPolicy } from '../ssrf/policy.js';
import type { DeliveryStore } from './delivery-store.js';
import { startPruning } from './prune-schedule.js';
import { tryEnqueue } from './try-enqueue.js';
import { DeliveryConfigError } from '../delivery/errors.js';

/**
 * The store worker's options (`store` — owned by the caller, `close` does not close it;
 * `resolveSigner` — see signerResolverFor; `claimSigning`, `pollIntervalMs`, retry, timeouts…) plus:
 */
export interface DurableOutboxOptions extends DeliveryWorkerOptions {
  /** Bound on the durable write of `enqueue`; default 2000 ms. */
  readonly enqueueTimeoutMs?: number;
  /** Delivered and failed rows are kept this long, then pruned; default 7 days. */
  readonly retentionMs?: number;
  /** How often pruning runs; default 1 hour. */
  readonly pruneIntervalMs?: number;
  /** Run a worker in this process; default true. False: enqueue only, another process delivers. */
  readonly worker?: boolean;
  /**
   * Start the worker at once (default true). False: the caller drives it, e.g.
   * `outbox.worker.runUntilIdle()` for a one-shot run.
   */
  readonly startWorker?: boolean;
}

/**
 * Why `DurableOutbox.enqueue` refused: a delivery error class found before any write (bad URL, SSRF, payload) or
 * `store_unavailable` when the durable write failed or timed out.
 */
export type OutboxRefusalReason = DeliveryErrorClass | 'store_unavailable';

/**
 * What `DurableOutbox.enqueue` resolves with: accepted once the write is durable, or refused with a reason and a
 * message that names the cause (never credentials, URL queries or payload contents).
 */
export type OutboxAcceptance =
  | { readonly accepted: true; readonly deliveryId: string; readonly idempotencyKey: string }
  | {
      readonly accepted: false;
      readonly reason: OutboxRefusalReason;
      readonly deliveryId: string;
      readonly idempotencyKey: string;
      /** Names the cause; never credentials, URLs with queries or payload contents. */
      readonly message: string;
    };

/**
 * A durable webhook outbox: `enqueue` writes each webhook to the store before it returns, and a worker (in this
 * process unless `worker: false`) delivers it, surviving restarts. Created by {@link createDurableOutbox}.
 */
export interface DurableOutbox {
  readonly store: DeliveryStore;
  /** The worker of this process, when it runs one. */
  readonly worker: DeliveryWorker | undefined;
  /** Durably enqueues one webhook; resolves once the write is confirmed or refused. Never rejects. */
  enqueue(request: WebhookDeliveryRequest): Promise<OutboxAcceptance>;
  /**
   * Stops claiming and waits up to `timeoutMs` for attempts in progress. Nothing is lost either way:
   * unsent rows stay due in the store, and a row whose attempt is still running becomes due again
   * when its lease expires.
   */
  drain(timeoutMs: number): Promise<{ readonly timedOut: boolean }>;
  /** Refuses further enqueues, drains (10 s), stops pruning, closes the worker's connections. */
  close(): Promise<void>;
}

/**
 * Defaults of the durable outbox: a 2 s bound on the enqueue write, settled rows kept 7 days and pruned hourly,
 * 10 s drain on close.
 */
export const OUTBOX_DEFAULTS = Object.freeze({
  enqueueTimeoutMs: 2_000,
  retentionMs: 7 * 24 * 60 * 60 * 1_000,
  pruneIntervalMs: 60 * 60 * 1_000,
  closeDrainMs: 10_000,
});

/**
 * Creates a durable outbox over `store` (webhooks.mdx "Reliability": at-least-once delivery that survives a
 * crash). Rows are claimed under a lease, so several processes can share one store; the lease must outlast the
 * attempt timeout. Defaults: {@link OUTBOX_DEFAULTS}, {@link DELIVERY_DEFAULTS}. Throws `DeliveryConfigError` on
 * unusable options; `enqueue` never rejects.
 */
export function createDurableOutbox(options: DurableOutboxOptions): DurableOutbox {
  return new StoreOutbox(options);
}

class StoreOutbox implements DurableOutbox {
  readonly store: DeliveryStore;
  readonly worker: DeliveryWorker | undefined;
  readonly #options: DurableOutboxOptions;
  readonly #ssrf: SsrfPolicy;
  readonly #stopPruning: () => void;
  readonly #logger: Logger;
  #accepting = true;

  constructor(options: DurableOutboxOptions) {
    assertLeaseOutlastsAttempt(options);
    this.#options = options;
    this.store = options.store;
    const logger = guardLogger(options.logger);
    this.#logger = logger;
    this.#ssrf = resolveSsrfPolicy(
      { unsafeAllowPrivateNetwork: options.unsafeAllowPrivateNetwork === true, ...(options.allowedPorts ? { allowedPorts: options.allowedPorts } : {}) },
      logger,
    );
    if (options.worker !== false) {
      this.worker = createDeliveryWorker(options);
      if (options.startWorker !== false) this.worker.start();
    }
    this.#stopPruning = startPruning(options.store, {
      retentionMs: options.retentionMs ?? OUTBOX_DEFAULTS.retentionMs,
      intervalMs: options.pruneIntervalMs ?? OUTBOX_DEFAULTS.pruneIntervalMs,
      now: () => options.clock?.now() ?? Date.now(),
      logger,
    });
  }

  async enqueue(request: WebhookDeliveryRequest): Promise<OutboxAcceptance> {
    const deliveryId = randomUUID();
    const prepared = prepareDelivery(request, this.#ssrf);
    if (!prepared.ok) return refused(deliveryId, prepared.idempotencyKey, prepared.errorClass, messageFor(prepared.errorClass));
    if (!this.#accepting) return refused(deliveryId, prepared.idempotencyKey, 'closed', messageFor('closed'));
    const outcome = await tryEnqueue(
      this.store,
      {
        id: deliveryId,
        idempotencyKey: prepared.idempotencyKey,
        url: prepared.url,
        body: prepared.body,
        signing: prepared.signing,
        nextAttemptAt: this.#options.clock?.now() ?? Date.now(),
        ...(prepared.labels === undefined ? {} : { labels: prepared.labels }),
      },
      { timeoutMs: this.#options.enqueueTimeoutMs ?? OUTBOX_DEFAULTS.enqueueTimeoutMs },
    );
    if (outcome.accepted) return { accepted: true, deliveryId, idempotencyKey: prepared.idempotencyKey };
    this.#logger.log('error', 'webhook enqueue refused: delivery store unavailable', {
      deliveryId,
      code: outcome.code,
    });
    return refused(deliveryId, prepared.idempotencyKey, 'store_unavailable', outcome.message);
  }

  async drain(timeoutMs: number): Promise<{ readonly timedOut: boolean }> {
    if (this.worker === undefined) return { timedOut: false };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(timeoutMs, 0));
    });
    const result = await Promise.race([this.worker.stop().then(() => 'stopped' as const), deadline]);
    clearTimeout(timer);
    return { timedOut: result === 'timeout' };
  }

  async close(): Promise<void> {
    this.#accepting = false;
    this.#stopPruning();
    const { timedOut } = await this.drain(OUTBOX_DEFAULTS.closeDrainMs);
    // After a timed-out drain the running attempts still end within their own attempt timeout.
    if (!timedOut) await this.worker?.close();
    else void this.worker?.close();
  }
}

/** A lease shorter than an attempt would let a second worker send the same webhook while the first still is. */
function assertLeaseOutlastsAttempt(options: DurableOutboxOptions): void {
  const attemptMs = options.attemptTimeoutMs ?? DELIVERY_DEFAULTS.attemptTimeoutMs;
  if (options.leaseMs !== undefined && options.leaseMs <= attemptMs) {
    throw new DeliveryConfigError(`leaseMs (${options.leaseMs}) must exceed the attempt timeout (${attemptMs} ms)`);
  }
}

function refused(deliveryId: string, idempotencyKey: string, reason: OutboxRefusalReason, message: string): OutboxAcceptance {
  return { accepted: false, reason, deliveryId, idempotencyKey, message };
}
