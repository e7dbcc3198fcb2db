import { openPostgresEventDedupStore, openPostgresNonceStore } from '../../src/runtime/receiver/stores/postgres.js';
import { PG_URL, dropReceiverTables, uniquePrefix } from './pg-receiver-helpers.js';
import { describeReceiverStoreConformance } from './store-conformance.js';

describeReceiverStoreConformance('PostgreSQL', async (limits) => {
  const options = { ...limits, tablePrefix: uniquePrefix('recv') };
  const nonces = await openPostgresNonceStore(PG_URL, options);
  const otherNonces = await openPostgresNonceStore(PG_URL, options);
  const dedup = await openPostgresEventDedupStore(PG_URL, options);
  const otherDedup = await openPostgresEventDedupStore(PG_URL, options);
  return {
    nonces,
    otherNonces,
    dedup,
    otherDedup,
    async dispose() {
      await Promise.all([nonces.close(), otherNonces.close(), dedup.close(), otherDedup.close()]);
      await dropReceiverTables(options.tablePrefix);
    },
  };
});
