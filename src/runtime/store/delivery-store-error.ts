// The one error type the durable stores throw. `code` says what went wrong in a way a caller can
// branch on; `message` names the cause for a human, never the credentials or query of a store URL.
import { redactUrl } from '../logging/logger.js';

export type DeliveryStoreErrorCode =
  /** The store URL or an option is malformed, or names an unknown kind of store. */
  | 'invalid_config'
  /** The file or database could not be opened (missing directory, permissions, unknown database). */
  | 'cannot_open'
  /** The store is readable but refuses writes (read-only file or database). */
  | 'read_only'
  /** The file exists but is not a SQLite database, or the schema is not ours. */
  | 'not_a_database'
  /** The database server refused or dropped the connection. */
  | 'unreachable'
  /** The server did not answer within the configured bound. */
  | 'timeout'
  /** The store was closed. */
  | 'closed'
  /** A stored body is encrypted under a key the keyring does not hold, or does not verify. */
  | 'decryption_failed'
  /** Anything else the database reported. */
  | 'failed';

export class DeliveryStoreError extends Error {
  constructor(
    readonly code: DeliveryStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryStoreError';
  }
}

/** `postgres://host:port/db` without userinfo, query or fragment: safe to put in a message. */
export function describeStoreUrl(url: string): string {
  return url.startsWith('sqlite:') || url.startsWith('memory:') ? url : redactUrl(url, { showPath: true }); // the path of a store URL names a database, not a secret
}
