// Time as the retry scheduler sees it. Injectable so tests can run a day of backoff instantly.
// (Per-attempt network timeouts always use real timers: they bound real sockets.)

/**
 * Time as the retry scheduler sees it (`now` and `setTimeout`). Default: the system clock; inject one to run backoff
 * schedules instantly in tests. Per-attempt network timeouts always use real timers.
 */
export interface DeliveryClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once after `delayMs`; returns a function that cancels it. */
  setTimer(callback: () => void, delayMs: number): () => void;
}

/** setTimeout's largest delay; longer waits are re-armed by the caller's next wake-up. */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: DeliveryClock = {
  now: () => Date.now(),
  setTimer(callback, delayMs) {
    const timer = setTimeout(callback, Math.min(Math.max(delayMs, 0), MAX_TIMER_MS));
    return () => clearTimeout(timer);
  },
};
