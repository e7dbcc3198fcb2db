// The one error type the delivery stores throw, and its closed set of codes.
import { AdcpError } from '../errors/adcp-error.js';
import { redactUrl } from '../logging/logger.js';

/**
 * What went wrong in a delivery store, one of the `ADCP_STORE_*` codes of `ADCP_ERROR_CODES`.
 * A closed set: a caller may switch on it.
 */
export type DeliveryStoreErrorCode =
  /** The store URL or an option is malformed, or names an unknown kind of store. */
  | 'ADCP_STORE_INVALID_CONFIG'
  /** The store needs a database driver package (better-sqlite3, pg) that is not installed. */
  | 'ADCP_STORE_MISSING_DRIVER'
  /** The file or database could not be opened (missing directory, permissions, unknown database). */
  | 'ADCP_STORE_CANNOT_OPEN'
  /** The store is readable but refuses writes (read-only file or database). */
  | 'ADCP_STORE_READ_ONLY'
  /** The file exists but is not a SQLite database, or the schema or a stored row is not ours. */
  | 'ADCP_STORE_NOT_A_DATABASE'
  /** The database server refused or dropped the connection. */
  | 'ADCP_STORE_UNREACHABLE'
  /** The server did not answer within the configured bound. */
  | 'ADCP_STORE_TIMEOUT'
  /** The store was closed. */
  | 'ADCP_STORE_CLOSED'
  /** The in-memory store holds its maximum of active deliveries. */
  | 'ADCP_STORE_FULL'
  /** No delivery with that id exists. */
  | 'ADCP_STORE_UNKNOWN_DELIVERY'
  /** A stored body is encrypted under a key the keyring does not hold, or does not verify. */
  | 'ADCP_STORE_DECRYPTION_FAILED'
  /** Anything else the database reported. */
  | 'ADCP_STORE_FAILED';

/** Every {@link DeliveryStoreErrorCode}, for validation and exhaustive tests. */
export const DELIVERY_STORE_ERROR_CODES: readonly DeliveryStoreErrorCode[] = Object.freeze([
  'ADCP_STORE_INVALID_CONFIG',
  'ADCP_STORE_MISSING_DRIVER',
  'ADCP_STORE_CANNOT_OPEN',
  'ADCP_STORE_READ_ONLY',
  'ADCP_STORE_NOT_A_DATABASE',
  'ADCP_STORE_UNREACHABLE',
  'ADCP_STORE_TIMEOUT',
  'ADCP_STORE_CLOSED',
  'ADCP_STORE_FULL',
  'ADCP_STORE_UNKNOWN_DELIVERY',
  'ADCP_STORE_DECRYPTION_FAILED',
  'ADCP_STORE_FAILED',
]);

/**
 * The error every delivery store (memory, SQLite, PostgreSQL) and `openDeliveryStore` throw.
 * `code` says what went wrong in a way a caller can branch on; `message` names the cause for a
 * human, never the credentials or query of a store URL.
 */
export class DeliveryStoreError<C extends DeliveryStoreErrorCode = DeliveryStoreErrorCode> extends AdcpError<C> {}

/** `postgres://host:port/db` without userinfo, query or fragment: safe to put in a message. */
export function describeStoreUrl(url: string): string {
  return url.startsWith('sqlite:') || url.startsWith('memory:') ? url : redactUrl(url, { showPath: true }); // the path of a store URL names a database, not a secret
}
