// The in-process DeliveryStore: the default of the delivery runtime. Lost on exit; bounded in
// memory: at most `maxActive` pending/in-flight records (enqueue beyond that rejects) and at most
// `maxSettled` delivered/failed records (the oldest are dropped first).
import type {
  AttemptOutcome,
  ClaimOptions,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  ListQuery,
  NewDelivery,
  SigningDescriptor,
} from './delivery-store.js';
import { DeliveryStoreError } from './delivery-store-error.js';

export interface MemoryDeliveryStoreOptions {
  /** Most pending + in-flight records held at once; default 100,000. */
  readonly maxActive?: number;
  /** Most delivered + failed records kept for inspection; default 10,000 (oldest dropped first). */
  readonly maxSettled?: number;
  /** Clock for `createdAt`; default `Date.now`. */
  readonly now?: () => number;
}

export const DEFAULT_MEMORY_STORE_MAX_ACTIVE = 100_000;
export const DEFAULT_MEMORY_STORE_MAX_SETTLED = 10_000;

/**
 * What the in-memory store throws: `ADCP_STORE_FULL` when `maxActive` records are pending or in
 * flight, `ADCP_STORE_CLOSED` after `close()`. A {@link DeliveryStoreError}, so one `instanceof`
 * check covers every store.
 */
export class MemoryStoreError extends DeliveryStoreError<'ADCP_STORE_FULL' | 'ADCP_STORE_CLOSED'> {}

export function createMemoryDeliveryStore(options: MemoryDeliveryStoreOptions = {}): MemoryDeliveryStore {
  return new MemoryDeliveryStore(options);
}

export class MemoryDeliveryStore implements DeliveryStore {
  readonly #records = new Map<string, DeliveryRecord>();
  readonly #due = new DueQueue();
  /** In-flight ids in claim order, which is lease-expiry order for a fixed lease length. */
  readonly #inFlight = new Set<string>();
  readonly #settled = new SettledLog();
  readonly #listeners = new Set<() => void>();
  readonly #maxActive: number;
  readonly #maxSettled: number;
  readonly #now: () => number;
  #activeCount = 0;
  #closed = false;

  constructor(options: MemoryDeliveryStoreOptions = {}) {
    this.#maxActive = options.maxActive ?? DEFAULT_MEMORY_STORE_MAX_ACTIVE;
    this.#maxSettled = options.maxSettled ?? DEFAULT_MEMORY_STORE_MAX_SETTLED;
    this.#now = options.now ?? Date.now;
  }

  /** Pending + in-flight records currently held. */
  get activeCount(): number {
    return this.#activeCount;
  }

  /** Every record currently held, settled ones included. */
  get size(): number {
    return this.#records.size;
  }

