// Buyer-side `(keyid, nonce)` replay protection for the webhook verifier (security.mdx checklist
// steps 9a, 12, 13; "Webhook replay dedup sizing"). The in-memory cache suits one process; a fleet
// of receivers needs a shared store implementing the same interface.

/**
 * Buyer-side `(keyid, nonce)` replay protection the RFC 9421 verifier consults (security.mdx "Verifier checklist for
 * webhooks", steps 9a, 12, 13). Implement it over a shared store for a fleet of receivers.
 */
export interface ReplayGuard {
  /** Step 12: true when `(keyid, nonce)` was already accepted and has not expired. */
  seen(keyid: string, nonce: string, nowSeconds: number): boolean;
  /** Step 13: records an accepted `(keyid, nonce)` until `expiresAtSeconds`. */
  remember?(keyid: string, nonce: string, expiresAtSeconds: number): void;
  /** Step 9a: true when `keyid` has filled its entry cap (rejected as rate abuse, never evicted). */
  capReached?(keyid: string, nowSeconds: number): boolean;
}

/** Options of {@link createInMemoryReplayCache}: the per-keyid entry cap, default 100,000. */
export interface InMemoryReplayCacheOptions {
  /** Per-keyid entry cap; default 100,000 (security.mdx recommendation for webhooks). */
  readonly maxEntriesPerKeyid?: number;
}

/**
 * An in-process {@link ReplayGuard} for one receiver: entries expire with their signature, and a keyid at its cap
 * (default 100,000) is refused as rate abuse rather than evicted (security.mdx "Webhook replay dedup sizing").
 */
export function createInMemoryReplayCache(options: InMemoryReplayCacheOptions = {}): Required<ReplayGuard> {
  const cap = options.maxEntriesPerKeyid ?? 100_000;
  const byKeyid = new Map<string, Map<string, number>>();

  const liveEntries = (keyid: string, nowSeconds: number): Map<string, number> | undefined => {
    const entries = byKeyid.get(keyid);
    if (entries === undefined) return undefined;
    for (const [nonce, expiresAt] of entries) if (expiresAt <= nowSeconds) entries.delete(nonce);
    return entries;
  };

  return {
    seen(keyid, nonce, nowSeconds) {
      const expiresAt = byKeyid.get(keyid)?.get(nonce);
      return expiresAt !== undefined && expiresAt > nowSeconds;
    },
    remember(keyid, nonce, expiresAtSeconds) {
      let entries = byKeyid.get(keyid);
      if (entries === undefined) {
        entries = new Map();
        byKeyid.set(keyid, entries);
      }
      entries.set(nonce, expiresAtSeconds);
    },
    capReached(keyid, nowSeconds) {
      const entries = byKeyid.get(keyid);
      if (entries === undefined || entries.size < cap) return false;
      return (liveEntries(keyid, nowSeconds)?.size ?? 0) >= cap;
    },
  };
}
