// What every receiver store backend shares: the replay-cache caps, the identifiers it accepts for
// table/key prefixes, and the one error type the backends throw.
import { AdcpError } from '../../errors/adcp-error.js';
import type { NonceAdmission } from '../store-contract.js';

/** Recommended per-keyid entry cap for the webhook replay cache (security.mdx "Webhook replay dedup sizing"). */
export const DEFAULT_PER_KEYID_CAP = 100_000;
/** Recommended aggregate entry cap across all signers: `min(memory budget, 10,000,000)` (same section). */
export const DEFAULT_AGGREGATE_CAP = 10_000_000;

/**
 * Caps of a {@link NonceStore} (building/by-layer/L1/security.mdx — "Webhook replay dedup sizing").
 * An admission that would exceed either is answered `rate_abuse`; nothing is ever evicted to make room.
 */
export interface NonceStoreLimits {
  /** Live entries one `keyid` may hold; default 100,000. */
  readonly perKeyidCap?: number;
  /** Live entries across every keyid; default 10,000,000 (size it to the memory budget). */
  readonly aggregateCap?: number;
}

export interface ResolvedLimits {
  readonly perKeyidCap: number;
  readonly aggregateCap: number;
}

/**
 * The `code` of a `ReceiverStoreError`: `ADCP_RECEIVER_STORE_INVALID_CONFIG` (an unusable cap, prefix
 * or store URL), `ADCP_RECEIVER_STORE_MISSING_DRIVER` (the backend's
 * optional driver package is not installed), `ADCP_RECEIVER_STORE_CLOSED` (work asked of a closed
 * store), `ADCP_RECEIVER_STORE_FAILED` (the backend failed or answered unexpectedly).
 */
export type ReceiverStoreErrorCode =
  | 'ADCP_RECEIVER_STORE_INVALID_CONFIG'
  | 'ADCP_RECEIVER_STORE_MISSING_DRIVER'
  | 'ADCP_RECEIVER_STORE_CLOSED'
  | 'ADCP_RECEIVER_STORE_FAILED';

/** The one error the receiver stores throw; `message` never carries credentials of a connection URL. */
export class ReceiverStoreError extends AdcpError<ReceiverStoreErrorCode> {}

export function resolveLimits(limits: NonceStoreLimits = {}): ResolvedLimits {
  const perKeyidCap = limits.perKeyidCap ?? DEFAULT_PER_KEYID_CAP;
  const aggregateCap = limits.aggregateCap ?? DEFAULT_AGGREGATE_CAP;
  assertCap('perKeyidCap', perKeyidCap);
  assertCap('aggregateCap', aggregateCap);
  return { perKeyidCap, aggregateCap };
}

function assertCap(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ReceiverStoreError('ADCP_RECEIVER_STORE_INVALID_CONFIG', `${name} must be a positive integer; got ${String(value)}`);
  }
}

/** Table and key prefixes become part of SQL identifiers and Redis key names: a closed alphabet. */
export function assertPrefix(prefix: string): void {
  if (!/^(?:[a-z_][a-z0-9_]{0,39})?$/.test(prefix)) {
    throw new ReceiverStoreError(
      'ADCP_RECEIVER_STORE_INVALID_CONFIG',
      `prefix must match ^[a-z_][a-z0-9_]{0,39}$ (or be empty); got ${JSON.stringify(prefix)}`,
    );
  }
}

export const DEFAULT_RECEIVER_PREFIX = 'adcp_recv_';

/** A closed store refuses work instead of reaching a released connection. */
export function closedError(backend: string): ReceiverStoreError {
  return new ReceiverStoreError('ADCP_RECEIVER_STORE_CLOSED', `the ${backend} receiver store is closed`);
}

/** The NonceAdmission a backend's one-word admission answer (SQL function or Lua script) stands for. */
export function admissionOf(outcome: unknown): NonceAdmission {
  switch (outcome) {
    case 'new':
      return { outcome: 'admitted', newKeyid: true };
    case 'admitted':
      return { outcome: 'admitted', newKeyid: false };
    case 'replayed':
      return { outcome: 'replayed' };
    case 'per_keyid':
    case 'aggregate':
      return { outcome: 'rate_abuse', cap: outcome };
    default:
      throw new ReceiverStoreError('ADCP_RECEIVER_STORE_FAILED', `unexpected admission outcome ${JSON.stringify(outcome)}`);
  }
}
