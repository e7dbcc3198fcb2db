import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteEventDedupStore, openSqliteNonceStore } from '../../src/runtime/receiver/stores/sqlite.js';
import { describeReceiverStoreConformance } from './store-conformance.js';

describeReceiverStoreConformance('SQLite', async (limits) => {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-recv-store-'));
  const path = join(dir, 'receiver.db');
  const nonces = openSqliteNonceStore(path, limits);
  const otherNonces = openSqliteNonceStore(path, limits);
  const dedup = openSqliteEventDedupStore(path);
  const otherDedup = openSqliteEventDedupStore(path);
  return {
    nonces,
    otherNonces,
    dedup,
    otherDedup,
    async dispose() {
      await Promise.all([nonces.close(), otherNonces.close(), dedup.close(), otherDedup.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
