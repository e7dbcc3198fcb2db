// Bounded memory of request idempotency keys already acted on, so a replayed request (same
// `idempotency_key`) never emits a second logical webhook (storyboard phase
// `idempotency_replay_side_effects`).
//
// A fixed-size ring of slots plus a Map from key to slot: three Map operations at most per call and
// no Map iteration (evicting by walking a Map from its oldest entry is slow in V8 once many entries
// have been deleted). Entries expire after `ttlMs`; when the ring is full the oldest slot is reused. One process only: sellers
// running several replicas plug in a shared implementation of `RequestReplayGuard`.

export interface RequestReplayGuard {
  /** True the first time `key` is seen within the retention window; false for a replay. */
  firstSighting(key: string): boolean;
}

export interface ReplayDedupOptions {
  /** How many keys are remembered at most. Default 10,000. */
  readonly maxEntries?: number;
  /** How long a key is remembered. Default 24 h, the AdCP replay window floor. */
  readonly ttlMs?: number;
  /** Clock in epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export const DEFAULT_REPLAY_MAX_ENTRIES = 10_000;
export const DEFAULT_REPLAY_TTL_MS = 24 * 60 * 60 * 1000;

export class ReplayDedup implements RequestReplayGuard {
  /** key → its slot in the ring; each key holds exactly one slot. */
  private readonly slotByKey = new Map<string, number>();
  private readonly slotKeys: (string | undefined)[];
  private readonly slotExpiries: Float64Array;
  private nextSlot = 0;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(options: ReplayDedupOptions = {}) {
    const maxEntries = options.maxEntries ?? DEFAULT_REPLAY_MAX_ENTRIES;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError('ReplayDedup maxEntries must be a positive integer');
    }
    this.ttlMs = options.ttlMs ?? DEFAULT_REPLAY_TTL_MS;
    if (!(this.ttlMs > 0)) throw new RangeError('ReplayDedup ttlMs must be positive');
    this.now = options.now ?? Date.now;
    this.slotKeys = new Array<string | undefined>(maxEntries).fill(undefined);
    this.slotExpiries = new Float64Array(maxEntries);
  }

  get size(): number {
    return this.slotByKey.size;
  }

  firstSighting(key: string): boolean {
    const now = this.now();
    const slot = this.slotByKey.get(key);
    if (slot === undefined) {
      this.remember(key, now + this.ttlMs);
      return true;
    }
    if (this.slotExpiries[slot]! > now) return false;
    // Seen before but expired: a new sighting, renewed in place (it keeps its age in the ring).
    this.slotExpiries[slot] = now + this.ttlMs;
    return true;
  }

  /** Takes the oldest slot, evicting whichever key held it. */
  private remember(key: string, expiry: number): void {
    flattenInPlace(key);
    const slot = this.nextSlot;
    const evicted = this.slotKeys[slot];
    if (evicted !== undefined) this.slotByKey.delete(evicted);
    this.slotKeys[slot] = key;
    this.slotExpiries[slot] = expiry;
    this.slotByKey.set(key, slot);
    this.nextSlot = slot + 1 === this.slotKeys.length ? 0 : slot + 1;
  }
}

/**
 * A key built by concatenation (the scoped key is one) or by randomUUID is a rope: a tree of
 * string pieces that the Map would keep alive, and that every young-generation collection copies,
 * for as long as the key is remembered. Reading a character makes V8 flatten the rope in place,
 * so only one flat copy survives. Costs one character read when the key is already flat.
 */
function flattenInPlace(key: string): void {
  flattenSink ^= key.charCodeAt(0); // kept in a module variable so the optimizer cannot drop the read
}

let flattenSink = 0;
