// The single-process receiver stores: plain Maps. Conformant only for a buyer with one endpoint in
// one process (security.mdx "Cross-endpoint scoping": per-pod in-memory caches are non-conformant for
// a fleet), and the dedup state does not survive a restart (webhooks.mdx "Reliability") — use the
// SQLite, PostgreSQL or Redis stores for anything else.
import { randomUUID } from 'node:crypto';
import type { DedupClaim, DedupEvent, DedupToken, EventDedupStore, NonceAdmission, NonceEntry, NonceStore } from '../store-contract.js';
import { closedError, resolveLimits, type NonceStoreLimits, type ResolvedLimits } from './limits.js';

/** Expired entries are swept at most this often (in the store's own clock) outside cap pressure. */
const SWEEP_INTERVAL_SECONDS = 60;

interface KeyidBucket {
  /** `scope`+`nonce` → expiresAt (unix seconds). */
  readonly entries: Map<string, number>;
  /** Latest expiry among the entries: the keyid has a live entry iff this lies after `now`. */
  latestExpiry: number;
}

/**
 * In-process `(keyid, nonce)` replay cache with the per-keyid and aggregate caps of
 * building/by-layer/L1/security.mdx — "Webhook replay dedup sizing"; one process only.
 */
export class MemoryNonceStore implements NonceStore {
  readonly #limits: ResolvedLimits;
  readonly #buckets = new Map<string, KeyidBucket>();
  #size = 0;
  #nextSweep = 0;
  #closed = false;

  constructor(limits: NonceStoreLimits = {}) {
    this.#limits = resolveLimits(limits);
  }

  /** Live plus not-yet-swept entries; for tests and metrics. */
  get size(): number {
    return this.#size;
  }

  async admit(entry: NonceEntry): Promise<NonceAdmission> {
    if (this.#closed) throw closedError('memory');
    if (entry.now >= this.#nextSweep) this.#sweep(entry.now);
    const key = pairKey(entry.scope, entry.nonce);
    const bucket = this.#buckets.get(entry.keyid);
    const held = bucket?.entries.get(key);
    if (held !== undefined && held > entry.now) return { outcome: 'replayed' };
    if (held === undefined) {
      const full = this.#capReached(bucket, entry.now);
      if (full !== undefined) return { outcome: 'rate_abuse', cap: full };
    }
    return { outcome: 'admitted', newKeyid: this.#insert(entry, key) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#buckets.clear();
    this.#size = 0;
  }

  /** Which cap a new entry would exceed once expired entries are dropped, if any. */
  #capReached(bucket: KeyidBucket | undefined, now: number): 'per_keyid' | 'aggregate' | undefined {
    if (bucket !== undefined && bucket.entries.size >= this.#limits.perKeyidCap) this.#purgeBucket(bucket, now);
    if (bucket !== undefined && bucket.entries.size >= this.#limits.perKeyidCap) return 'per_keyid';
    if (this.#size >= this.#limits.aggregateCap) this.#sweep(now);
    if (this.#size >= this.#limits.aggregateCap) return 'aggregate';
    return undefined;
  }

  /** Inserts (or revives an expired) entry; true when the keyid had no live entry before. */
  #insert(entry: NonceEntry, key: string): boolean {
    let bucket = this.#buckets.get(entry.keyid);
    if (bucket === undefined) {
      bucket = { entries: new Map(), latestExpiry: Number.NEGATIVE_INFINITY };
      this.#buckets.set(entry.keyid, bucket);
    }
    const newKeyid = bucket.latestExpiry <= entry.now;
    if (!bucket.entries.has(key)) this.#size += 1;
    bucket.entries.set(key, entry.expiresAt);
    bucket.latestExpiry = Math.max(bucket.latestExpiry, entry.expiresAt);
    return newKeyid;
  }

  #purgeBucket(bucket: KeyidBucket, now: number): void {
    for (const [key, expiresAt] of bucket.entries) {
      if (expiresAt > now) continue;
      bucket.entries.delete(key);
      this.#size -= 1;
    }
  }

  #sweep(now: number): void {
    this.#nextSweep = now + SWEEP_INTERVAL_SECONDS;
    for (const [keyid, bucket] of this.#buckets) {
      this.#purgeBucket(bucket, now);
      if (bucket.entries.size === 0) this.#buckets.delete(keyid);
    }
  }
}

interface DedupRecord {
  state: 'claimed' | 'done';
  claimId: string;
  /** Lease end while claimed, retention end once done (epoch ms). */
  expiresAtMs: number;
}

/** Expired dedup records are swept at most this often (ms). */
const DEDUP_SWEEP_INTERVAL_MS = 60_000;

/**
 * In-process `(sender, idempotency_key)` dedup (building/by-layer/L3/webhooks.mdx — "Reliability").
 * Not durable: the spec calls an in-memory-only cache non-conformant outside tests and one-off tools.
 */
export class MemoryEventDedupStore implements EventDedupStore {
  readonly #records = new Map<string, DedupRecord>();
  #nextSweep = 0;
  #closed = false;

  async begin(event: DedupEvent): Promise<DedupClaim> {
    if (this.#closed) throw closedError('memory');
    if (event.nowMs >= this.#nextSweep) this.#sweep(event.nowMs);
    const key = pairKey(event.sender, event.idempotencyKey);
    const record = this.#records.get(key);
    if (record !== undefined && record.expiresAtMs > event.nowMs) {
      return record.state === 'done' ? { outcome: 'duplicate' } : { outcome: 'in_progress' };
    }
    const claimId = randomUUID();
    this.#records.set(key, { state: 'claimed', claimId, expiresAtMs: event.nowMs + event.leaseMs });
    return { outcome: 'claimed', token: { sender: event.sender, idempotencyKey: event.idempotencyKey, claimId } };
  }

  async complete(claim: DedupToken, retainUntilMs: number): Promise<void> {
    if (this.#closed) throw closedError('memory');
    const record = this.#heldBy(claim);
    if (record === undefined) return;
    record.state = 'done';
    record.expiresAtMs = retainUntilMs;
  }

  async release(claim: DedupToken): Promise<void> {
    if (this.#closed) throw closedError('memory');
    if (this.#heldBy(claim) !== undefined) this.#records.delete(pairKey(claim.sender, claim.idempotencyKey));
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#records.clear();
  }

  /** The record while `claim` still holds it (not completed, not taken over by another instance). */
  #heldBy(claim: DedupToken): DedupRecord | undefined {
    const record = this.#records.get(pairKey(claim.sender, claim.idempotencyKey));
    return record?.state === 'claimed' && record.claimId === claim.claimId ? record : undefined;
  }

  #sweep(nowMs: number): void {
    this.#nextSweep = nowMs + DEDUP_SWEEP_INTERVAL_MS;
    for (const [key, record] of this.#records) if (record.expiresAtMs <= nowMs) this.#records.delete(key);
  }
}

/** Unambiguous key of a pair of strings: the first is length-prefixed. */
export function pairKey(first: string, second: string): string {
  return `${first.length}:${first}${second}`;
}
