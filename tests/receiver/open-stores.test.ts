import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAdcpError } from '../../src/runtime/errors/adcp-error.js';
import { openReceiverStores } from '../../src/runtime/receiver/stores/open.js';
import { PG_URL, dropReceiverTables, uniquePrefix } from './pg-receiver-helpers.js';
import { REDIS_URL, dropRedisKeys } from './redis-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'adcp-recv-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openReceiverStores', () => {
  const T0 = 1_900_000_000;
  it.each([
    ['memory', () => 'memory:'],
    ['SQLite', () => `sqlite:${join(dir, 'r.db')}`],
    ['PostgreSQL', () => PG_URL],
    ['Redis', () => REDIS_URL],
  ])('opens %s stores from a URL, sharing the prefix between the pair', async (name, url) => {
    const prefix = uniquePrefix('open');
    const stores = await openReceiverStores(url(), { prefix, perKeyidCap: 1 });
    try {
      const entry = { keyid: 'k', nonce: 'n', scope: '', expiresAt: T0 + 60, now: T0 };
      expect(await stores.nonces.admit(entry)).toEqual({ outcome: 'admitted', newKeyid: true });
      expect(await stores.nonces.admit({ ...entry, nonce: 'm' })).toEqual({ outcome: 'rate_abuse', cap: 'per_keyid' });
      const claim = await stores.dedup.begin({ sender: 's', idempotencyKey: 'i', nowMs: T0 * 1000, leaseMs: 1000 });
      expect(claim.outcome).toBe('claimed');
    } finally {
      await stores.close();
      if (name === 'PostgreSQL') await dropReceiverTables(prefix);
      if (name === 'Redis') await dropRedisKeys(prefix);
    }
  });

  it('rejects an unknown scheme with a typed error that shows no credentials', async () => {
    const error = await openReceiverStores('mongodb://admin:hunter2@db.example/x').catch((e: unknown) => e);
    expect(isAdcpError(error, 'ADCP_RECEIVER_STORE_INVALID_CONFIG')).toBe(true);
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  it('names an unreachable PostgreSQL server without its password', async () => {
    const error = await openReceiverStores('postgres://root:hunter2@127.0.0.1:1/test').catch((e: unknown) => e);
    expect(isAdcpError(error, 'ADCP_RECEIVER_STORE_FAILED')).toBe(true);
    expect(String((error as Error).message)).toMatch(/PostgreSQL receiver store postgres:\/\/127\.0\.0\.1:1\/test/);
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  it('names an unreachable Redis server without its password', async () => {
    const error = await openReceiverStores('redis://:hunter2@127.0.0.1:1').catch((e: unknown) => e);
    expect(isAdcpError(error, 'ADCP_RECEIVER_STORE_FAILED')).toBe(true);
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  it('refuses a non-positive cap and a prefix outside the identifier alphabet', async () => {
    const error = await openReceiverStores('memory:', { perKeyidCap: 0 }).catch((e: unknown) => e);
    expect(isAdcpError(error, 'ADCP_RECEIVER_STORE_INVALID_CONFIG')).toBe(true);
    const bad = await openReceiverStores(`sqlite:${join(dir, 'x.db')}`, { prefix: 'x"; DROP' }).catch((e: unknown) => e);
    expect(isAdcpError(bad, 'ADCP_RECEIVER_STORE_INVALID_CONFIG')).toBe(true);
  });
});
