// Bounded memory of request idempotency keys already acted on, so a replayed request (same
// `idempotency_key`) never emits a second logical webhook (storyboard phase
// `idempotency_replay_side_effects`).
//
// A fixed-size ring of slots (key, hash, expiry) and an open-addressing index from key hash to
// slot, both in preallocated arrays: no Map, so no per-call entry churn, table rehashing or
// iteration. The index is at least twice the ring (linear probing stays short) and an evicted key
// leaves it by backward-shift deletion (no tombstones). The hash is seeded per instance, so keys
// are hard to choose from outside to pile into one probe run. Keys are compared exactly: a hash
// collision never makes a first sighting look like a replay. Entries expire after `ttlMs`; when the
// ring is full the oldest slot is reused. One process only: sellers running several replicas plug in
// a shared implementation of `RequestReplayGuard`.

import { randomBytes } from 'node:crypto';

/**
 * Memory of request idempotency keys already acted on (building/by-layer/L3/webhooks.mdx —
 * idempotency_key; storyboard phase `idempotency_replay_side_effects`). A sighting claims the key;
 * `release` gives a claim back when the action it stood for did not happen.
 */
export interface RequestReplayGuard {
  /** True the first time `key` is seen within the retention window (the key is now claimed); false for a replay. */
  firstSighting(key: string): boolean;
  /**
   * Forgets a key claimed by the last `firstSighting(key)` that returned true, because the webhook
   * it stood for was not accepted by delivery (queue full, closed, refused): the buyer's retry of
   * the same request is then a first sighting again. A guard without it keeps every claimed key.
   */
  release?(key: string): void;
}

