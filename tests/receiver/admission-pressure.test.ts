import { describe, expect, it } from 'vitest';
import { isAdcpError } from '../../src/runtime/errors/adcp-error.js';
import {
  AdmissionPressureTracker,
  STARTING_THRESHOLDS,
  THRESHOLD_ENV,
  thresholdsFromEnv,
  withAdmissionTracking,
  type AdmissionPressureEvent,
  type AdmissionPressureThresholds,
} from '../../src/runtime/receiver/stores/admission-pressure.js';
import { MemoryNonceStore } from '../../src/runtime/receiver/stores/memory.js';

const W = 5 * 60_000;
const DAY = 86_400_000;
const NOW = 1_900_000_000_000 - (1_900_000_000_000 % W);
/** Window index of NOW: every scenario's "current" window. */
const CURRENT = NOW / W;
/** Ratios and proportional part high enough that a clause under test is the only one that can trip. */
const QUIET = { shortRatio: 1000, mediumRatio: 1000, longRatio: 1000, ceilingFraction: 1000, ceilingFloor: 1 };

function tracker(thresholds: Partial<AdmissionPressureThresholds> = {}, firstAdmissionMs?: number) {
  const events: AdmissionPressureEvent[] = [];
  const t = new AdmissionPressureTracker({ thresholds, onEvent: (event) => events.push(event), firstAdmissionMs });
  return { t, events, alarms: () => events.filter((e) => e.type === 'new_keyid_admission_alarm') };
}

let serial = 0;
/** `count` admissions of never-seen keyids in window `window`. */
function newKeyids(t: AdmissionPressureTracker, window: number, count: number): void {
  for (let i = 0; i < count; i += 1) t.record(`kid-${(serial += 1)}`, true, window * W + i);
}

