// One store URL selects the outbox everywhere (API and CLI):
//   memory:                         in-process, lost on exit (tests, development)
//   sqlite:<path>[?table_prefix=p&synchronous=normal|full]   embedded, one host
//   postgres://…[?table_prefix=p&schema=s]                   shared by many replicas
// `table_prefix` and `schema` are read by us and removed before the URL reaches `pg`; every other
// query parameter (sslmode, …) is passed through. Explicit options win over URL parameters.
import type { DeliveryStore } from './delivery-store.js';
import { DeliveryStoreError, describeStoreUrl } from './delivery-store-error.js';
import type { PostgresDeliveryStoreOptions, SqliteDeliveryStoreOptions } from './store-options.js';

/** Options of {@link openDeliveryStore}: those of the SQLite and PostgreSQL stores; each store reads its own. */
export interface OpenDeliveryStoreOptions extends SqliteDeliveryStoreOptions, PostgresDeliveryStoreOptions {}

/** Opens the store a URL names; rejects with a DeliveryStoreError naming the cause (never credentials). */
export async function openDeliveryStore(url: string, options: OpenDeliveryStoreOptions = {}): Promise<DeliveryStore> {
  if (url === 'memory:') {
    const { createMemoryDeliveryStore } = await import('./memory-store.js');
    return createMemoryDeliveryStore();
  }
  if (url.startsWith('sqlite:')) {
    const { path, params } = parseSqliteUrl(url);
    const { openSqliteDeliveryStore } = await withDriver('better-sqlite3', () => import('./sqlite-store.js'));
    return openSqliteDeliveryStore(path, { ...params, ...options });
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const { connectionString, params } = parsePostgresUrl(url);
    const { openPostgresDeliveryStore } = await withDriver('pg', () => import('./postgres-store.js'));
    return openPostgresDeliveryStore(connectionString, { ...params, ...options });
  }
  throw new DeliveryStoreError(
    'ADCP_STORE_INVALID_CONFIG',
    `unknown delivery store ${JSON.stringify(describeStoreUrl(url))}: expected memory:, sqlite:<path> or postgres://…`,
  );
}

/**
 * The drivers are optional at install time (a skipped native build must not break users of the
 * memory store): they load only here, and a missing one is a typed error naming the package.
 */
async function withDriver<T>(driver: 'better-sqlite3' | 'pg', load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(driver);
    if (!missing) throw error;
    throw new DeliveryStoreError('ADCP_STORE_MISSING_DRIVER', `this store needs the package ${driver}, which is not installed (npm install ${driver})`);
  }
}

function parseSqliteUrl(url: string): { path: string; params: SqliteDeliveryStoreOptions } {
  const rest = url.slice('sqlite:'.length);
  const queryAt = rest.indexOf('?');
  const rawPath = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const path = rawPath.startsWith('///') ? rawPath.slice(2) : rawPath;
  if (path === '' || path.startsWith('//')) {
    throw new DeliveryStoreError('ADCP_STORE_INVALID_CONFIG', `SQLite store URL needs a file path: sqlite:<path> (got ${JSON.stringify(url)})`);
  }
  const query = new URLSearchParams(queryAt === -1 ? '' : rest.slice(queryAt + 1));
  const params: { tablePrefix?: string; synchronous?: 'normal' | 'full' } = {};
  for (const [name, value] of query) {
    if (name === 'table_prefix') params.tablePrefix = value;
    else if (name === 'synchronous' && (value === 'normal' || value === 'full')) params.synchronous = value;
    else throw new DeliveryStoreError('ADCP_STORE_INVALID_CONFIG', `unknown SQLite store URL parameter ${JSON.stringify(name)}`);
  }
  return { path, params };
}

function parsePostgresUrl(url: string): { connectionString: string; params: PostgresDeliveryStoreOptions } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DeliveryStoreError('ADCP_STORE_INVALID_CONFIG', 'PostgreSQL store URL is not a valid URL');
  }
  const params: { tablePrefix?: string; schema?: string } = {};
  const tablePrefix = parsed.searchParams.get('table_prefix');
  const schema = parsed.searchParams.get('schema');
  if (tablePrefix !== null) params.tablePrefix = tablePrefix;
  if (schema !== null) params.schema = schema;
  parsed.searchParams.delete('table_prefix');
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), params };
}