/** Options of `ReplayDedup`; `maxEntries` and `ttlMs` default to `DEFAULT_REPLAY_MAX_ENTRIES` and `DEFAULT_REPLAY_TTL_MS`. */
export interface ReplayDedupOptions {
  /** How many keys are remembered at most. Default 10,000. */
  readonly maxEntries?: number;
  /** How long a key is remembered. Default 24 h, the AdCP replay window floor. */
  readonly ttlMs?: number;
  /** Clock in epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

/** Default `ReplayDedupOptions.maxEntries`: 10,000 request idempotency keys. */
export const DEFAULT_REPLAY_MAX_ENTRIES = 10_000;
/**
 * Default `ReplayDedupOptions.ttlMs`: 24 h, the recommended idempotency replay window (security.mdx
 * "Idempotency", "Normative seller behavior": `replay_ttl_seconds` recommended 86400).
 */
export const DEFAULT_REPLAY_TTL_MS = 24 * 60 * 60 * 1000;

const EMPTY = -1;

/**
 * The in-memory `RequestReplayGuard`: remembers up to `maxEntries` request idempotency keys (default
 * 10,000) for `ttlMs` each (default 24 h), reusing the oldest slot when full, so a replayed request
 * (same `idempotency_key`; security.mdx "Idempotency") never emits a second webhook. One process only;
 * the constructor throws `RangeError` unless `maxEntries` is an integer from 1 to 2^28 and `ttlMs` is
 * positive.
 */
export class ReplayDedup implements RequestReplayGuard {
  /** Open-addressing index: bucket → slot, or EMPTY. Its length is a power of two. */
  private readonly slotByBucket: Int32Array;
  private readonly bucketMask: number;
  private readonly slotKeys: (string | undefined)[];
  private readonly slotHashes: Int32Array;
  private readonly slotExpiries: Float64Array;
  private readonly seed: number;
  private nextSlot = 0;
  private remembered = 0;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ReplayDedupOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_REPLAY_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1 || maxEntries > 2 ** 28) {
      throw new RangeError('ReplayDedup maxEntries must be a positive integer (at most 2^28)');
    }
    this.ttlMs = options.ttlMs ?? DEFAULT_REPLAY_TTL_MS;
    if (!(this.ttlMs > 0)) throw new RangeError('ReplayDedup ttlMs must be positive');
    this.now = options.now ?? Date.now;
    const buckets = 2 ** Math.ceil(Math.log2(maxEntries * 2));
    this.slotByBucket = new Int32Array(buckets).fill(EMPTY);
    this.bucketMask = buckets - 1;
    this.slotKeys = new Array<string | undefined>(maxEntries).fill(undefined);
    this.slotHashes = new Int32Array(maxEntries);
    this.slotExpiries = new Float64Array(maxEntries);
    this.seed = randomBytes(4).readInt32LE(0);
  }

  /** Slots holding a key, expired keys included until their slot is reused. */
  get size(): number {
    return this.remembered;
  }

  /** True the first time `key` is seen within `ttlMs` (the key is now claimed); false for a replay. */
  firstSighting(key: string): boolean {
    const now = this.now();
    const hash = seededHash(key, this.seed);
    const slot = this.slotOf(key, hash);
    if (slot === EMPTY) {
      this.remember(key, hash, now + this.ttlMs);
      return true;
    }
    if (this.slotExpiries[slot]! > now) return false;
    // Seen before but expired: a new sighting, renewed in place (it keeps its age in the ring).
    this.slotExpiries[slot] = now + this.ttlMs;
    return true;
  }

  /** Expires a claimed `key` at once: its next sighting is a first sighting again. */
  release(key: string): void {
    const slot = this.slotOf(key, seededHash(key, this.seed));
    // Expired in place: the next sighting renews it, as for any expired key.
    if (slot !== EMPTY) this.slotExpiries[slot] = 0;
  }

  private slotOf(key: string, hash: number): number {
    const mask = this.bucketMask;
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const slot = this.slotByBucket[bucket]!;
      if (slot === EMPTY || (this.slotHashes[slot] === hash && this.slotKeys[slot] === key)) return slot;
    }
  }

  /** Takes the oldest slot, evicting whichever key held it. */
  private remember(key: string, hash: number, expiry: number): void {
    const slot = this.nextSlot;
    if (this.slotKeys[slot] === undefined) this.remembered += 1;
    else this.unindex(slot);
    this.slotKeys[slot] = key;
    this.slotHashes[slot] = hash;
    this.slotExpiries[slot] = expiry;
    this.index(slot, hash);
    this.nextSlot = slot + 1 === this.slotKeys.length ? 0 : slot + 1;
  }

  private index(slot: number, hash: number): void {
    const mask = this.bucketMask;
    let bucket = hash & mask;
    while (this.slotByBucket[bucket] !== EMPTY) bucket = (bucket + 1) & mask;
    this.slotByBucket[bucket] = slot;
  }

  /** Removes `slot` from the index, shifting later members of its probe run back into the gap. */
  private unindex(slot: number): void {
    const mask = this.bucketMask;
    let gap = this.slotHashes[slot]! & mask;
    while (this.slotByBucket[gap] !== slot) gap = (gap + 1) & mask;
    for (let bucket = (gap + 1) & mask; this.slotByBucket[bucket] !== EMPTY; bucket = (bucket + 1) & mask) {
      const moved = this.slotByBucket[bucket]!;
      const home = this.slotHashes[moved]! & mask;
      // `moved` may fill the gap only if its home bucket is not between the gap and where it sits.
      if (((bucket - home) & mask) >= ((bucket - gap) & mask)) {
        this.slotByBucket[gap] = moved;
        gap = bucket;
      }
    }
    this.slotByBucket[gap] = EMPTY;
  }
}

/**
 * A 32-bit multiplicative hash of the key's UTF-16 code units, seeded per instance. Reading the
 * characters also makes V8 flatten a rope in place (a concatenated scoped key, a randomUUID), so
 * the remembered key is one flat string, not a tree of pieces every young collection would copy.
 */
function seededHash(key: string, seed: number): number {
  let hash = seed ^ key.length;
  for (let at = 0; at < key.length; at++) {
    hash = Math.imul(hash ^ key.charCodeAt(at), 0x5bd1e995);
    hash ^= hash >>> 15;
  }
  hash = Math.imul(hash ^ (hash >>> 13), 0x5bd1e995);
  return hash ^ (hash >>> 15);
}
