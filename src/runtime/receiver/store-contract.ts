// The two pieces of state a webhook receiver keeps, behind one contract each so that a single
// process (memory), one host (SQLite) and a fleet (PostgreSQL, Redis) are interchangeable and pass
// one conformance suite. Every operation is atomic in its backend: under concurrency exactly one
// caller wins an admission or a claim.

/**
 * `(keyid, nonce)` replay protection: steps 9a, 12 and 13 of the verifier checklist for webhooks
 * (security.mdx "Webhook callbacks"), sized per "Webhook replay dedup sizing". Only requests whose
 * signature already verified (step 10) reach `admit`, so external traffic cannot grow the store.
 */
export interface NonceStore {
  /**
   * Atomically: `replayed` when `(scope, keyid, nonce)` is held and unexpired; otherwise
   * `rate_abuse` when inserting would exceed the per-keyid or aggregate cap (nothing inserted:
   * never silent eviction); otherwise inserts the entry until `expiresAt` and answers `admitted`.
   */
  admit(entry: NonceEntry): Promise<NonceAdmission>;
  /** Releases connections/handles. */
  close(): Promise<void>;
}

/**
 * One `(scope, keyid, nonce)` a verified webhook signature presents to `NonceStore.admit` (security.mdx
 * "Webhook callbacks", verifier checklist steps 12 and 13).
 */
export interface NonceEntry {
  /** The signature's `keyid` parameter; the per-keyid cap counts entries per value. */
  readonly keyid: string;
  /** The signature's `nonce` parameter. */
  readonly nonce: string;
  /**
   * Cross-endpoint scoping (security.mdx "Cross-endpoint scoping"): `''` for one shared logical
   * cache across every endpoint, or the canonical `@target-uri` to scope per destination.
   */
  readonly scope: string;
  /** Unix seconds after which the entry may be dropped (signature `expires` plus clock skew). */
  readonly expiresAt: number;
  /** Current time, unix seconds. */
  readonly now: number;
}

/**
 * `NonceStore.admit`'s answer: `admitted` (the nonce is now held until `expiresAt`), `replayed` (held
 * and unexpired: `webhook_signature_replayed`), or `rate_abuse` naming the cap admission would exceed
 * (`webhook_signature_rate_abuse`; security.mdx "Webhook replay dedup sizing").
 */
export type NonceAdmission =
  | {
      readonly outcome: 'admitted';
      /** True when this keyid had no live entry before: feeds new-keyid admission tracking. */
      readonly newKeyid: boolean;
    }
  | { readonly outcome: 'replayed' }
  | { readonly outcome: 'rate_abuse'; readonly cap: 'per_keyid' | 'aggregate' };

/**
 * `(authenticated sender identity, idempotency_key)` event dedup (webhooks.mdx "Reliability" →
 * "Dedup by idempotency_key"): durable for at least 24 h, shared across every endpoint a sender
 * can reach, one keyspace per sender.
 */
export interface EventDedupStore {
  /**
   * Claims the event for processing. `claimed`: run the side effects, then `complete` (or
   * `release` on failure so a retry can run them). `duplicate`: already completed, answer 2xx.
   * `in_progress`: another instance holds an unexpired claim; answer so the sender retries later.
   */
  begin(event: DedupEvent): Promise<DedupClaim>;
  /** Marks a claimed event done; it is then a duplicate until `retainUntil`. */
  complete(claim: DedupToken, retainUntilMs: number): Promise<void>;
  /** Gives a claimed event up so its next delivery runs it again. */
  release(claim: DedupToken): Promise<void>;
  close(): Promise<void>;
}

/**
 * The event `EventDedupStore.begin` claims, keyed on `(sender, idempotencyKey)` (webhooks.mdx
 * "Reliability", "Dedup by `idempotency_key`").
 */
export interface DedupEvent {
  /** The authenticated sender identity: each sender has its own keyspace. */
  readonly sender: string;
  /** The payload's `idempotency_key` (for A2A bodies, `a2a:` + the body's SHA-256). */
  readonly idempotencyKey: string;
  /** Current time, epoch milliseconds. */
  readonly nowMs: number;
  /** How long a claim holds before another instance may take it over (a crashed handler). */
  readonly leaseMs: number;
}

/** Identifies one claim; opaque to callers. */
export interface DedupToken {
  readonly sender: string;
  readonly idempotencyKey: string;
  readonly claimId: string;
}

/**
 * `EventDedupStore.begin`'s answer: `claimed` with the token to `complete` or `release`, `duplicate`
 * (already completed: answer 2xx), or `in_progress` (another claim holds an unexpired lease, or the
 * sender is at the store's cap: answer so the sender retries later).
 */
export type DedupClaim =
  | { readonly outcome: 'claimed'; readonly token: DedupToken }
  | { readonly outcome: 'duplicate' }
  | { readonly outcome: 'in_progress' };
