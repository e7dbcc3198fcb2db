// The INVALID_REQUEST error shape (core/error.json: code + message, with field and recovery) a
// seller returns when it refuses a `push_notification_config`. Messages name the field and the
// rule, never the value: tokens and URL query strings must not travel into logs or responses.

export interface InvalidRequestError {
  readonly code: 'INVALID_REQUEST';
  readonly message: string;
  /** Dotted path of the offending field, e.g. `push_notification_config.url`. */
  readonly field: string;
  readonly recovery: 'correctable';
}

export function invalidRequest(field: string, message: string): InvalidRequestError {
  return { code: 'INVALID_REQUEST', message, field, recovery: 'correctable' };
}
