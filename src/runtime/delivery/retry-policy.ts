// When to try a webhook again. Exponential backoff with jitter, `Retry-After` honoured, bounded
// by an attempt count and by a horizon measured from the delivery's creation (receivers dedupe
// idempotency keys for at least 24 h; publishers should not retry beyond that — building/by-layer/
// L3/webhooks.mdx "Reliability" › "Dedup by `idempotency_key`").
import { DeliveryConfigError } from './errors.js';

/**
 * When to try a webhook again: exponential backoff with jitter, `Retry-After` honoured, bounded by an attempt
 * count and a horizon from the delivery's creation (receivers dedupe idempotency keys for at least 24 h:
 * webhooks.mdx "Dedup by `idempotency_key`"). Defaults in {@link DEFAULT_RETRY_POLICY}.
 */
export interface RetryPolicy {
  /** Most attempts per delivery, the first included. Default 8. */
  readonly maxAttempts: number;
  /** Delay before the 2nd attempt; doubles each time. Default 1,000 ms. */
  readonly baseDelayMs: number;
  /** Largest backoff delay. Default 60,000 ms. */
  readonly maxDelayMs: number;
  /**
   * Share of each delay that is randomized, 0..1: the delay is drawn from
   * [delay × (1 − jitter), delay]. 1 is "full jitter", 0 none. Default 0.25.
   */
  readonly jitter: number;
  /** Largest `Retry-After` honoured; longer requests are cut to this. Default 600,000 ms (10 min). */
  readonly maxRetryAfterMs: number;
  /** No attempt starts later than this after the delivery was created. Default 24 h. */
  readonly horizonMs: number;
}

/**
 * The default retry policy: 8 attempts, 1 s base delay doubling to at most 60 s, 25 % jitter, `Retry-After` up to
 * 10 min, and a 24 h horizon.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 8,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
  jitter: 0.25,
  maxRetryAfterMs: 600_000,
  horizonMs: 24 * 60 * 60 * 1_000,
});

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...definedOnly(overrides) };
  assertPositiveInteger('maxAttempts', policy.maxAttempts);
  assertNonNegative('baseDelayMs', policy.baseDelayMs);
  assertNonNegative('maxDelayMs', policy.maxDelayMs);
  assertNonNegative('maxRetryAfterMs', policy.maxRetryAfterMs);
  assertNonNegative('horizonMs', policy.horizonMs);
  if (!(policy.jitter >= 0 && policy.jitter <= 1)) throw new DeliveryConfigError('retry.jitter must be between 0 and 1');
  return Object.freeze(policy);
}

/** Backoff before attempt `completedAttempts + 1`, given `random` in [0, 1). */
export function backoffDelayMs(policy: RetryPolicy, completedAttempts: number, random: number): number {
  const exponent = Math.min(Math.max(completedAttempts - 1, 0), 52);
  const delay = Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
  return Math.round(delay * (1 - policy.jitter * random));
}

/**
 * The delay a `Retry-After` header asks for (delta-seconds or an HTTP-date), in ms, capped by the
 * policy; undefined when absent or unparseable.
 */
export function retryAfterDelayMs(value: string | undefined, nowMs: number, policy: RetryPolicy): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  let delay: number;
  if (/^\d+$/.test(trimmed)) {
    delay = Number(trimmed) * 1_000;
  } else {
    // HTTP-date in any of its three forms starts with a day name ("Sun, 06 Nov 1994 08:49:37 GMT").
    const at = /^[A-Za-z]{3}/.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
    if (Number.isNaN(at)) return undefined;
    delay = Math.max(at - nowMs, 0);
  }
  return Math.min(delay, policy.maxRetryAfterMs);
}

export type RetryDecision = { readonly retry: true; readonly at: number } | { readonly retry: false };

/** Whether a retryable failure after `completedAttempts` gets another attempt, and when. */
export function decideRetry(input: {
  readonly policy: RetryPolicy;
  readonly completedAttempts: number;
  readonly createdAt: number;
  readonly now: number;
  readonly retryAfterMs: number | undefined;
  readonly random: number;
}): RetryDecision {
  const { policy, completedAttempts, now } = input;
  if (completedAttempts >= policy.maxAttempts) return { retry: false };
  const backoff = backoffDelayMs(policy, completedAttempts, input.random);
  const at = now + Math.max(backoff, input.retryAfterMs ?? 0);
  return at <= input.createdAt + policy.horizonMs ? { retry: true, at } : { retry: false };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function assertPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new DeliveryConfigError(`retry.${name} must be a positive integer`);
}

function assertNonNegative(name: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) throw new DeliveryConfigError(`retry.${name} must be a finite number >= 0`);
}
