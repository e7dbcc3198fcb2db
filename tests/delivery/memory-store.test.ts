import { describe, expect, it } from 'vitest';
import { createMemoryDeliveryStore, MemoryStoreError } from '../../src/runtime/store/memory-store.js';
import { describeDeliveryStoreConformance, newDelivery } from '../store/conformance.js';

describeDeliveryStoreConformance('memory', async () => {
  const store = createMemoryDeliveryStore();
  return { store, second: store, dispose: () => store.close() };
});

const T0 = 1_700_000_000_000;

describe('memory store bounds', () => {
  it('refuses enqueues beyond maxActive, and makes room again as deliveries settle', async () => {
    const store = createMemoryDeliveryStore({ maxActive: 2 });
    await store.enqueue(newDelivery());
    await store.enqueue(newDelivery());
    await expect(store.enqueue(newDelivery())).rejects.toBeInstanceOf(MemoryStoreError);
    const [claimed] = await store.claimDue({ now: T0, limit: 1, leaseMs: 1_000, workerId: 'w' });
    await store.markDelivered(claimed!.id, { attempts: 1, httpStatus: 204 }, T0);
    await expect(store.enqueue(newDelivery())).resolves.toBeUndefined();
    expect(store.activeCount).toBe(2);
  });

  it('keeps at most maxSettled settled records, dropping the oldest', async () => {
    const store = createMemoryDeliveryStore({ maxSettled: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const delivery = newDelivery();
      ids.push(delivery.id);
      await store.enqueue(delivery);
      await store.claimDue({ now: T0 + i, limit: 1, leaseMs: 1_000, workerId: 'w' });
      await store.markDelivered(delivery.id, { attempts: 1, httpStatus: 204 }, T0 + i);
    }
    expect(store.size).toBe(3);
    expect((await store.list()).map((record) => record.id)).toEqual(ids.slice(7));
  });

  it('keeps the newest maxSettled records across thousands of settlements (settled log compaction)', async () => {
    const store = createMemoryDeliveryStore({ maxSettled: 5 });
    const ids: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const delivery = newDelivery({ nextAttemptAt: T0 });
      ids.push(delivery.id);
      await store.enqueue(delivery);
      await store.claimDue({ now: T0 + i, limit: 1, leaseMs: 1_000, workerId: 'w' });
      if (i % 2 === 0) await store.markDelivered(delivery.id, { attempts: 1, httpStatus: 204 }, T0 + i);
      else await store.markFailed(delivery.id, { attempts: 1, errorClass: 'http_4xx' }, T0 + i);
    }
    expect(store.size).toBe(5);
    expect((await store.list()).map((record) => record.id)).toEqual(ids.slice(-5));
  });

  it('leaves no bookkeeping behind after many claim/settle cycles', async () => {
    const store = createMemoryDeliveryStore({ maxSettled: 0 });
    for (let i = 0; i < 5_000; i++) {
      const delivery = newDelivery({ nextAttemptAt: T0 });
      await store.enqueue(delivery);
      const [record] = await store.claimDue({ now: T0, limit: 1, leaseMs: 60_000, workerId: 'w' });
      await store.markRetry(record!.id, { attempts: 1, errorClass: 'http_5xx' }, T0 + 1, T0);
      const [again] = await store.claimDue({ now: T0 + 1, limit: 1, leaseMs: 60_000, workerId: 'w' });
      await store.markFailed(again!.id, { attempts: 2, errorClass: 'http_5xx' }, T0 + 1);
    }
    expect(store.size).toBe(0);
    expect(store.activeCount).toBe(0);
    expect(await store.claimDue({ now: T0 + 10 * 60_000, limit: 10, leaseMs: 1, workerId: 'w' })).toEqual([]);
  });

  it('rejects every call after close', async () => {
    const store = createMemoryDeliveryStore();
    await store.close();
    await expect(store.enqueue(newDelivery())).rejects.toMatchObject({ code: 'ADCP_STORE_CLOSED' });
  });
});
