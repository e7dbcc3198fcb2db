// The closed set of reasons a webhook attempt or delivery did not succeed, whether each is worth
// another attempt, and the fixed message a caller may show (never built from network details).

/**
 * The closed set of reasons a webhook attempt or delivery did not succeed. Network errors, timeouts, 429, 5xx and a
 * plain 401 are retried; everything else is terminal (webhooks.mdx "Reliability"; security.mdx "Retry semantics for
 * verification failures").
 */
export type DeliveryErrorClass =
  // refused before any network activity
  | 'invalid_url'
  | 'ssrf_blocked'
  | 'serialization_error'
  | 'invalid_payload'
  | 'payload_too_large'
  | 'queue_full'
  | 'closed'
  | 'store_error'
  // signing
  | 'signing_error'
  | 'signer_unavailable'
  // transport
  | 'dns_failure'
  | 'connect_timeout'
  | 'connect_error'
  | 'connection_reset'
  | 'tls_error'
  | 'timeout'
  | 'protocol_error'
  /** The receiver's response head overflowed the HTTP parser's limit: it answers the same every time. */
  | 'response_headers_too_large'
  | 'network_error'
  // HTTP responses that are not 2xx
  | 'redirect'
  | 'http_401'
  | 'signature_rejected'
  | 'http_409'
  | 'http_413'
  | 'http_429'
  | 'http_4xx'
  | 'http_5xx';

const RETRYABLE: ReadonlySet<DeliveryErrorClass> = new Set<DeliveryErrorClass>([
  'signer_unavailable',
  'dns_failure',
  'connect_timeout',
  'connect_error',
  'connection_reset',
  'tls_error',
  'timeout',
  'protocol_error',
  'network_error',
  'http_401',
  'http_429',
  'http_5xx',
]);

/**
 * Network errors, timeouts, 429, 5xx and a plain 401 are retried; everything else is terminal,
 * including a response head too large to parse (the receiver would send the same one again).
 */
export function isRetryable(errorClass: DeliveryErrorClass): boolean {
  return RETRYABLE.has(errorClass);
}

const MESSAGES: Readonly<Record<DeliveryErrorClass, string>> = {
  invalid_url: 'the webhook URL is not a valid https URL without credentials',
  ssrf_blocked: 'the webhook destination is not allowed',
  serialization_error: 'the webhook payload cannot be serialized to JSON',
  invalid_payload: 'the webhook payload is not a valid envelope',
  payload_too_large: 'the serialized webhook body is over the size limit',
  queue_full: 'the delivery queue is full',
  closed: 'the delivery runtime is closed',
  store_error: 'the delivery store failed',
  signing_error: 'the webhook could not be signed',
  signer_unavailable: 'no signer is available for this delivery',
  dns_failure: 'the webhook host name could not be resolved',
  connect_timeout: 'connecting to the webhook receiver timed out',
  connect_error: 'the webhook receiver could not be reached',
  connection_reset: 'the connection to the webhook receiver was reset',
  tls_error: 'the TLS handshake with the webhook receiver failed',
  timeout: 'the webhook receiver did not answer in time',
  protocol_error: 'the webhook receiver sent an invalid HTTP response',
  response_headers_too_large: 'the webhook receiver sent response headers over the size limit',
  network_error: 'a network error interrupted the delivery',
  redirect: 'the webhook receiver answered with a redirect, which is never followed',
  http_401: 'the webhook receiver answered 401',
  signature_rejected: 'the webhook receiver rejected the signature',
  http_409: 'the webhook receiver answered 409 (idempotency key conflict)',
  http_413: 'the webhook receiver answered 413 (payload too large)',
  http_429: 'the webhook receiver answered 429 (too many requests)',
  http_4xx: 'the webhook receiver refused the request (4xx)',
  http_5xx: 'the webhook receiver failed (5xx)',
};

export function messageFor(errorClass: DeliveryErrorClass): string {
  return MESSAGES[errorClass];
}

/** Every {@link DeliveryErrorClass}, in declaration order. */
export const DELIVERY_ERROR_CLASSES: readonly DeliveryErrorClass[] = Object.freeze(Object.keys(MESSAGES) as DeliveryErrorClass[]);

/** True when `value` is one of the {@link DELIVERY_ERROR_CLASSES} (e.g. a value read back from a store row). */
export function isDeliveryErrorClass(value: unknown): value is DeliveryErrorClass {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(MESSAGES, value);
}