  async enqueue(delivery: NewDelivery): Promise<void> {
    this.#assertOpen();
    if (this.#records.has(delivery.id)) {
      return; // idempotent, like the durable stores' ON CONFLICT DO NOTHING
    }
    if (this.#activeCount >= this.#maxActive) {
      throw new MemoryStoreError('ADCP_STORE_FULL', `the in-memory delivery store holds its maximum of ${this.#maxActive} active deliveries`);
    }
    const now = this.#now();
    const record = newRecord(delivery, now);
    this.#records.set(delivery.id, record);
    this.#activeCount += 1;
    this.#due.push(record.nextAttemptAt, record.id);
    for (const listener of this.#listeners) listener();
  }

  async claimDue(options: ClaimOptions): Promise<DeliveryRecord[]> {
    this.#assertOpen();
    const canSign = signingFilter(options.signing);
    const due = this.#expiredLeases(options.now, options.limit, canSign);
    let skipped: { at: number; id: string }[] | undefined;
    while (due.length < options.limit) {
      const next = this.#due.popDue(options.now, (id, at) => this.#isPendingAt(id, at));
      if (next === undefined) break;
      if (canSign === undefined || canSign(this.#records.get(next.id)!.signing)) due.push(next.id);
      else (skipped ??= []).push(next);
    }
    if (skipped !== undefined) for (const { at, id } of skipped) this.#due.push(at, id);
    const change: StateChange = { status: 'in_flight', updatedAt: options.now, leaseOwner: options.workerId, leaseExpiresAt: options.now + options.leaseMs };
    const claimed: DeliveryRecord[] = [];
    for (const id of due) {
      claimed.push(this.#change(id, change));
      this.#inFlight.delete(id);
      this.#inFlight.add(id);
    }
    return claimed;
  }

  async markDelivered(id: string, outcome: AttemptOutcome, now: number): Promise<void> {
    this.#settle(id, 'delivered', outcome, now);
  }

  async markRetry(id: string, outcome: AttemptOutcome, nextAttemptAt: number, now: number): Promise<void> {
    this.#assertOpen();
    const before = this.#records.get(id);
    if (before === undefined || isSettled(before.status) || !this.#isOwnedBy(id, outcome.leaseOwner)) return;
    this.#change(id, { status: 'pending', updatedAt: now, outcome, nextAttemptAt });
    this.#inFlight.delete(id);
    this.#due.push(nextAttemptAt, id);
  }

  async markFailed(id: string, outcome: AttemptOutcome, now: number): Promise<void> {
    this.#settle(id, 'failed', outcome, now);
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    this.#assertOpen();
    return this.#records.get(id);
  }

  async list(query: ListQuery = {}): Promise<DeliveryRecord[]> {
    this.#assertOpen();
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    const found: DeliveryRecord[] = [];
    for (const record of this.#records.values()) {
      if (found.length >= limit) break;
      if (query.status === undefined || record.status === query.status) found.push(record);
    }
    return found;
  }

  async redrive(id: string, now: number): Promise<boolean> {
    this.#assertOpen();
    const record = this.#records.get(id);
    if (record === undefined || (record.status !== 'pending' && record.status !== 'failed')) {
      return false;
    }
    if (record.status === 'failed') this.#activeCount += 1;
    this.#inFlight.delete(id);
    this.#change(id, { status: 'pending', updatedAt: now, nextAttemptAt: now, attempts: 0 });
    this.#due.push(now, id);
    return true;
  }

  async prune(olderThan: number): Promise<number> {
    this.#assertOpen();
    let removed = 0;
    for (const record of this.#records.values()) {
      if (isSettled(record.status) && record.updatedAt < olderThan) {
        this.#records.delete(record.id);
        removed += 1;
      }
    }
    return removed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
  }

  onEnqueue(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #settle(id: string, status: 'delivered' | 'failed', outcome: AttemptOutcome, now: number): void {
    this.#assertOpen();
    if (!this.#isOwnedBy(id, outcome.leaseOwner)) return;
    const before = this.#records.get(id);
    if (before === undefined || isSettled(before.status)) return;
    this.#change(id, { status, updatedAt: now, outcome });
    this.#inFlight.delete(id);
    this.#activeCount -= 1;
    this.#settled.add(id, now);
    this.#dropOldestSettled();
  }

  #dropOldestSettled(): void {
    while (this.#settled.size > this.#maxSettled) {
      const id = this.#settled.oldestId();
      const at = this.#settled.oldestAt();
      this.#settled.dropOldest();
      const record = this.#records.get(id);
      if (record !== undefined && isSettled(record.status) && record.updatedAt === at) {
        this.#records.delete(id);
      }
    }
  }

  /** With an owner given, marks apply only while that worker still holds the lease. */
  #isOwnedBy(id: string, owner: string | undefined): boolean {
    if (owner === undefined) return true;
    const record = this.#records.get(id);
    return record !== undefined && record.status === 'in_flight' && record.leaseOwner === owner;
  }

  #isPendingAt(id: string, at: number): boolean {
    const record = this.#records.get(id);
    return record?.status === 'pending' && record.nextAttemptAt === at;
  }

  /** In-flight deliveries whose lease has expired (their worker stalled or gave up), oldest first. */
  #expiredLeases(now: number, limit: number, canSign: SigningFilter): string[] {
    const expired: string[] = [];
    for (const id of this.#inFlight) {
      if (expired.length >= limit) break;
      const record = this.#records.get(id);
      if (record === undefined || record.leaseExpiresAt === undefined || record.leaseExpiresAt > now) break;
      if (canSign === undefined || canSign(record.signing)) expired.push(id);
    }
    return expired;
  }

  #change(id: string, change: StateChange): DeliveryRecord {
    const current = this.#records.get(id);
    if (current === undefined) throw new DeliveryStoreError('ADCP_STORE_UNKNOWN_DELIVERY', `unknown delivery ${id}`);
    const next = withState(current, change);
    this.#records.set(id, next);
    return next;
  }

  #assertOpen(): void {
    if (this.#closed) throw new MemoryStoreError('ADCP_STORE_CLOSED', 'the in-memory delivery store is closed');
  }
}

/** `undefined`: every delivery may be claimed. */
type SigningFilter = ((signing: SigningDescriptor) => boolean) | undefined;

function signingFilter(allowed: readonly SigningDescriptor[] | undefined): SigningFilter {
  if (allowed === undefined) return undefined;
  const keys = new Set(allowed.map(signingKey));
  return (signing) => keys.has(signingKey(signing));
}

function signingKey(signing: SigningDescriptor): string {
  if (signing.mode === 'rfc9421') return `rfc9421\u0000${signing.keyId}`;
  if (signing.mode === 'none') return 'none';
  return `${signing.mode}\u0000${signing.credentialRef}`;
}

function isSettled(status: DeliveryStatus): boolean {
  return status === 'delivered' || status === 'failed';
}

/** A state transition. The lease is cleared unless given; `outcome` replaces the last-attempt fields. */
interface StateChange {
  readonly status: DeliveryStatus;
  readonly updatedAt: number;
  readonly leaseOwner?: string;
  readonly leaseExpiresAt?: number;
  readonly nextAttemptAt?: number;
  readonly attempts?: number;
  readonly outcome?: AttemptOutcome;
}

// Records are immutable and all of one shape (absent fields are `undefined`).
function newRecord(delivery: NewDelivery, now: number): DeliveryRecord {
  return {
    id: delivery.id,
    idempotencyKey: delivery.idempotencyKey,
    url: delivery.url,
    body: delivery.body,
    signing: delivery.signing,
    labels: delivery.labels,
    nextAttemptAt: delivery.nextAttemptAt,
    status: 'pending',
    attempts: 0,
    createdAt: now,
    updatedAt: now,
    lastHttpStatus: undefined,
    lastErrorClass: undefined,
    leaseOwner: undefined,
    leaseExpiresAt: undefined,
  };
}

function withState(record: DeliveryRecord, change: StateChange): DeliveryRecord {
  const { outcome } = change;
  return {
    id: record.id,
    idempotencyKey: record.idempotencyKey,
    url: record.url,
    body: record.body,
    signing: record.signing,
    labels: record.labels,
    nextAttemptAt: change.nextAttemptAt ?? record.nextAttemptAt,
    status: change.status,
    attempts: change.attempts ?? outcome?.attempts ?? record.attempts,
    createdAt: record.createdAt,
    updatedAt: change.updatedAt,
    lastHttpStatus: outcome === undefined ? record.lastHttpStatus : outcome.httpStatus,
    lastErrorClass: outcome === undefined ? record.lastErrorClass : outcome.errorClass,
    leaseOwner: change.leaseOwner,
    leaseExpiresAt: change.leaseExpiresAt,
  };
}

/**
 * Min-heap of (due time, id) for pending records. Entries are never updated in place: a record
 * whose due time changes gets a new entry, and stale ones are skipped when popped.
 */
class DueQueue {
  readonly #times: number[] = [];
  readonly #ids: string[] = [];

