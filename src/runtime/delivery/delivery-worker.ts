// A worker over a (usually durable) DeliveryStore: it claims due deliveries with a lease, attempts
// them with signers resolved from each record's signing descriptor, and records the outcomes. Run
// it continuously (`start`) or until nothing is due (`runUntilIdle`); several workers, in one or
// many processes, can share a store.
import type { DeliveryStore, SigningDescriptor } from '../store/delivery-store.js';
import { DeliveryLoop } from './delivery-loop.js';
import type { DeliveryResult } from './result.js';
import {
  DELIVERY_DEFAULTS,
  resolveRuntime,
  type DeliveryRuntimeOptions,
  type ResolvedRuntime,
  type SignerResolver,
} from './runtime-options.js';

export interface DeliveryWorkerOptions extends DeliveryRuntimeOptions {
  readonly store: DeliveryStore;
  readonly resolveSigner: SignerResolver;
  /** Default 1,000 ms. */
  readonly pollIntervalMs?: number;
  /** Claim only deliveries signed one of these ways; the rest wait for a worker holding their credentials. */
  readonly claimSigning?: readonly SigningDescriptor[];
}

/** Counts of deliveries a worker settled (delivered or failed for good) during one `runUntilIdle`. */
export interface WorkerSummary {
  readonly delivered: number;
  readonly failed: number;
}

/**
 * A worker that claims due deliveries from a durable store under a lease, sends them and records the outcome;
 * several workers (processes) may share one store without sending a delivery twice at once.
 */
export interface DeliveryWorker {
  readonly workerId: string;
  /** Starts claiming and keeps polling (and listening to `store.onEnqueue`) until `stop`. */
  start(): void;
  /**
   * Processes everything due now, not waiting for future retries; resolves with what settled
   * meanwhile. Rejects with the store's error (a DeliveryStoreError from the durable stores) when a
   * claim or an outcome write fails during the run, once the attempts already running have settled.
   */
  runUntilIdle(): Promise<WorkerSummary>;
  /** Stops claiming and waits until running attempts are recorded. */
  stop(): Promise<void>;
  /** `stop`, then closes the worker's connections (never the store, which the caller owns). */
  close(): Promise<void>;
  stats(): WorkerSummary & { readonly inFlight: number; readonly openSockets: number };
}

export function createDeliveryWorker(options: DeliveryWorkerOptions): DeliveryWorker {
  return new StoreWorker(resolveRuntime(options), options);
}

/** One-shot: attempts every delivery due now in `store`, then closes the worker. */
export async function runDueDeliveries(options: DeliveryWorkerOptions): Promise<WorkerSummary> {
  const worker = createDeliveryWorker(options);
  try {
    return await worker.runUntilIdle();
  } finally {
    await worker.close();
  }
}

class StoreWorker implements DeliveryWorker {
  readonly workerId: string;
  readonly #loop: DeliveryLoop;
  readonly #runtime: ResolvedRuntime;
  readonly #options: DeliveryWorkerOptions;
  readonly #counts = { delivered: 0, failed: 0 };
  #unsubscribe: (() => void) | undefined;

  constructor(runtime: ResolvedRuntime, options: DeliveryWorkerOptions) {
    this.workerId = runtime.workerId;
    this.#runtime = runtime;
    this.#options = options;
    this.#loop = new DeliveryLoop({
      ...runtime,
      store: options.store,
      pollIntervalMs: options.pollIntervalMs ?? DELIVERY_DEFAULTS.workerPollIntervalMs,
      // A durable store's claim is a write transaction with a large fixed cost (a PostgreSQL round
      // trip, a SQLite commit): under a backlog, claim once half the slots are free, not every eighth.
      claimBatch: runtime.concurrency / 2,
      signerFor: (record) => options.resolveSigner(record.signing),
      ...(options.claimSigning === undefined ? {} : { claimSigning: options.claimSigning }),
      onSettled: (result) => this.#onSettled(result),
    });
  }

  start(): void {
    this.#unsubscribe ??= this.#options.store.onEnqueue?.(() => this.#loop.kick()) ?? (() => undefined);
    this.#loop.startPolling();
  }

  async runUntilIdle(): Promise<WorkerSummary> {
    const before = { ...this.#counts };
    this.#loop.resume();
    await this.#loop.whenIdle();
    return { delivered: this.#counts.delivered - before.delivered, failed: this.#counts.failed - before.failed };
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#loop.stop();
    await this.#loop.settled();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.#runtime.transport.close().catch(() => undefined);
  }

  stats() {
    return { ...this.#counts, inFlight: this.#loop.running, openSockets: this.#runtime.transport.stats().connected };
  }

  #onSettled(result: DeliveryResult): void {
    if (result.delivered) this.#counts.delivered += 1;
    else this.#counts.failed += 1;
    try {
      this.#options.observer?.(result);
    } catch {
      this.#runtime.logger.log('error', 'webhook delivery observer threw', { deliveryId: result.deliveryId });
    }
  }
}
