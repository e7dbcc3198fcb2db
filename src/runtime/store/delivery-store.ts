// The delivery store: where a webhook delivery's state lives between attempts. The sender and the
// retry loop only talk to this interface, so the in-memory store can be swapped for a durable one
// (SQLite, PostgreSQL) without touching them.
//
// A record holds everything needed to send the exact same bytes again, and nothing secret:
// never a signature, a token in a header, an HMAC secret or a private key. Signing material is
// named by `signing` (mode + key id / credential reference) and resolved by the worker at send time.

import type { DeliveryErrorClass } from '../delivery/error-class.js';

/** Where a delivery stands: waiting, leased to a worker, or settled one way or the other. */
export type DeliveryStatus = 'pending' | 'in_flight' | 'delivered' | 'failed';

/** Every {@link DeliveryStatus}. */
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = Object.freeze(['pending', 'in_flight', 'delivered', 'failed'] as const);

/** Every `SigningDescriptor['mode']`. */
export const SIGNING_MODES: readonly SigningDescriptor['mode'][] = Object.freeze(['rfc9421', 'hmac-sha256', 'bearer', 'none'] as const);

/** How each attempt of this delivery is signed. Resolved to real key material at send time. */
export type SigningDescriptor =
  | { readonly mode: 'rfc9421'; readonly keyId: string }
  | { readonly mode: 'hmac-sha256'; readonly credentialRef: string }
  | { readonly mode: 'bearer'; readonly credentialRef: string }
  | { readonly mode: 'none' };

/**
 * One delivery as it is enqueued: id, idempotency key, URL, the exact body bytes, how to sign it (a descriptor,
 * never key material), when to try first and optional non-secret labels.
 */
export interface NewDelivery {
  /** Unique id of this delivery (the store's primary key). */
  readonly id: string;
  /** The envelope's `idempotency_key`, repeated on every attempt. */
  readonly idempotencyKey: string;
  /** Destination URL, as registered by the buyer. */
  readonly url: string;
  /** The exact serialized envelope; every attempt sends these bytes. */
  readonly body: Uint8Array;
  readonly signing: SigningDescriptor;
  /** Epoch milliseconds of the first attempt (usually now). */
  readonly nextAttemptAt: number;
  /** Free-form, non-secret labels (task type, operation id) useful for operations. */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A stored delivery: the enqueued fields plus its status, attempts, timestamps, the last HTTP status and error
 * class, and the lease while a worker holds it.
 */
export interface DeliveryRecord extends NewDelivery {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastHttpStatus?: number;
  /** The error class of the last failed attempt, e.g. `timeout`, `http_5xx`, `ssrf_blocked`. */
  readonly lastErrorClass?: DeliveryErrorClass;
  /** Worker holding the lease while `status === 'in_flight'`. */
  readonly leaseOwner?: string;
  readonly leaseExpiresAt?: number;
}

/** What one attempt ended with, as a worker records it: attempts so far, the HTTP status and the error class. */
export interface AttemptOutcome {
  readonly attempts: number;
  readonly httpStatus?: number;
  readonly errorClass?: DeliveryErrorClass;
  /**
   * The worker that claimed the delivery. When given, the mark applies only while that worker still
   * holds the lease: a replica whose lease expired (and was taken over) cannot overwrite the outcome
   * of the replica that now owns the row.
   */
  readonly leaseOwner?: string;
}

/** Arguments of `DeliveryStore.claimDue`: the time, how many rows, the lease length and the claiming worker. */
export interface ClaimOptions {
  readonly now: number;
  readonly limit: number;
  readonly leaseMs: number;
  readonly workerId: string;
  /**
   * Claim only deliveries whose signing descriptor equals one of these (mode and key id /
   * credential ref). For a worker that can sign only some deliveries (the CLI with one JWK): the
   * others stay untouched for a worker that holds their credentials. Absent: claim any.
   */
  readonly signing?: readonly SigningDescriptor[];
}

/** Filter of `DeliveryStore.list`: by status, and at most `limit` records. */
export interface ListQuery {
  readonly status?: DeliveryStatus;
  readonly limit?: number;
}

/**
 * Where delivery state lives between attempts: memory (`memory:`), SQLite (`sqlite:<path>`) or PostgreSQL
 * (`postgres://…`), opened by `openDeliveryStore`. Records never hold a signature, token, secret or private key.
 * Methods reject with `DeliveryStoreError` (codes `ADCP_STORE_*`).
 */
export interface DeliveryStore {
  /**
   * One durable write; after it resolves the delivery survives a crash (for durable stores).
   * Idempotent by `id`: enqueueing an id that exists leaves the first record as it is, so a caller
   * may retry an enqueue whose outcome it does not know.
   */
  enqueue(delivery: NewDelivery): Promise<void>;
  /**
   * Leases up to `limit` deliveries that are due at `now` (pending with nextAttemptAt <= now, or
   * in flight with an expired lease) to `workerId` until `now + leaseMs`, earliest `nextAttemptAt`
   * first. Never hands one row to two claimers whose leases overlap. `attempts` is left unchanged.
   */
  claimDue(options: ClaimOptions): Promise<DeliveryRecord[]>;
  markDelivered(id: string, outcome: AttemptOutcome, now: number): Promise<void>;
  /** Releases the lease and schedules the next attempt. */
  markRetry(id: string, outcome: AttemptOutcome, nextAttemptAt: number, now: number): Promise<void>;
  markFailed(id: string, outcome: AttemptOutcome, now: number): Promise<void>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  list(query?: ListQuery): Promise<DeliveryRecord[]>;
  /**
   * Makes a failed (or pending) delivery due again at `now` with a fresh attempt budget
   * (`attempts` back to 0); returns false when the id is unknown or the delivery is delivered or
   * in flight.
   */
  redrive(id: string, now: number): Promise<boolean>;
  /** Deletes delivered and failed records last updated before `olderThan`; returns how many. */
  prune(olderThan: number): Promise<number>;
  close(): Promise<void>;
  /**
   * Optional: calls `listener` soon after a delivery is enqueued (in this process; for PostgreSQL by
   * any process sharing the outbox), so a worker can wake before its next poll. Returns an
   * unsubscribe function. Polling stays the safety net: a missed wake-up only delays delivery.
   */
  onEnqueue?(listener: () => void): () => void;
}
