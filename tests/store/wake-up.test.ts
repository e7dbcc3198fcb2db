// onEnqueue: a worker sleeping between polls is woken by an enqueue — in-process for SQLite, from
// any connection (another replica) for PostgreSQL via LISTEN/NOTIFY.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { newDelivery } from './conformance.js';
import { PG_URL, dropOutbox, uniquePrefix } from './pg-helpers.js';

function nextWake(subscribe: (listener: () => void) => () => void, timeoutMs: number): Promise<'woken' | 'silent'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      unsubscribe();
      resolve('silent');
    }, timeoutMs);
    const unsubscribe = subscribe(() => {
      clearTimeout(timer);
      unsubscribe();
      resolve('woken');
    });
  });
}

describe('onEnqueue wake-ups', () => {
  it('SQLite wakes listeners of the same store on enqueue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-wake-'));
    const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
    try {
      const wake = nextWake((listener) => store.onEnqueue(listener), 1000);
      await store.enqueue(newDelivery());
      expect(await wake).toBe('woken');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL wakes a listener of another replica through NOTIFY, and only its own outbox', async () => {
    const prefix = uniquePrefix('wake');
    const otherPrefix = uniquePrefix('wake');
    const listening = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
    const replica = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
    const otherOutbox = await openPostgresDeliveryStore(PG_URL, { tablePrefix: otherPrefix });
    try {
      const keepListening = listening.onEnqueue(() => undefined);
      // The first wake-up is the one sent once LISTEN is in place.
      expect(await nextWake((listener) => listening.onEnqueue(listener), 2000)).toBe('woken');

      const unrelated = nextWake((listener) => listening.onEnqueue(listener), 300);
      await otherOutbox.enqueue(newDelivery());
      expect(await unrelated).toBe('silent');

      const woken = nextWake((listener) => listening.onEnqueue(listener), 2000);
      await replica.enqueue(newDelivery());
      expect(await woken).toBe('woken');
      keepListening();
    } finally {
      await Promise.all([listening.close(), replica.close(), otherOutbox.close()]);
      await Promise.all([dropOutbox(prefix), dropOutbox(otherPrefix)]);
    }
  });
});
