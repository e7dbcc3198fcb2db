// Errors of the delivery runtime. Configuration errors reach the caller when a delivery runtime or
// outbox is created; the abort reasons below are handed to undici and never reach a caller (the
// attempt is reported through its error class instead).
import { AdcpError } from '../errors/adcp-error.js';

/**
 * A delivery, retry or outbox option is out of range (a non-positive concurrency, a jitter outside
 * [0, 1], a lease no longer than the attempt timeout), or a required option is missing. Thrown by
 * `createWebhookDelivery`, `createDurableOutbox` and the delivery worker when they are created.
 * Code `ADCP_DELIVERY_CONFIG_INVALID`.
 */
export class DeliveryConfigError extends AdcpError<'ADCP_DELIVERY_CONFIG_INVALID'> {
  constructor(message: string) {
    super('ADCP_DELIVERY_CONFIG_INVALID', message);
  }
}

/** Abort reason of an attempt past its deadline; classified as error class `timeout`. */
export class AttemptTimeoutError extends AdcpError<'ADCP_DELIVERY_ATTEMPT_TIMEOUT'> {
  constructor(message: string) {
    super('ADCP_DELIVERY_ATTEMPT_TIMEOUT', message);
  }
}

/** Abort reason when the receiver's response body passes the read limit (the status already counts). */
export class ResponseBodyLimitError extends AdcpError<'ADCP_DELIVERY_RESPONSE_TOO_LARGE'> {
  constructor(message: string) {
    super('ADCP_DELIVERY_RESPONSE_TOO_LARGE', message);
  }
}
