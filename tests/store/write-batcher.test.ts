// WriteBatcher: group commit without timers, and "resolved" meaning "written".
import { describe, expect, it } from 'vitest';
import { WriteBatcher } from '../../src/runtime/store/write-batcher.js';

function recorder() {
  const batches: number[][] = [];
  const pending: Array<() => void> = [];
  const flush = (items: readonly number[]) =>
    new Promise<void>((resolve) => {
      batches.push([...items]);
      pending.push(resolve);
    });
  const finishOne = async () => {
    pending.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, flush, finishOne };
}

describe('WriteBatcher', () => {
  it('immediate: sends at once while slots are free, then gathers what arrives while they are busy', async () => {
    const { batches, flush, finishOne } = recorder();
    const batcher = new WriteBatcher(flush, { maxInFlight: 2, maxBatch: 3 });
    const done: number[] = [];
    for (let i = 1; i <= 7; i++) void batcher.add(i).then(() => done.push(i));
    expect(batches).toEqual([[1], [2]]);
    await finishOne();
    expect(done).toEqual([1]);
    expect(batches).toEqual([[1], [2], [3, 4, 5]]);
    await finishOne();
    await finishOne();
    expect(batches).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
    await finishOne();
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('microtask: writes of one turn go together', async () => {
    const batches: number[][] = [];
    const batcher = new WriteBatcher(async (items: readonly number[]) => void batches.push([...items]), {
      maxInFlight: 1,
      maxBatch: 100,
      gather: 'microtask',
    });
    await Promise.all([batcher.add(1), batcher.add(2), batcher.add(3)]);
    await batcher.add(4);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('rejects every write of a failed batch, and keeps going', async () => {
    let calls = 0;
    const batcher = new WriteBatcher(
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('disk full');
      },
      { maxInFlight: 1, maxBatch: 10, gather: 'microtask' },
    );
    const results = await Promise.allSettled([batcher.add('a'), batcher.add('b')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(batcher.add('c')).resolves.toBeUndefined();
  });
});
