// One URL selects the receiver's replay cache and dedup store:
//   memory:                       one process (tests, a single-endpoint receiver)
//   sqlite:<path>                 every process on one host
//   postgres://… | postgresql://… a fleet
//   redis://… | rediss://…        a fleet
// The drivers load only here, on first use, so a receiver on memory stores needs none of them.
import type { EventDedupStore, NonceStore } from '../store-contract.js';
import { ReceiverStoreError, type NonceStoreLimits } from './limits.js';
import { redactUrl } from '../../logging/logger.js';

/** Options of {@link openReceiverStores}: the caps, plus the prefix of the tables or keys. */
export interface OpenReceiverStoresOptions extends NonceStoreLimits {
  /** Table prefix (SQLite, PostgreSQL) or key prefix (Redis); default `adcp_recv_`. */
  readonly prefix?: string;
}

/** The two stores a receiver keeps: `(keyid, nonce)` replay protection and event dedup. */
export interface ReceiverStores {
  readonly nonces: NonceStore;
  readonly dedup: EventDedupStore;
  close(): Promise<void>;
}

/**
 * Opens the replay cache (building/by-layer/L1/security.mdx — "Webhook callbacks" steps 12–13,
 * "Webhook replay dedup sizing") and the idempotency_key dedup store (building/by-layer/L3/webhooks.mdx
 * — "Reliability") that `url` names. For more than one endpoint or process, use a shared backend
 * (PostgreSQL or Redis): per-process memory is non-conformant there ("Cross-endpoint scoping").
 * Rejects with a {@link ReceiverStoreError} naming the cause, never the URL's credentials.
 */
export async function openReceiverStores(url: string, options: OpenReceiverStoresOptions = {}): Promise<ReceiverStores> {
  const [nonces, dedup] = await openPair(url, options);
  return {
    nonces,
    dedup,
    close: async () => {
      await Promise.all([nonces.close(), dedup.close()]);
    },
  };
}

async function openPair(url: string, options: OpenReceiverStoresOptions): Promise<[NonceStore, EventDedupStore]> {
  const limits = { perKeyidCap: options.perKeyidCap, aggregateCap: options.aggregateCap };
  if (url === 'memory:') {
    const { MemoryNonceStore, MemoryEventDedupStore } = await import('./memory.js');
    return [new MemoryNonceStore(limits), new MemoryEventDedupStore()];
  }
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path === '') throw new ReceiverStoreError('ADCP_RECEIVER_STORE_INVALID_CONFIG', 'SQLite receiver store URL needs a path: sqlite:<path>');
    const sqlite = await withDriver('better-sqlite3', () => import('./sqlite.js'));
    const sqliteOptions = { ...limits, tablePrefix: options.prefix };
    const nonces = sqlite.openSqliteNonceStore(path, sqliteOptions);
    return [nonces, sqlite.openSqliteEventDedupStore(path, sqliteOptions)];
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const postgres = await withDriver('pg', () => import('./postgres.js'));
    const pgOptions = { ...limits, tablePrefix: options.prefix };
    const nonces = await postgres.openPostgresNonceStore(url, pgOptions);
    return [nonces, await closeOnFailure(nonces, postgres.openPostgresEventDedupStore(url, pgOptions))];
  }
  if (url.startsWith('redis://') || url.startsWith('rediss://')) {
    const redis = await withDriver('ioredis', () => import('./redis.js'));
    const redisOptions = { ...limits, keyPrefix: options.prefix };
    const nonces = await redis.openRedisNonceStore(url, redisOptions);
    return [nonces, await closeOnFailure(nonces, redis.openRedisEventDedupStore(url, redisOptions))];
  }
  const shown = url.includes('://') ? redactUrl(url) : url.split(':')[0];
  throw new ReceiverStoreError(
    'ADCP_RECEIVER_STORE_INVALID_CONFIG',
    `unknown receiver store ${JSON.stringify(shown)}: expected memory:, sqlite:<path>, postgres://… or redis://…`,
  );
}

async function closeOnFailure<T>(opened: NonceStore, next: Promise<T>): Promise<T> {
  try {
    return await next;
  } catch (error) {
    await opened.close().catch(() => undefined);
    throw error;
  }
}

/** A driver missing at install time is one typed error naming the package to install. */
async function withDriver<T>(driver: 'better-sqlite3' | 'pg' | 'ioredis', load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing = (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(driver);
    if (!missing) throw error;
    throw new ReceiverStoreError(
      'ADCP_RECEIVER_STORE_MISSING_DRIVER',
      `this receiver store needs the package ${driver}, which is not installed (npm install ${driver})`,
    );
  }
}
