// In-memory NonceStore and EventDedupStore for one receiver process. A fleet of receivers (more
// than one endpoint or pod) needs a shared backend: security.mdx "Cross-endpoint scoping" and
// webhooks.mdx "Cross-endpoint dedup" call per-process memory non-conformant there.
import { randomUUID } from 'node:crypto';
import type {
  DedupClaim,
  DedupEvent,
  DedupToken,
  EventDedupStore,
  NonceAdmission,
  NonceEntry,
  NonceStore,
} from './store-contract.js';

/**
 * Caps of `createMemoryNonceStore` (security.mdx "Webhook replay dedup sizing"). An admission over
 * either cap is answered `rate_abuse` and nothing is inserted; live entries are never evicted to make
 * room.
 */
export interface MemoryNonceStoreOptions {
  /** Live entries one keyid may hold; default 100,000 (security.mdx "Webhook replay dedup sizing"). */
  readonly maxEntriesPerKeyid?: number;
  /** Live entries across all keyids; default 10,000,000. */
  readonly maxEntries?: number;
}

interface Expiring {
  readonly expiresAt: number;
  readonly bucket: string;
  readonly key: string;
}

/** Entries in insertion order, dropped from the front once expired (amortized O(1) per entry). */
class ExpiryQueue {
  private items: Expiring[] = [];
  private head = 0;

  push(item: Expiring): void {
    this.items.push(item);
  }

