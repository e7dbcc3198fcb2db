import { MemoryEventDedupStore, MemoryNonceStore } from '../../src/runtime/receiver/stores/memory.js';
import { describeReceiverStoreConformance } from './store-conformance.js';

describeReceiverStoreConformance('memory', async (limits) => {
  const nonces = new MemoryNonceStore(limits);
  const dedup = new MemoryEventDedupStore();
  return {
    nonces,
    otherNonces: nonces,
    dedup,
    otherDedup: dedup,
    async dispose() {
      await nonces.close();
      await dedup.close();
    },
  };
});
