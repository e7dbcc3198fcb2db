import { openRedisEventDedupStore, openRedisNonceStore } from '../../src/runtime/receiver/stores/redis.js';
import { uniquePrefix } from '../store/pg-helpers.js';
import { REDIS_URL, dropRedisKeys } from './redis-helpers.js';
import { describeReceiverStoreConformance } from './store-conformance.js';

describeReceiverStoreConformance('Redis', async (limits) => {
  const options = { ...limits, keyPrefix: uniquePrefix('recv') };
  const nonces = await openRedisNonceStore(REDIS_URL, options);
  const otherNonces = await openRedisNonceStore(REDIS_URL, options);
  const dedup = await openRedisEventDedupStore(REDIS_URL, options);
  const otherDedup = await openRedisEventDedupStore(REDIS_URL, options);
  return {
    nonces,
    otherNonces,
    dedup,
    otherDedup,
    async dispose() {
      await Promise.all([nonces.close(), otherNonces.close(), dedup.close(), otherDedup.close()]);
      await dropRedisKeys(options.keyPrefix);
    },
  };
});
