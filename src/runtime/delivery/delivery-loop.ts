// The worker loop over a DeliveryStore: claim due deliveries (with a lease), attempt each, record
// the outcome (markDelivered / markRetry / markFailed), and wake up again when the next retry is
// due or, for a store other processes also write to, every poll interval. Concurrency is bounded;
// every running attempt is held in `#running` until it settles.
import { guardLogger, redactUrl, silentLogger, type Logger } from '../logging/logger.js';
import type { AttemptOutcome, ClaimOptions, DeliveryRecord, DeliveryStore, SigningDescriptor } from '../store/delivery-store.js';
import { attemptDelivery, type AttemptDependencies, type NextStep } from './attempt.js';
import { messageFor } from './error-class.js';
import type { DeliveryResult } from './result.js';
import { TimeHeap } from './time-heap.js';

export interface DeliveryLoopOptions extends AttemptDependencies {
  readonly store: DeliveryStore;
  readonly logger: Logger;
  /** Log URL paths in full instead of hashed. */
  readonly logUrlPaths?: boolean;
  readonly workerId: string;
  readonly concurrency: number;
  readonly leaseMs: number;
  /** Poll interval once `startPolling` is called; until then the loop only wakes for kicks and its own retries. */
  readonly pollIntervalMs: number | undefined;
  /** Claim only deliveries signed one of these ways (a worker holding only some credentials). */
  readonly claimSigning?: readonly SigningDescriptor[];
  /**
   * Under a backlog, claim only once this many slots are free: one store round trip fills several
   * slots. Default concurrency / 8.
   */
  readonly claimBatch?: number;
  /** Called once per delivery that reached a final state in this loop. */
  readonly onSettled: (result: DeliveryResult) => void;
}

export class DeliveryLoop {
  readonly #options: DeliveryLoopOptions;
  readonly #running = new Set<Promise<void>>();
  readonly #retryTimes = new TimeHeap();
  readonly #idleWaiters: IdleWaiter[] = [];
  /** The first store failure while someone waits for idle: the one-shot run ends with it. */
  #storeFailure: { readonly error: unknown } | undefined;
  #claiming = false;
  /** The last claim filled every free slot: more is probably due. */
  #backlog = false;
  readonly #claimBatch: number;
  #pumpQueued = false;
  #dueMayRemain = false;
  #stopped = false;
  #polling = false;
  #cancelWake: (() => void) | undefined;
  #wakeAt: number | undefined;

  /** Per-delivery log lines cost allocations; skip building them when nobody listens. */
  readonly #verbose: boolean;
  readonly #logger: Logger;

  constructor(options: DeliveryLoopOptions) {
    this.#options = options;
    this.#logger = guardLogger(options.logger);
    this.#verbose = this.#logger !== silentLogger;
    this.#claimBatch = Math.max(1, Math.floor(options.claimBatch ?? options.concurrency / 8));
  }

  /** Attempts currently running. */
  get running(): number {
    return this.#running.size;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Something may be due now (an enqueue, a settled attempt freeing a slot): claim soon. */
  kick(): void {
    this.#dueMayRemain = true;
    if (this.#pumpQueued || this.#stopped) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      void this.#pump();
    });
  }

