// The INVALID_REQUEST error shape (core/error.json: code + message, with field and recovery) a
// seller returns when it refuses a `push_notification_config`. Messages name the field and the
// rule, never the value: tokens and URL query strings must not travel into logs or responses.

/**
 * The `INVALID_REQUEST` error (core/error.json: `code`, `message`, `field`, `recovery`) a seller
 * returns when it refuses a `push_notification_config`. `recovery` is always `correctable`: the buyer
 * fixes the field and resends. `message` names the field and the rule, never the value.
 */
export interface InvalidRequestError {
  readonly code: 'INVALID_REQUEST';
  readonly message: string;
  /** Dotted path of the offending field, e.g. `push_notification_config.url`. */
  readonly field: string;
  /** core/error.json `recovery`: fix the request and resend. */
  readonly recovery: 'correctable';
}

/**
 * Builds an `InvalidRequestError` (core/error.json) for `field`, a dotted path such as
 * `push_notification_config.url`. `message` must not carry the offending value: tokens and URL query
 * strings must not reach logs or responses.
 */
export function invalidRequest(field: string, message: string): InvalidRequestError {
  return { code: 'INVALID_REQUEST', message, field, recovery: 'correctable' };
}
