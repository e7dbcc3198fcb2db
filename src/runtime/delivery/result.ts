// What every delivery ends in, whether it was refused at the door or tried a hundred times.
import type { DeliveryErrorClass } from './error-class.js';

/**
 * The final outcome of one delivery: delivered or not, attempts made, the last HTTP status and, when it failed,
 * its error class and a fixed message free of network details and secrets.
 */
export interface DeliveryResult {
  readonly deliveryId: string;
  /** The envelope's `idempotency_key` (every attempt carried the same one). */
  readonly idempotencyKey: string;
  readonly delivered: boolean;
  /** Attempts that reached the network stage (0 when refused before sending). */
  readonly attempts: number;
  /** HTTP status of the last attempt that got one. */
  readonly finalStatus?: number;
  /** Why the delivery did not succeed; absent when delivered. */
  readonly errorClass?: DeliveryErrorClass;
  /** A fixed, human message for `errorClass`; never contains network internals or secrets. */
  readonly errorMessage?: string;
  /** True when the last failure was retryable but attempts or the retry horizon ran out. */
  readonly retriesExhausted?: boolean;
  readonly labels?: Readonly<Record<string, string>>;
}

/** Receives every DeliveryResult; must not throw (errors it throws are logged and ignored). */
export type DeliveryObserver = (result: DeliveryResult) => void;
