// The NonceStore and EventDedupStore contracts, written once and run against every backend (memory,
// SQLite, PostgreSQL, Redis). Each subject offers two handles on the same data (two connections, or
// the same object where there is only one) so that races cross handles the way a fleet's do.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventDedupStore, NonceAdmission, NonceEntry, NonceStore } from '../../src/runtime/receiver/store-contract.js';
import type { NonceStoreLimits } from '../../src/runtime/receiver/stores/limits.js';

export interface ReceiverStoresUnderTest {
  readonly nonces: NonceStore;
  readonly otherNonces: NonceStore;
  readonly dedup: EventDedupStore;
  readonly otherDedup: EventDedupStore;
  dispose(): Promise<void>;
}

export type ReceiverStoresFactory = (limits?: NonceStoreLimits) => Promise<ReceiverStoresUnderTest>;

const T0 = 1_900_000_000;
const T0_MS = T0 * 1000;

function entry(overrides: Partial<NonceEntry> = {}): NonceEntry {
  return { keyid: `kid-${randomUUID()}`, nonce: randomUUID(), scope: '', expiresAt: T0 + 360, now: T0, ...overrides };
}

function outcomes(results: readonly NonceAdmission[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const label = result.outcome === 'rate_abuse' ? `rate_abuse:${result.cap}` : result.outcome;
    counts[label] = (counts[label] ?? 0) + 1;
  }
  return counts;
}

