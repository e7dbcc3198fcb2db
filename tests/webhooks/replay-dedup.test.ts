import { describe, expect, it } from 'vitest';
import { ReplayDedup } from '../../src/runtime/webhooks/replay-dedup.js';

describe('ReplayDedup', () => {
  it('sees a key once, then reports replays', () => {
    const dedup = new ReplayDedup();
    expect(dedup.firstSighting('create_media_buy\u0000acc\u0000idem-1')).toBe(true);
    expect(dedup.firstSighting('create_media_buy\u0000acc\u0000idem-1')).toBe(false);
    expect(dedup.firstSighting('create_media_buy\u0000acc\u0000idem-2')).toBe(true);
  });

  it('forgets a key after the TTL (injected clock)', () => {
    let now = 1_000;
    const dedup = new ReplayDedup({ ttlMs: 100, now: () => now });
    expect(dedup.firstSighting('k')).toBe(true);
    now += 99;
    expect(dedup.firstSighting('k')).toBe(false);
    now += 1;
    expect(dedup.firstSighting('k')).toBe(true);
    expect(dedup.firstSighting('k')).toBe(false);
  });

  it('stays bounded: the oldest key is evicted when full', () => {
    const dedup = new ReplayDedup({ maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) expect(dedup.firstSighting(key)).toBe(true);
    expect(dedup.size).toBe(3);
    expect(dedup.firstSighting('a')).toBe(true); // evicted, so seen afresh
    expect(dedup.firstSighting('d')).toBe(false);
  });

  it('renews an expired key in place: it is a new sighting, then a replay again', () => {
    let now = 0;
    const dedup = new ReplayDedup({ maxEntries: 3, ttlMs: 10, now: () => now });
    dedup.firstSighting('a');
    now = 20; // 'a' expired
    expect(dedup.firstSighting('a')).toBe(true);
    expect(dedup.firstSighting('a')).toBe(false);
    expect(dedup.size).toBe(1);
  });

  it('stays O(1) at its bound: 200,000 distinct keys through a 10,000-entry memory', () => {
    const dedup = new ReplayDedup({ maxEntries: 10_000 });
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) dedup.firstSighting(`key-${i}`);
    const perCallMs = (performance.now() - started) / 200_000;
    expect(dedup.size).toBe(10_000);
    expect(perCallMs).toBeLessThan(0.02); // generous: tens of ns expected; a Map walk would be ~µs
  });

  it('refuses nonsensical bounds', () => {
    expect(() => new ReplayDedup({ maxEntries: 0 })).toThrow(RangeError);
    expect(() => new ReplayDedup({ ttlMs: 0 })).toThrow(RangeError);
  });
});