  /** Calls `drop` for each leading entry expired at `now`; entries behind a live one wait. */
  dropExpired(now: number, drop: (item: Expiring) => void): void {
    while (this.head < this.items.length) {
      const item = this.items[this.head] as Expiring;
      if (item.expiresAt > now) break;
      drop(item);
      this.head += 1;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * `(scope, keyid, nonce)` replay store (checklist steps 9a, 12, 13). At a cap it answers
 * `rate_abuse` and inserts nothing: live entries are never evicted to make room.
 */
export function createMemoryNonceStore(options: MemoryNonceStoreOptions = {}): NonceStore {
  const perKeyidCap = options.maxEntriesPerKeyid ?? 100_000;
  const aggregateCap = options.maxEntries ?? 10_000_000;
  const byKeyid = new Map<string, Map<string, number>>();
  const expiry = new ExpiryQueue();
  let total = 0;

  const drop = ({ bucket, key, expiresAt }: Expiring): void => {
    const entries = byKeyid.get(bucket);
    if (entries?.get(key) !== expiresAt) return;
    entries.delete(key);
    total -= 1;
    if (entries.size === 0) byKeyid.delete(bucket);
  };

  // The expiry queue is in insertion order, so an entry with a short TTL behind a longer one can
  // outlive its expiry there; before answering rate_abuse the bucket is swept exactly.
  const sweep = (entries: Map<string, number>, now: number): number => {
    for (const [key, expiresAt] of entries) {
      if (expiresAt > now) continue;
      entries.delete(key);
      total -= 1;
    }
    return entries.size;
  };
  const sweepAll = (now: number): number => {
    for (const [keyid, entries] of byKeyid) if (sweep(entries, now) === 0) byKeyid.delete(keyid);
    return total;
  };

  return {
    async admit(entry: NonceEntry): Promise<NonceAdmission> {
      expiry.dropExpired(entry.now, drop);
      const key = `${entry.scope}\n${entry.nonce}`;
      const entries = byKeyid.get(entry.keyid);
      const held = entries?.get(key);
      if (held !== undefined && held > entry.now) return { outcome: 'replayed' };
      if (entries !== undefined && entries.size >= perKeyidCap && sweep(entries, entry.now) >= perKeyidCap) {
        return { outcome: 'rate_abuse', cap: 'per_keyid' };
      }
      if (total >= aggregateCap && sweepAll(entry.now) >= aggregateCap) return { outcome: 'rate_abuse', cap: 'aggregate' };
      const target = entries ?? new Map<string, number>();
      if (entries === undefined) byKeyid.set(entry.keyid, target);
      if (held === undefined) total += 1;
      target.set(key, entry.expiresAt);
      expiry.push({ expiresAt: entry.expiresAt, bucket: entry.keyid, key });
      return { outcome: 'admitted', newKeyid: entries === undefined };
    },
    async close() {
      byKeyid.clear();
      total = 0;
    },
  };
}

/**
 * Options of `createMemoryDedupStore`. A sender at its cap is answered `in_progress` (it retries later)
 * rather than losing an event to eviction, which would let a duplicate run twice. Memory holds the
 * state of one process only, not the durable dedup state webhooks.mdx "Reliability" asks for.
 */
export interface MemoryDedupStoreOptions {
  /** Events one sender may hold (claimed or completed); default 1,000,000. */
  readonly maxEventsPerSender?: number;
}

type DedupEntry =
  | { readonly state: 'claimed'; readonly claimId: string; readonly leaseUntil: number }
  | { readonly state: 'done'; readonly until: number };

/**
 * `(sender, idempotency_key)` event dedup in memory. A sender at its cap gets `in_progress` (the
 * sender retries later) rather than an eviction that would let a duplicate run twice.
 */
export function createMemoryDedupStore(options: MemoryDedupStoreOptions = {}): EventDedupStore {
  const cap = options.maxEventsPerSender ?? 1_000_000;
  const bySender = new Map<string, Map<string, DedupEntry>>();
  const expiry = new ExpiryQueue();

  const drop = ({ bucket, key, expiresAt }: Expiring): void => {
    const events = bySender.get(bucket);
    const entry = events?.get(key);
    if (entry === undefined || entry.state !== 'done' || entry.until !== expiresAt) return;
    events?.delete(key);
    if (events?.size === 0) bySender.delete(bucket);
  };

  const isLive = (entry: DedupEntry, now: number): boolean =>
    entry.state === 'done' ? entry.until > now : entry.leaseUntil > now;

  const sweep = (events: Map<string, DedupEntry>, now: number): number => {
    for (const [key, entry] of events) if (!isLive(entry, now)) events.delete(key);
    return events.size;
  };

  return {
    async begin(event: DedupEvent): Promise<DedupClaim> {
      expiry.dropExpired(event.nowMs, drop);
      const events = bySender.get(event.sender) ?? new Map<string, DedupEntry>();
      const existing = events.get(event.idempotencyKey);
      if (existing !== undefined && isLive(existing, event.nowMs)) {
        return existing.state === 'done' ? { outcome: 'duplicate' } : { outcome: 'in_progress' };
      }
      if (existing === undefined && events.size >= cap && sweep(events, event.nowMs) >= cap) return { outcome: 'in_progress' };
      const claimId = randomUUID();
      events.set(event.idempotencyKey, { state: 'claimed', claimId, leaseUntil: event.nowMs + event.leaseMs });
      bySender.set(event.sender, events);
      return { outcome: 'claimed', token: { sender: event.sender, idempotencyKey: event.idempotencyKey, claimId } };
    },
    async complete(claim: DedupToken, retainUntilMs: number) {
      const events = bySender.get(claim.sender);
      const entry = events?.get(claim.idempotencyKey);
      if (events === undefined || entry?.state !== 'claimed' || entry.claimId !== claim.claimId) return;
      events.set(claim.idempotencyKey, { state: 'done', until: retainUntilMs });
      expiry.push({ expiresAt: retainUntilMs, bucket: claim.sender, key: claim.idempotencyKey });
    },
    async release(claim: DedupToken) {
      const events = bySender.get(claim.sender);
      const entry = events?.get(claim.idempotencyKey);
      if (entry?.state === 'claimed' && entry.claimId === claim.claimId) events?.delete(claim.idempotencyKey);
    },
    async close() {
      bySender.clear();
    },
  };
}
