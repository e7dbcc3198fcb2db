// A DeliveryClock for tests: retry timers fire on the next macrotask and move time forward by the
// delay they asked for, so a day of backoff runs instantly. Every requested delay is recorded.
import type { DeliveryClock } from '../../../src/runtime/delivery/clock.js';

export interface InstantClock extends DeliveryClock {
  /** Delays passed to setTimer, in order (cancelled ones included). */
  readonly delays: number[];
  advance(ms: number): void;
}

export function createInstantClock(start = Date.UTC(2026, 10, 26, 12, 0, 0)): InstantClock {
  let now = start;
  const delays: number[] = [];
  return {
    delays,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    setTimer(callback, delayMs) {
      delays.push(delayMs);
      let cancelled = false;
      const fireAt = now + delayMs;
      setImmediate(() => {
        if (cancelled) return;
        now = Math.max(now, fireAt);
        callback();
      });
      return () => {
        cancelled = true;
      };
    },
  };
}
