// Maps what `pg` and the network report to a DeliveryStoreError. Messages name the server as
// `postgres://host:port/db` — never the user, password or query of the connection string — and
// authentication failures get a fixed text (the server's own names the user).
import { DeliveryStoreError, describeStoreUrl, type DeliveryStoreErrorCode } from './delivery-store-error.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

export function postgresError(error: unknown, connectionString: string): DeliveryStoreError {
  if (error instanceof DeliveryStoreError) return error;
  const where = `PostgreSQL delivery store ${describeStoreUrl(connectionString)}`;
  if (error instanceof TypeError) {
    // Connection-string parsing: the original error carries the whole string (password included).
    return new DeliveryStoreError('ADCP_STORE_INVALID_CONFIG', `${where}: the connection string is not valid`);
  }
  const [code, detail] = classify(error);
  return new DeliveryStoreError(code, `${where}: ${detail}`, { cause: error });
}

function classify(error: unknown): [DeliveryStoreErrorCode, string] {
  const rawCode = (error as { code?: unknown } | null)?.code;
  const sqlState = typeof rawCode === 'string' ? rawCode : '';
  const networkCode = networkCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (networkCode === 'ETIMEDOUT' || /timeout/i.test(message)) return ['ADCP_STORE_TIMEOUT', `no answer in time (${message})`];
  if (networkCode !== undefined) return ['ADCP_STORE_UNREACHABLE', `server unreachable (${networkCode})`];
  if (/Connection terminated/i.test(message)) return ['ADCP_STORE_UNREACHABLE', `connection lost (${message})`];
  if (/after calling end on the pool|not queryable/i.test(message)) return ['ADCP_STORE_CLOSED', 'the store is closed'];
  switch (true) {
    case sqlState === '28P01' || sqlState === '28000':
      return ['ADCP_STORE_CANNOT_OPEN', 'authentication failed'];
    case sqlState === '3D000':
      return ['ADCP_STORE_CANNOT_OPEN', 'the database does not exist'];
    case sqlState === '42501':
      return ['ADCP_STORE_CANNOT_OPEN', `permission denied (${message})`];
    case sqlState === '25006':
      return ['ADCP_STORE_READ_ONLY', `the server is read-only (${message})`];
    case sqlState === '57014':
      return ['ADCP_STORE_TIMEOUT', `statement cancelled (${message})`];
    case sqlState.startsWith('08') || sqlState.startsWith('57P') || sqlState === '53300':
      return ['ADCP_STORE_UNREACHABLE', `server not accepting work (${message}, SQLSTATE ${sqlState})`];
    case /^[0-9A-Z]{5}$/.test(sqlState):
      return ['ADCP_STORE_FAILED', `${message} (SQLSTATE ${sqlState})`];
    default:
      return ['ADCP_STORE_FAILED', message];
  }
}

/** Node reports a refused dual-stack connect as an AggregateError whose members carry the code. */
function networkCodeOf(error: unknown): string | undefined {
  const candidates = [error, ...((error as { errors?: unknown[] } | null)?.errors ?? [])];
  for (const candidate of candidates) {
    const code = (candidate as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || code === 'ETIMEDOUT')) return code;
  }
  return undefined;
}
