import { createMemoryDeliveryStore } from '../../src/runtime/store/memory-store.js';
import { describeDeliveryStoreConformance } from './conformance.js';

describeDeliveryStoreConformance('memory', async () => {
  const store = createMemoryDeliveryStore();
  return { store, second: store, dispose: () => store.close() };
});