describe('AdmissionPressureTracker', () => {
  it('stays quiet for 15 new keyids at a sparse verifier and raises clause (d) once past the floor of 20 (starting values)', () => {
    const { t, alarms } = tracker();
    for (let i = 0; i < 20; i += 1) t.record(`known-${i}`, false, NOW - DAY);
    newKeyids(t, CURRENT, 15);
    expect(alarms()).toEqual([]);
    newKeyids(t, CURRENT + 1, 25);
    expect(alarms()).toEqual([
      expect.objectContaining({ clause: 'd', clauses: ['d'], newKeyids: 21, threshold: 20, windowStartMs: (CURRENT + 1) * W }),
    ]);
  });

  it('(d) scales with the unique keyids seen over 30 days: 10% of 1,000 is a ceiling of 100', () => {
    const { t, alarms } = tracker({ ...QUIET, ceilingFraction: 0.1, ceilingFloor: 20 });
    for (let i = 0; i < 1000; i += 1) t.record(`known-${i}`, false, NOW - 10 * DAY);
    // Keyids last seen 30 days before the window no longer count.
    for (let i = 0; i < 500; i += 1) t.record(`stale-${i}`, false, NOW - 31 * DAY);
    newKeyids(t, CURRENT, 100);
    expect(alarms()).toEqual([]);
    newKeyids(t, CURRENT, 1);
    expect(alarms()).toEqual([expect.objectContaining({ clause: 'd', newKeyids: 101, threshold: 100, uniqueKeyids: 1000 })]);
  });

  it('(a) trips past its ratio to the 24-hour moving average', () => {
    const { t, events, alarms } = tracker({ ...QUIET, shortRatio: 3 });
    t.record('first', false, NOW - DAY);
    // 144 of the previous 288 windows carry 10 new keyids each: a moving average of 5 per window.
    for (let i = 0; i < 144; i += 1) newKeyids(t, CURRENT - 288 + 2 * i, 10);
    events.length = 0;
    newKeyids(t, CURRENT, 15);
    expect(alarms()).toEqual([]);
    newKeyids(t, CURRENT, 1);
    expect(alarms()).toEqual([expect.objectContaining({ clause: 'a', newKeyids: 16, threshold: 15 })]);
  });

  it('(b) trips past its ratio to the 30-day P95, where the 24-hour average has drifted up with a ramp', () => {
    const { t, events, alarms } = tracker({ ...QUIET, mediumRatio: 2 });
    t.record('first', false, (CURRENT - 8640) * W);
    // 500 of 8,640 windows (5.8 %) carry 10: the P95 window carries 10.
    for (let i = 0; i < 500; i += 1) newKeyids(t, CURRENT - 8640 + 17 * i, 10);
    events.length = 0;
    newKeyids(t, CURRENT, 20);
    expect(alarms()).toEqual([]);
    newKeyids(t, CURRENT, 1);
    expect(alarms()).toEqual([expect.objectContaining({ clause: 'b', newKeyids: 21, threshold: 20 })]);
  });

  it('(c) trips past its ratio to the 90-day P99', () => {
    const { t, events, alarms } = tracker({ ...QUIET, longRatio: 1.5 });
    t.record('first', false, (CURRENT - 25_920) * W);
    // 300 of 25,920 windows (1.16 %) carry 10: the P99 window carries 10.
    for (let i = 0; i < 300; i += 1) newKeyids(t, CURRENT - 25_920 + 80 * i, 10);
    events.length = 0;
    newKeyids(t, CURRENT, 15);
    expect(alarms()).toEqual([]);
    newKeyids(t, CURRENT, 1);
    expect(alarms()).toEqual([expect.objectContaining({ clause: 'c', newKeyids: 16, threshold: 15 })]);
  });

  it('names the first clause to trip and every clause tripping with it, once per window', () => {
    const { t, alarms } = tracker({ ceilingFloor: 2, shortRatio: 2, mediumRatio: 2, longRatio: 2, ceilingFraction: 0.01 });
    newKeyids(t, CURRENT, 10);
    expect(alarms().map((a) => (a.type === 'new_keyid_admission_alarm' ? [a.clause, a.clauses, a.newKeyids] : []))).toEqual([
      ['d', ['d'], 3],
      ['a', ['a', 'b', 'c'], 5],
    ]);
    // The next window has a baseline of 10 per window: (a)-(c) sit at 20, (d) alone trips again.
    newKeyids(t, CURRENT + 1, 5);
    expect(alarms()).toHaveLength(3);
    expect(alarms()[2]).toMatchObject({ clause: 'd', clauses: ['d'], windowStartMs: (CURRENT + 1) * W });
  });

  it('ignores admissions of keyids that already had a live entry', () => {
    const { t, alarms } = tracker();
    for (let i = 0; i < 100; i += 1) t.record('busy-signer', false, NOW + i);
    expect(alarms()).toEqual([]);
  });

  it('emits threshold_tuning_overdue 30 days past the first admission while any threshold is at its starting value, daily', () => {
    const { t, events } = tracker({ shortRatio: 4 });
    t.record('k', false, NOW);
    t.record('k', false, NOW + 30 * DAY);
    expect(events).toEqual([]);
    t.record('k', false, NOW + 30 * DAY + 1);
    const untuned = Object.keys(STARTING_THRESHOLDS).filter((name) => name !== 'shortRatio');
    expect(events).toEqual([{ type: 'threshold_tuning_overdue', untuned, firstAdmissionMs: NOW }]);
    t.record('k', false, NOW + 30 * DAY + 3_600_000);
    expect(events).toHaveLength(1);
    t.record('k', false, NOW + 31 * DAY + 2);
    expect(events).toHaveLength(2);
  });

  it('counts the 30 days from a first admission carried over from an earlier run, and never once every threshold is tuned', () => {
    const carried = tracker({}, NOW - 31 * DAY);
    carried.t.record('k', false, NOW);
    expect(carried.events.map((e) => e.type)).toEqual(['threshold_tuning_overdue']);
    const tuned = Object.fromEntries(
      Object.entries(STARTING_THRESHOLDS).map(([name, value]) => [name, name.endsWith('Percentile') ? value - 1 : value * 1.1]),
    );
    const all = tracker(tuned, NOW - 90 * DAY);
    all.t.record('k', false, NOW);
    expect(all.events).toEqual([]);
  });

  it('survives an event sink that throws', () => {
    const t = new AdmissionPressureTracker({
      thresholds: { ceilingFloor: 1 },
      onEvent: () => {
        throw new Error('pager down');
      },
    });
    expect(() => newKeyids(t, CURRENT, 5)).not.toThrow();
  });

  it('rejects a threshold that is not a positive number, naming it', () => {
    const error = (() => {
      try {
        return new AdmissionPressureTracker({ thresholds: { mediumPercentile: 120 }, onEvent: () => undefined });
      } catch (caught) {
        return caught;
      }
    })();
    expect(isAdcpError(error, 'ADCP_RECEIVER_STORE_INVALID_CONFIG')).toBe(true);
    expect(String((error as Error).message)).toContain('mediumPercentile');
  });
});

describe('thresholdsFromEnv', () => {
  it('reads each tuned threshold from its variable and leaves the others out', () => {
    expect(thresholdsFromEnv({ [THRESHOLD_ENV.ceilingFloor]: '35', [THRESHOLD_ENV.shortRatio]: '4.5', UNRELATED: '1' })).toEqual({
      ceilingFloor: 35,
      shortRatio: 4.5,
    });
  });

  it('names the variable of a value that is not a positive number', () => {
    expect(() => thresholdsFromEnv({ [THRESHOLD_ENV.longRatio]: 'lots' })).toThrow(/ADCP_NEW_KEYID_LONG_RATIO/);
  });
});

describe('withAdmissionTracking', () => {
  it('feeds the store’s newKeyid flags to the tracker: 25 signers’ first entries trip (d); their later entries and replays do not count', async () => {
    const { t, alarms } = tracker();
    const store = withAdmissionTracking(new MemoryNonceStore(), t);
    const now = NOW / 1000;
    for (let i = 0; i < 20; i += 1) {
      await store.admit({ keyid: `seller-${i}`, nonce: 'n1', scope: '', expiresAt: now + 300, now });
      await store.admit({ keyid: `seller-${i}`, nonce: 'n2', scope: '', expiresAt: now + 300, now });
      await store.admit({ keyid: `seller-${i}`, nonce: 'n1', scope: '', expiresAt: now + 300, now });
    }
    expect(alarms()).toEqual([]);
    await store.admit({ keyid: 'seller-20', nonce: 'n1', scope: '', expiresAt: now + 300, now });
    expect(alarms()).toEqual([expect.objectContaining({ clause: 'd', newKeyids: 21 })]);
    await store.close();
  });
});