export function describeReceiverStoreConformance(name: string, open: ReceiverStoresFactory): void {
  describe(`receiver store conformance: ${name}`, () => {
    const opened: ReceiverStoresUnderTest[] = [];
    async function subject(limits?: NonceStoreLimits): Promise<ReceiverStoresUnderTest> {
      const stores = await open(limits);
      opened.push(stores);
      return stores;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((stores) => stores.dispose()));
    });

    describe('NonceStore', () => {
      it('admits a (keyid, nonce) once and answers replayed on every later sighting, from either handle', async () => {
        const { nonces, otherNonces } = await subject();
        const first = entry();
        expect(await nonces.admit(first)).toEqual({ outcome: 'admitted', newKeyid: true });
        expect(await nonces.admit({ ...first, now: T0 + 10 })).toEqual({ outcome: 'replayed' });
        expect(await otherNonces.admit({ ...first, now: T0 + 359 })).toEqual({ outcome: 'replayed' });
      });

      it('keys on keyid, nonce and scope together', async () => {
        const { nonces } = await subject();
        const first = entry();
        await nonces.admit(first);
        expect(await nonces.admit({ ...first, nonce: randomUUID() })).toMatchObject({ outcome: 'admitted', newKeyid: false });
        expect(await nonces.admit({ ...first, keyid: `kid-${randomUUID()}` })).toMatchObject({ outcome: 'admitted', newKeyid: true });
        expect(await nonces.admit({ ...first, scope: 'https://buyer.example/hooks/b' })).toMatchObject({ outcome: 'admitted' });
        expect(await nonces.admit({ ...first, scope: 'https://buyer.example/hooks/b' })).toEqual({ outcome: 'replayed' });
      });

      it('forgets an entry at its expiry and counts the keyid as new once none of its entries is live', async () => {
        const { nonces, otherNonces } = await subject();
        const first = entry({ expiresAt: T0 + 100 });
        await nonces.admit(first);
        expect(await otherNonces.admit({ ...first, now: T0 + 100, expiresAt: T0 + 400 })).toEqual({ outcome: 'admitted', newKeyid: true });
        expect(await nonces.admit({ ...first, now: T0 + 399 })).toEqual({ outcome: 'replayed' });
        expect(await nonces.admit({ ...first, nonce: randomUUID(), now: T0 + 399, expiresAt: T0 + 700 })).toEqual({
          outcome: 'admitted',
          newKeyid: false,
        });
      });

      it('rejects past the per-keyid cap with rate_abuse, inserting nothing, and admits again once entries expire', async () => {
        const { nonces, otherNonces } = await subject({ perKeyidCap: 3 });
        const keyid = `kid-${randomUUID()}`;
        await nonces.admit(entry({ keyid, expiresAt: T0 + 10 }));
        await nonces.admit(entry({ keyid }));
        await otherNonces.admit(entry({ keyid }));
        const rejected = entry({ keyid });
        expect(await nonces.admit(rejected)).toEqual({ outcome: 'rate_abuse', cap: 'per_keyid' });
        expect(await otherNonces.admit(entry({ keyid }))).toEqual({ outcome: 'rate_abuse', cap: 'per_keyid' });
        expect(await nonces.admit(entry())).toMatchObject({ outcome: 'admitted' });
        // Once the first entry expires there is room for one; the rejected nonce was never stored.
        expect(await otherNonces.admit({ ...rejected, now: T0 + 20 })).toEqual({ outcome: 'admitted', newKeyid: false });
        expect(await nonces.admit(entry({ keyid, now: T0 + 20 }))).toEqual({ outcome: 'rate_abuse', cap: 'per_keyid' });
      });

      it('answers replayed, not rate_abuse, for a held nonce of a keyid at its cap', async () => {
        const { nonces } = await subject({ perKeyidCap: 1 });
        const held = entry();
        await nonces.admit(held);
        expect(await nonces.admit({ ...held, now: T0 + 1 })).toEqual({ outcome: 'replayed' });
      });

      it('rejects past the aggregate cap with rate_abuse and admits again once entries expire', async () => {
        const { nonces, otherNonces } = await subject({ perKeyidCap: 100, aggregateCap: 4 });
        await nonces.admit(entry({ expiresAt: T0 + 10 }));
        await nonces.admit(entry());
        await otherNonces.admit(entry());
        await otherNonces.admit(entry());
        const rejected = entry();
        expect(await nonces.admit(rejected)).toEqual({ outcome: 'rate_abuse', cap: 'aggregate' });
        expect(await otherNonces.admit(entry())).toEqual({ outcome: 'rate_abuse', cap: 'aggregate' });
        expect(await nonces.admit({ ...rejected, now: T0 + 10 })).toEqual({ outcome: 'admitted', newKeyid: true });
        expect(await nonces.admit(entry({ now: T0 + 10 }))).toEqual({ outcome: 'rate_abuse', cap: 'aggregate' });
      });

      it('lets exactly one of many parallel callers admit the same (keyid, nonce)', async () => {
        const { nonces, otherNonces } = await subject();
        const same = entry();
        const results = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? nonces : otherNonces).admit(same)));
        expect(outcomes(results)).toEqual({ admitted: 1, replayed: 23 });
      });

      it('holds the per-keyid cap exactly under parallel admissions, with one newKeyid', async () => {
        const { nonces, otherNonces } = await subject({ perKeyidCap: 10 });
        const keyid = `kid-${randomUUID()}`;
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? nonces : otherNonces).admit(entry({ keyid }))),
        );
        expect(outcomes(results)).toEqual({ admitted: 10, 'rate_abuse:per_keyid': 20 });
        expect(results.filter((r) => r.outcome === 'admitted' && r.newKeyid)).toHaveLength(1);
      });

      it('holds the aggregate cap exactly under parallel admissions from many keyids', async () => {
        const { nonces, otherNonces } = await subject({ aggregateCap: 12 });
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? nonces : otherNonces).admit(entry({ keyid: `kid-${i % 5}-${T0}` }))),
        );
        expect(outcomes(results)).toEqual({ admitted: 12, 'rate_abuse:aggregate': 18 });
      });

      it('refuses work once closed', async () => {
        const stores = await subject();
        await stores.nonces.close();
        await expect(stores.nonces.admit(entry())).rejects.toThrow(/closed/);
      });
    });

    describe('EventDedupStore', () => {
      const event = (overrides: { sender?: string; idempotencyKey?: string; nowMs?: number; leaseMs?: number } = {}) => ({
        sender: 'https://seller.example/mcp',
        idempotencyKey: randomUUID(),
        nowMs: T0_MS,
        leaseMs: 30_000,
        ...overrides,
      });

      it('claims an event once; in_progress while claimed; duplicate after complete, on either handle', async () => {
        const { dedup, otherDedup } = await subject();
        const first = event();
        const claim = await dedup.begin(first);
        expect(claim.outcome).toBe('claimed');
        expect(await otherDedup.begin({ ...first, nowMs: T0_MS + 1 })).toEqual({ outcome: 'in_progress' });
        if (claim.outcome !== 'claimed') return;
        await dedup.complete(claim.token, T0_MS + 86_400_000);
        expect(await otherDedup.begin({ ...first, nowMs: T0_MS + 2 })).toEqual({ outcome: 'duplicate' });
        // Long past the lease, well within the retention: still a duplicate.
        expect(await dedup.begin({ ...first, nowMs: T0_MS + 86_399_999 })).toEqual({ outcome: 'duplicate' });
        expect((await dedup.begin({ ...first, nowMs: T0_MS + 86_400_000 })).outcome).toBe('claimed');
      });

      it('keeps one keyspace per sender', async () => {
        const { dedup } = await subject();
        const first = event();
        expect((await dedup.begin(first)).outcome).toBe('claimed');
        expect((await dedup.begin({ ...first, sender: 'https://other-seller.example/mcp' })).outcome).toBe('claimed');
      });

      it('release gives the event up so the next delivery runs it again', async () => {
        const { dedup, otherDedup } = await subject();
        const first = event();
        const claim = await dedup.begin(first);
        if (claim.outcome !== 'claimed') throw new Error('expected a claim');
        await dedup.release(claim.token);
        const again = await otherDedup.begin({ ...first, nowMs: T0_MS + 1 });
        expect(again.outcome).toBe('claimed');
      });

      it('lets another instance take over a claim whose lease lapsed (a crashed handler); the stale holder can no longer settle it', async () => {
        const { dedup, otherDedup } = await subject();
        const first = event({ leaseMs: 1000 });
        const crashed = await dedup.begin(first);
        if (crashed.outcome !== 'claimed') throw new Error('expected a claim');
        expect(await otherDedup.begin({ ...first, nowMs: T0_MS + 999 })).toEqual({ outcome: 'in_progress' });
        const takeover = await otherDedup.begin({ ...first, nowMs: T0_MS + 1000 });
        if (takeover.outcome !== 'claimed') throw new Error('expected a takeover');
        expect(takeover.token.claimId).not.toBe(crashed.token.claimId);
        await dedup.release(crashed.token);
        await dedup.complete(crashed.token, T0_MS + 86_400_000);
        expect(await dedup.begin({ ...first, nowMs: T0_MS + 1001 })).toEqual({ outcome: 'in_progress' });
        await otherDedup.complete(takeover.token, T0_MS + 86_400_000);
        expect(await dedup.begin({ ...first, nowMs: T0_MS + 1002 })).toEqual({ outcome: 'duplicate' });
      });

      it('gives exactly one of many parallel callers the claim', async () => {
        const { dedup, otherDedup } = await subject();
        const same = event();
        const results = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? dedup : otherDedup).begin(same)));
        expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
        expect(results.filter((r) => r.outcome === 'in_progress')).toHaveLength(23);
      });

      it('gives exactly one of many parallel callers a lapsed claim', async () => {
        const { dedup, otherDedup } = await subject();
        const same = event({ leaseMs: 10 });
        await dedup.begin(same);
        const later = { ...same, nowMs: T0_MS + 10 };
        const results = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? dedup : otherDedup).begin(later)));
        expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
      });

      it('refuses work once closed', async () => {
        const stores = await subject();
        await stores.dedup.close();
        await expect(stores.dedup.begin(event())).rejects.toThrow(/closed/);
      });
    });
  });
}