  /**
   * Resolves once nothing is due and nothing is running (future retries do not count). Rejects with
   * the store's error when a claim or an outcome write fails meanwhile: claiming stops, the attempts
   * already running settle first, and whatever was not recorded stays due in the store (its lease
   * expires). A continuously polling loop with nobody waiting logs such failures and retries instead.
   */
  whenIdle(): Promise<void> {
    if (this.#stopped) return this.settled();
    if (this.#idleWaiters.length === 0) this.#storeFailure = undefined;
    return new Promise((resolve, reject) => {
      this.#idleWaiters.push({ resolve, reject });
      this.kick();
    });
  }

  /** Also wakes every poll interval, for work other processes enqueue and leases that expire. */
  startPolling(): void {
    this.#polling = this.#options.pollIntervalMs !== undefined;
    this.resume();
  }

  /** Undoes `stop`. */
  resume(): void {
    this.#stopped = false;
    this.kick();
  }

  /** Stops claiming, polling and waking up; running attempts continue until they settle. */
  stop(): void {
    this.#stopped = true;
    this.#polling = false;
    this.#cancelWake?.();
    this.#cancelWake = undefined;
    this.#releaseIdleWaiters();
  }

  /** Resolves when every running attempt has settled. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  async #pump(): Promise<void> {
    if (this.#stopped || this.#claiming) return;
    if (this.#storeFailure !== undefined) {
      if (this.#running.size === 0) this.#releaseIdleWaiters();
      return;
    }
    const { store, clock } = this.#options;
    const free = this.#options.concurrency - this.#running.size;
    // With a backlog, claim in batches (one store round trip per several slots) rather than per slot.
    if (free <= 0 || (this.#backlog && free < this.#claimBatch)) return;
    this.#claiming = true;
    this.#dueMayRemain = false;
    const now = clock.now();
    this.#retryTimes.dropUntil(now);
    let claimed: DeliveryRecord[] = [];
    try {
      claimed = await store.claimDue(this.#claimOptions(now, free));
    } catch (error) {
      this.#logger.log('error', 'webhook delivery store claim failed', { error: errorName(error) });
      if (this.#noteStoreFailure(error)) {
        if (this.#running.size === 0) this.#releaseIdleWaiters();
        return;
      }
      this.#wakeAtTime(now + (this.#options.pollIntervalMs ?? 1_000)); // retry the claim
    } finally {
      this.#claiming = false;
    }
    for (const record of claimed) this.#start(record);
    this.#backlog = claimed.length === free;
    if (this.#backlog) this.#dueMayRemain = true;
    if (this.#dueMayRemain && this.#running.size < this.#options.concurrency) {
      this.kick();
      return;
    }
    this.#armNextWake();
    if (!this.#dueMayRemain && this.#running.size === 0) this.#releaseIdleWaiters();
  }

  #claimOptions(now: number, limit: number): ClaimOptions {
    const { leaseMs, workerId, claimSigning } = this.#options;
    return claimSigning === undefined ? { now, limit, leaseMs, workerId } : { now, limit, leaseMs, workerId, signing: claimSigning };
  }

  #start(record: DeliveryRecord): void {
    const done = (): void => {
      this.#running.delete(run);
      this.kick();
    };
    const run: Promise<void> = this.#process(record).then(done, done);
    this.#running.add(run);
  }

  async #process(record: DeliveryRecord): Promise<void> {
    let step: NextStep;
    try {
      step = await attemptDelivery(record, this.#options);
    } catch (error) {
      // attemptDelivery does not throw by design; never let a bug leave a delivery unsettled.
      this.#logger.log('error', 'webhook attempt crashed', { deliveryId: record.id, error: errorName(error) });
      step = { kind: 'failed', attempts: record.attempts, errorClass: 'network_error', retriesExhausted: false };
    }
    if (step.kind === 'failed' && step.errorClass === 'closed') {
      await this.#releaseOnShutdown(record);
      return;
    }
    await this.#record(record, step);
  }

  async #record(record: DeliveryRecord, step: NextStep): Promise<void> {
    const { store, clock, workerId } = this.#options;
    const now = clock.now();
    const outcome: AttemptOutcome = {
      attempts: step.attempts,
      httpStatus: step.httpStatus,
      errorClass: step.kind === 'delivered' ? undefined : step.errorClass,
      leaseOwner: workerId,
    };
    try {
      if (step.kind === 'delivered') await store.markDelivered(record.id, outcome, now);
      else if (step.kind === 'retry') await store.markRetry(record.id, outcome, step.at, now);
      else await store.markFailed(record.id, outcome, now);
    } catch (error) {
      this.#logger.log('error', 'webhook delivery store update failed', { deliveryId: record.id, error: errorName(error) });
      this.#noteStoreFailure(error);
    }
    if (step.kind === 'retry') {
      if (this.#verbose) this.#logRetry(record, step);
      this.#retryTimes.push(step.at);
      return;
    }
    this.#settle(record, step);
  }

  /** An attempt cut short by our own shutdown is not counted: the record is due again for the next worker. */
  async #releaseOnShutdown(record: DeliveryRecord): Promise<void> {
    const { store, clock, workerId } = this.#options;
    try {
      await store.markRetry(record.id, { attempts: record.attempts, leaseOwner: workerId }, clock.now(), clock.now());
    } catch {
      // The lease expires on its own; another worker will pick the delivery up.
    }
  }

  #settle(record: DeliveryRecord, step: Exclude<NextStep, { kind: 'retry' }>): void {
    const result: DeliveryResult =
      step.kind === 'delivered'
        ? {
            deliveryId: record.id,
            idempotencyKey: record.idempotencyKey,
            delivered: true,
            attempts: step.attempts,
            finalStatus: step.httpStatus,
            labels: record.labels,
          }
        : {
            deliveryId: record.id,
            idempotencyKey: record.idempotencyKey,
            delivered: false,
            attempts: step.attempts,
            finalStatus: step.httpStatus,
            errorClass: step.errorClass,
            errorMessage: messageFor(step.errorClass),
            retriesExhausted: step.retriesExhausted ? true : undefined,
            labels: record.labels,
          };
    if (this.#verbose) this.#logSettled(record, result);
    this.#options.onSettled(result);
  }

  #logSettled(record: DeliveryRecord, result: DeliveryResult): void {
    this.#logger.log(result.delivered ? 'debug' : 'warn', result.delivered ? 'webhook delivered' : 'webhook delivery failed', {
      deliveryId: record.id,
      url: this.#logUrl(record.url),
      attempts: result.attempts,
      status: result.finalStatus,
      errorClass: result.errorClass,
    });
  }

  #logRetry(record: DeliveryRecord, step: Extract<NextStep, { kind: 'retry' }>): void {
    this.#logger.log('debug', 'webhook attempt failed; retry scheduled', {
      deliveryId: record.id,
      url: this.#logUrl(record.url),
      attempts: step.attempts,
      status: step.httpStatus,
      errorClass: step.errorClass,
      retryInMs: step.at - this.#options.clock.now(),
    });
  }

  #logUrl(url: string): string {
    return redactUrl(url, { showPath: this.#options.logUrlPaths === true });
  }

  #armNextWake(): void {
    const nextRetry = this.#retryTimes.peek();
    const poll = this.#polling ? this.#options.pollIntervalMs : undefined;
    const nextPoll = poll === undefined ? undefined : this.#options.clock.now() + poll;
    const next = nextRetry === undefined ? nextPoll : nextPoll === undefined ? nextRetry : Math.min(nextRetry, nextPoll);
    if (next !== undefined) this.#wakeAtTime(next);
  }

  /** Keeps one timer, for the earliest time anything is known to become due. */
  #wakeAtTime(at: number): void {
    if (this.#stopped || (this.#wakeAt !== undefined && this.#wakeAt <= at)) return;
    this.#cancelWake?.();
    this.#wakeAt = at;
    this.#cancelWake = this.#options.clock.setTimer(() => {
      this.#wakeAt = undefined;
      this.#cancelWake = undefined;
      this.kick();
    }, at - this.#options.clock.now());
  }

  /** Records a store failure for the one-shot run waiting on `whenIdle`; false when nobody waits. */
  #noteStoreFailure(error: unknown): boolean {
    if (this.#idleWaiters.length === 0) return false;
    this.#storeFailure ??= { error };
    return true;
  }

  #releaseIdleWaiters(): void {
    const failure = this.#storeFailure;
    this.#storeFailure = undefined;
    for (const waiter of this.#idleWaiters.splice(0)) {
      if (failure === undefined) waiter.resolve();
      else waiter.reject(failure.error);
    }
  }
}

interface IdleWaiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Only the error's type name goes to logs: messages can carry addresses or other internals. */
function errorName(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${error.name}:${code}` : error.name;
  }
  return typeof error;
}
