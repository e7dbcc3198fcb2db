// Model-based test of ReplayDedup's hand-rolled ring + open-addressing index against the plainest
// possible model: an array of slots searched linearly. Small capacities and a small key alphabet
// force bucket collisions, wrap-around, eviction (backward-shift deletion) and expiry.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayDedup } from '../../src/runtime/webhooks/replay-dedup.js';

type Step = { kind: 'see'; key: string } | { kind: 'tick'; ms: number };

class RingModel {
  private readonly slots: { key: string; expiry: number }[] = [];
  private next = 0;

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  firstSighting(key: string, now: number): boolean {
    const slot = this.slots.find((entry) => entry.key === key);
    if (slot === undefined) {
      this.slots[this.next] = { key, expiry: now + this.ttlMs };
      this.next = (this.next + 1) % this.capacity;
      return true;
    }
    if (slot.expiry > now) return false;
    slot.expiry = now + this.ttlMs;
    return true;
  }

  get size(): number {
    return this.slots.length;
  }
}

const keys = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `k${i}`), 'create_media_buy\u0000acc\u0000x', '');
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: keys.map((key) => ({ kind: 'see' as const, key })) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 40 }).map((ms) => ({ kind: 'tick' as const, ms })) },
);

describe('ReplayDedup against a linear-scan model', () => {
  it('answers every sighting exactly like the model and keeps the same size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 60 }), fc.array(step, { maxLength: 400 }), (capacity, ttlMs, steps) => {
        let now = 1_000;
        const dedup = new ReplayDedup({ maxEntries: capacity, ttlMs, now: () => now });
        const model = new RingModel(capacity, ttlMs);
        for (const s of steps) {
          if (s.kind === 'tick') {
            now += s.ms;
            continue;
          }
          expect(dedup.firstSighting(s.key)).toBe(model.firstSighting(s.key, now));
          expect(dedup.size).toBe(model.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
