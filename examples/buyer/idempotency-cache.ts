// Receiver-side dedup of webhook deliveries by (authenticated sender, idempotency_key), as AdCP asks:
// remember each processed key for at least 24 hours, answer duplicates with 2xx, let the first copy
// win. Memory is bounded: entries expire in insertion order (one TTL for all), and when the cache
// is full of live entries new keys are refused (the receiver answers 429, which senders retry).
export interface IdempotencyCacheOptions {
  /** How long a processed key is remembered; default 24 h (the spec's floor). */
  readonly ttlMs?: number;
  /** Live keys held at most; default 100,000. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

export type Admission = 'new' | 'duplicate' | 'in_progress' | 'full';

export class IdempotencyCache {
  readonly #ttlMs: number;
  readonly #maxEntries: number;
  readonly #now: () => number;
  /** key → expiry (ms); Map order is insertion order, so the front expires first. */
  readonly #done = new Map<string, number>();
  readonly #inProgress = new Set<string>();

  constructor(options: IdempotencyCacheOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  /** Claims `key` for processing unless it was processed, is being processed, or the cache is full. */
  admit(key: string): Admission {
    this.#expire();
    if (this.#done.has(key)) return 'duplicate';
    if (this.#inProgress.has(key)) return 'in_progress';
    if (this.#done.size + this.#inProgress.size >= this.#maxEntries) return 'full';
    this.#inProgress.add(key);
    return 'new';
  }

  /** The key's delivery was processed: later copies are duplicates. */
  complete(key: string): void {
    this.#inProgress.delete(key);
    this.#done.set(key, this.#now() + this.#ttlMs);
  }

  /** Processing failed: a retry of the same key will be processed again. */
  release(key: string): void {
    this.#inProgress.delete(key);
  }

  get size(): number {
    return this.#done.size + this.#inProgress.size;
  }

  #expire(): void {
    const now = this.#now();
    for (const [key, expiresAt] of this.#done) {
      if (expiresAt > now) break;
      this.#done.delete(key);
    }
  }
}
