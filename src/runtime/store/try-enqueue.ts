// The request path's view of the outbox: one durable write, bounded in time, that never throws.
// A caller answering a buyer synchronously gets `accepted: false` — a typed refusal it can turn into
// an error response — instead of an exception or a request that hangs on a dead database.
import type { DeliveryStore, NewDelivery } from './delivery-store.js';
import { DeliveryStoreError, type DeliveryStoreErrorCode } from './delivery-store-error.js';

export const DEFAULT_ENQUEUE_TIMEOUT_MS = 2000;

export type EnqueueOutcome =
  | { readonly accepted: true; readonly id: string; readonly idempotencyKey: string }
  | {
      readonly accepted: false;
      readonly reason: 'store_unavailable';
      /** The store's error code (`ADCP_STORE_UNREACHABLE`, `ADCP_STORE_TIMEOUT`, `ADCP_STORE_READ_ONLY`, …). */
      readonly code: DeliveryStoreErrorCode;
      /** Names the cause; never credentials. */
      readonly message: string;
    };

/**
 * Enqueues `delivery`, giving up after `timeoutMs`. A refusal means "not known to be durable": the
 * write may still land later (enqueue is idempotent by id, so retrying with the same delivery is safe).
 */
export async function tryEnqueue(
  store: DeliveryStore,
  delivery: NewDelivery,
  options: { timeoutMs?: number } = {},
): Promise<EnqueueOutcome> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ENQUEUE_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DeliveryStoreError('ADCP_STORE_TIMEOUT', `the delivery store did not confirm the enqueue within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([store.enqueue(delivery), timedOut]);
    return { accepted: true, id: delivery.id, idempotencyKey: delivery.idempotencyKey };
  } catch (error) {
    return refusal(error);
  } finally {
    clearTimeout(timer);
  }
}

function refusal(error: unknown): EnqueueOutcome {
  return {
    accepted: false,
    reason: 'store_unavailable',
    code: error instanceof DeliveryStoreError ? error.code : 'ADCP_STORE_FAILED',
    message: error instanceof Error ? error.message : 'the delivery store failed',
  };
}