  push(at: number, id: string): void {
    this.#times.push(at);
    this.#ids.push(id);
    this.#siftUp(this.#times.length - 1);
  }

  /** Pops entries due at `now` until `isCurrent` accepts one; returns it. */
  popDue(now: number, isCurrent: (id: string, at: number) => boolean): { at: number; id: string } | undefined {
    while (this.#times.length > 0 && (this.#times[0] as number) <= now) {
      const at = this.#times[0] as number;
      const id = this.#ids[0] as string;
      this.#removeTop();
      if (isCurrent(id, at)) return { at, id };
    }
    return undefined;
  }

  #removeTop(): void {
    const lastTime = this.#times.pop() as number;
    const lastId = this.#ids.pop() as string;
    if (this.#times.length === 0) return;
    this.#times[0] = lastTime;
    this.#ids[0] = lastId;
    this.#siftDown(0);
  }

  #siftUp(index: number): void {
    let child = index;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if ((this.#times[parent] as number) <= (this.#times[child] as number)) return;
      this.#swap(parent, child);
      child = parent;
    }
  }

  #siftDown(index: number): void {
    const length = this.#times.length;
    let parent = index;
    for (;;) {
      const left = 2 * parent + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < length && (this.#times[left] as number) < (this.#times[smallest] as number)) smallest = left;
      if (right < length && (this.#times[right] as number) < (this.#times[smallest] as number)) smallest = right;
      if (smallest === parent) return;
      this.#swap(parent, smallest);
      parent = smallest;
    }
  }

  #swap(a: number, b: number): void {
    const time = this.#times[a] as number;
    this.#times[a] = this.#times[b] as number;
    this.#times[b] = time;
    const id = this.#ids[a] as string;
    this.#ids[a] = this.#ids[b] as string;
    this.#ids[b] = id;
  }
}

/**
 * FIFO of settled ids with the time each settled, oldest first. Two parallel arrays rather than an
 * object per entry: the log lives as long as the settled records, so each entry would otherwise be
 * one more long-lived object per delivery for the garbage collector to promote.
 */
class SettledLog {
  #ids: string[] = [];
  #times: number[] = [];
  #head = 0;

  get size(): number {
    return this.#ids.length - this.#head;
  }

  add(id: string, at: number): void {
    this.#ids.push(id);
    this.#times.push(at);
  }

  /** The oldest entry's id; only when `size > 0`. */
  oldestId(): string {
    return this.#ids[this.#head] as string;
  }

  /** The oldest entry's time; only when `size > 0`. */
  oldestAt(): number {
    return this.#times[this.#head] as number;
  }

  dropOldest(): void {
    this.#head += 1;
    if (this.#head > 1024 && this.#head * 2 > this.#ids.length) {
      this.#ids = this.#ids.slice(this.#head);
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }
}
