// The DeliveryStore contract, written once and run against every implementation (memory, SQLite,
// PostgreSQL). A store that passes can replace another under the worker without it noticing.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveryStore, NewDelivery, SigningDescriptor } from '../../src/runtime/store/delivery-store.js';

export interface StoreUnderTest {
  readonly store: DeliveryStore;
  /** A second handle on the same data (another connection), or the same store when there is only one. */
  readonly second: DeliveryStore;
  /** Column names of the table, for stores that have one. */
  columns?(): Promise<string[]>;
  dispose(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

const T0 = 1_700_000_000_000;
const LEASE = 30_000;

export function newDelivery(overrides: Partial<NewDelivery> = {}): NewDelivery {
  return {
    id: randomUUID(),
    idempotencyKey: `whk_${randomBytes(12).toString('hex')}`,
    url: 'https://buyer.example/hooks/adcp?op=1',
    body: new TextEncoder().encode(JSON.stringify({ task_id: randomUUID(), status: 'completed' })),
    signing: { mode: 'rfc9421', keyId: 'seller-key-1' },
    nextAttemptAt: T0,
    ...overrides,
  };
}

export function describeDeliveryStoreConformance(name: string, open: StoreFactory): void {
  describe(`DeliveryStore conformance: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: DeliveryStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.dispose();
    });

    describe('enqueue and get', () => {
      it('returns what was enqueued, pending with no attempts', async () => {
        const delivery = newDelivery({ labels: { task_type: 'create_media_buy', operation_id: 'op-1' } });
        await store.enqueue(delivery);
        const record = await store.get(delivery.id);
        expect(record).toMatchObject({
          id: delivery.id,
          idempotencyKey: delivery.idempotencyKey,
          url: delivery.url,
          signing: delivery.signing,
          nextAttemptAt: T0,
          labels: { task_type: 'create_media_buy', operation_id: 'op-1' },
          status: 'pending',
          attempts: 0,
        });
        expect(record?.leaseOwner).toBeUndefined();
        expect(record?.lastErrorClass).toBeUndefined();
        expect(typeof record?.createdAt).toBe('number');
      });

      it('returns undefined for an unknown id', async () => {
        expect(await store.get('no-such-delivery')).toBeUndefined();
      });

      it('keeps every signing mode as a mode plus a reference', async () => {
        const modes: SigningDescriptor[] = [
          { mode: 'rfc9421', keyId: 'kid-ed25519' },
          { mode: 'hmac-sha256', credentialRef: 'buyer-42/hmac' },
          { mode: 'bearer', credentialRef: 'buyer-42/bearer' },
          { mode: 'none' },
        ];
        for (const signing of modes) {
          const delivery = newDelivery({ signing });
          await store.enqueue(delivery);
          expect((await store.get(delivery.id))?.signing).toEqual(signing);
        }
      });

      it('takes many concurrent enqueues, each exactly once, including repeats of one id', async () => {
        const deliveries = Array.from({ length: 120 }, () => newDelivery());
        await Promise.all([...deliveries, deliveries[0]!, deliveries[1]!].map((delivery) => store.enqueue(delivery)));
        const listed = await store.list();
        expect(listed).toHaveLength(120);
        expect(new Set(listed.map((record) => record.idempotencyKey))).toEqual(new Set(deliveries.map((d) => d.idempotencyKey)));
      });

      it('treats a second enqueue of the same id as a no-op, so a caller may safely retry it', async () => {
        const first = newDelivery();
        await store.enqueue(first);
        await store.enqueue({ ...first, idempotencyKey: 'whk_other_key_0000000', url: 'https://other.example/' });
        expect(await store.get(first.id)).toMatchObject({ idempotencyKey: first.idempotencyKey, url: first.url });
        expect(await store.list()).toHaveLength(1);
      });
    });

    describe('body bytes', () => {
      it('round-trip exactly: binary, not valid UTF-8, a view into a larger buffer, 1 MB', async () => {
        const backing = randomBytes(64);
        const bodies = [
          Uint8Array.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x00, 0xc3, 0x28]),
          new TextEncoder().encode('{"note":"déjà vu ✓ \\u0000","n":1}'),
          new Uint8Array(backing.buffer, backing.byteOffset + 8, 16),
          randomBytes(1024 * 1024),
        ];
        for (const body of bodies) {
          const delivery = newDelivery({ body });
          await store.enqueue(delivery);
          const stored = await store.get(delivery.id);
          expect(Buffer.compare(Buffer.from(stored!.body), Buffer.from(body))).toBe(0);
          expect(stored!.body.byteLength).toBe(body.byteLength);
        }
      });
    });

    describe('claimDue', () => {
      it('leases only due rows, in nextAttemptAt order, up to the limit', async () => {
        const late = newDelivery({ nextAttemptAt: T0 + 3 });
        const early = newDelivery({ nextAttemptAt: T0 + 1 });
        const middle = newDelivery({ nextAttemptAt: T0 + 2 });
        const future = newDelivery({ nextAttemptAt: T0 + 60_000 });
        for (const delivery of [late, early, future, middle]) await store.enqueue(delivery);

        const claimed = await store.claimDue({ now: T0 + 10, limit: 2, leaseMs: LEASE, workerId: 'w1' });
        expect(claimed.map((record) => record.id)).toEqual([early.id, middle.id]);
        for (const record of claimed) {
          expect(record).toMatchObject({ status: 'in_flight', leaseOwner: 'w1', leaseExpiresAt: T0 + 10 + LEASE });
        }
        const rest = await store.claimDue({ now: T0 + 10, limit: 10, leaseMs: LEASE, workerId: 'w1' });
        expect(rest.map((record) => record.id)).toEqual([late.id]);
      });

      it('hands the full record to the worker: body, key, url and signing', async () => {
        const delivery = newDelivery({ signing: { mode: 'hmac-sha256', credentialRef: 'buyer/hmac' } });
        await store.enqueue(delivery);
        const [record] = await store.claimDue({ now: T0, limit: 1, leaseMs: LEASE, workerId: 'w1' });
        expect(record).toMatchObject({ id: delivery.id, idempotencyKey: delivery.idempotencyKey, url: delivery.url });
        expect(record!.signing).toEqual(delivery.signing);
        expect(Buffer.from(record!.body).equals(Buffer.from(delivery.body))).toBe(true);
      });

      it('does not hand a leased row out again until its lease expires, then gives it to another worker', async () => {
        const delivery = newDelivery();
        await store.enqueue(delivery);
        await store.claimDue({ now: T0, limit: 10, leaseMs: LEASE, workerId: 'crashed' });

        expect(await store.claimDue({ now: T0 + LEASE - 1, limit: 10, leaseMs: LEASE, workerId: 'w2' })).toEqual([]);
        const taken = await store.claimDue({ now: T0 + LEASE, limit: 10, leaseMs: LEASE, workerId: 'w2' });
        expect(taken.map((record) => [record.id, record.leaseOwner])).toEqual([[delivery.id, 'w2']]);
        expect(await store.get(delivery.id)).toMatchObject({ status: 'in_flight', leaseOwner: 'w2' });
      });

      it('with a signing filter, claims only deliveries it can sign', async () => {
        const unsigned = newDelivery({ signing: { mode: 'none' }, nextAttemptAt: T0 + 1 });
        const ourKey = newDelivery({ signing: { mode: 'rfc9421', keyId: 'k-ours' }, nextAttemptAt: T0 + 2 });
        const otherKey = newDelivery({ signing: { mode: 'rfc9421', keyId: 'k-other' }, nextAttemptAt: T0 });
        const hmac = newDelivery({ signing: { mode: 'hmac-sha256', credentialRef: 'k-ours' }, nextAttemptAt: T0 });
        for (const delivery of [unsigned, ourKey, otherKey, hmac]) await store.enqueue(delivery);
        const signing = [{ mode: 'none' }, { mode: 'rfc9421', keyId: 'k-ours' }] as const;

        const claimed = await store.claimDue({ now: T0 + 10, limit: 10, leaseMs: LEASE, workerId: 'cli', signing });
        expect(claimed.map((record) => record.id)).toEqual([unsigned.id, ourKey.id]);
        expect((await store.get(otherKey.id))?.status).toBe('pending');
        expect((await store.get(hmac.id))?.status).toBe('pending');
        // Expired leases are filtered the same way.
        const retaken = await store.claimDue({ now: T0 + 10 + LEASE, limit: 10, leaseMs: LEASE, workerId: 'cli2', signing: [{ mode: 'none' }] });
        expect(retaken.map((record) => record.id)).toEqual([unsigned.id]);
        const everything = await store.claimDue({ now: T0 + 10 + LEASE, limit: 10, leaseMs: LEASE, workerId: 'app' });
        expect(everything.map((record) => record.id).sort()).toEqual([otherKey.id, hmac.id, ourKey.id].sort());
      });

      it('never gives one row to two concurrent claimers', async () => {
        const ids = new Set<string>();
        for (let i = 0; i < 40; i++) {
          const delivery = newDelivery({ nextAttemptAt: T0 + i });
          ids.add(delivery.id);
          await store.enqueue(delivery);
        }
        const claim = (target: DeliveryStore, workerId: string) =>
          target.claimDue({ now: T0 + 100, limit: 15, leaseMs: LEASE, workerId });
        const rounds = await Promise.all([
          claim(store, 'a'),
          claim(subject.second, 'b'),
          claim(store, 'c'),
          claim(subject.second, 'd'),
        ]);
        const claimed = rounds.flat().map((record) => record.id);
        expect(new Set(claimed).size).toBe(claimed.length);
        expect(claimed.length).toBe(40);
        expect(new Set(claimed)).toEqual(ids);
      });
    });

    describe('outcomes', () => {
      async function claimOne(workerId = 'w1', now = T0) {
        const delivery = newDelivery();
        await store.enqueue(delivery);
        await store.claimDue({ now, limit: 1, leaseMs: LEASE, workerId });
        return delivery;
      }

      it('markDelivered settles the row and releases the lease', async () => {
        const delivery = await claimOne();
        await store.markDelivered(delivery.id, { attempts: 1, httpStatus: 204, leaseOwner: 'w1' }, T0 + 5);
        const record = await store.get(delivery.id);
        expect(record).toMatchObject({ status: 'delivered', attempts: 1, lastHttpStatus: 204, updatedAt: T0 + 5 });
        expect(record?.leaseOwner).toBeUndefined();
        expect(record?.leaseExpiresAt).toBeUndefined();
        expect(await store.claimDue({ now: T0 + 10 * LEASE, limit: 10, leaseMs: LEASE, workerId: 'w2' })).toEqual([]);
      });

      it('markRetry makes the row due again at the given time, keeping the error class', async () => {
        const delivery = await claimOne();
        await store.markRetry(delivery.id, { attempts: 1, httpStatus: 503, errorClass: 'http_5xx' }, T0 + 2000, T0 + 5);
        expect(await store.get(delivery.id)).toMatchObject({
          status: 'pending',
          attempts: 1,
          nextAttemptAt: T0 + 2000,
          lastHttpStatus: 503,
          lastErrorClass: 'http_5xx',
        });
        expect(await store.claimDue({ now: T0 + 1999, limit: 10, leaseMs: LEASE, workerId: 'w1' })).toEqual([]);
        const again = await store.claimDue({ now: T0 + 2000, limit: 10, leaseMs: LEASE, workerId: 'w1' });
        expect(again.map((record) => [record.id, record.attempts])).toEqual([[delivery.id, 1]]);
      });

      it('markFailed is terminal: the row is never claimed again', async () => {
        const delivery = await claimOne();
        await store.markFailed(delivery.id, { attempts: 1, httpStatus: 409, errorClass: 'http_409' }, T0 + 5);
        expect(await store.get(delivery.id)).toMatchObject({ status: 'failed', attempts: 1, lastErrorClass: 'http_409' });
        expect(await store.claimDue({ now: T0 + 10 * LEASE, limit: 10, leaseMs: LEASE, workerId: 'w2' })).toEqual([]);
      });

      it('records many concurrent outcomes of different kinds, each on its own row', async () => {
        const deliveries = Array.from({ length: 60 }, (_, i) => newDelivery({ nextAttemptAt: T0 + i }));
        for (const delivery of deliveries) await store.enqueue(delivery);
        await store.claimDue({ now: T0 + 100, limit: 60, leaseMs: LEASE, workerId: 'w1' });
        await Promise.all(
          deliveries.map((delivery, i) => {
            const outcome = { attempts: 1, httpStatus: 200 + i, leaseOwner: 'w1' };
            if (i % 3 === 0) return store.markDelivered(delivery.id, outcome, T0 + 200);
            if (i % 3 === 1) return store.markRetry(delivery.id, outcome, T0 + 1000 + i, T0 + 200);
            return store.markFailed(delivery.id, outcome, T0 + 200);
          }),
        );
        for (const [i, delivery] of deliveries.entries()) {
          const record = await store.get(delivery.id);
          expect(record?.status).toBe(['delivered', 'pending', 'failed'][i % 3]);
          expect(record?.lastHttpStatus).toBe(200 + i);
          if (i % 3 === 1) expect(record?.nextAttemptAt).toBe(T0 + 1000 + i);
          else expect(record?.nextAttemptAt).toBe(T0 + i);
        }
      });

      it('ignores the outcome of a worker whose lease was taken over', async () => {
        const delivery = await claimOne('slow', T0);
        await store.claimDue({ now: T0 + LEASE, limit: 1, leaseMs: LEASE, workerId: 'fresh' });
        await store.markRetry(delivery.id, { attempts: 1, errorClass: 'timeout', leaseOwner: 'slow' }, T0 + LEASE * 3, T0 + LEASE + 1);
        expect(await store.get(delivery.id)).toMatchObject({ status: 'in_flight', leaseOwner: 'fresh', attempts: 0 });
        await store.markDelivered(delivery.id, { attempts: 1, httpStatus: 200, leaseOwner: 'fresh' }, T0 + LEASE + 2);
        expect(await store.get(delivery.id)).toMatchObject({ status: 'delivered', attempts: 1 });
      });
    });

    describe('list', () => {
      it('filters by status and honours the limit', async () => {
        const deliveries = [newDelivery(), newDelivery(), newDelivery(), newDelivery()];
        for (const delivery of deliveries) await store.enqueue(delivery);
        await store.claimDue({ now: T0, limit: 2, leaseMs: LEASE, workerId: 'w1' });
        const inFlight = await store.list({ status: 'in_flight' });
        expect(inFlight).toHaveLength(2);
        await store.markFailed(inFlight[0]!.id, { attempts: 1, errorClass: 'http_4xx' }, T0 + 1);
        await store.markDelivered(inFlight[1]!.id, { attempts: 1, httpStatus: 200 }, T0 + 1);

        expect((await store.list({ status: 'failed' })).map((record) => record.id)).toEqual([inFlight[0]!.id]);
        expect((await store.list({ status: 'delivered' })).map((record) => record.id)).toEqual([inFlight[1]!.id]);
        expect(await store.list({ status: 'pending' })).toHaveLength(2);
        expect(await store.list()).toHaveLength(4);
        expect(await store.list({ limit: 3 })).toHaveLength(3);
      });
    });

    describe('redrive', () => {
      it('makes a failed delivery due now with a fresh attempt budget', async () => {
        const delivery = newDelivery();
        await store.enqueue(delivery);
        await store.claimDue({ now: T0, limit: 1, leaseMs: LEASE, workerId: 'w1' });
        await store.markFailed(delivery.id, { attempts: 5, errorClass: 'http_5xx' }, T0 + 1);

        expect(await store.redrive(delivery.id, T0 + 1000)).toBe(true);
        expect(await store.get(delivery.id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 1000 });
        const claimed = await store.claimDue({ now: T0 + 1000, limit: 1, leaseMs: LEASE, workerId: 'w1' });
        expect(claimed.map((record) => record.id)).toEqual([delivery.id]);
      });

      it('makes a pending delivery waiting for a later retry due now', async () => {
        const delivery = newDelivery({ nextAttemptAt: T0 + 3_600_000 });
        await store.enqueue(delivery);
        expect(await store.redrive(delivery.id, T0)).toBe(true);
        expect((await store.get(delivery.id))?.nextAttemptAt).toBe(T0);
      });

      it('returns false for an unknown id and leaves delivered rows alone', async () => {
        expect(await store.redrive('no-such-delivery', T0)).toBe(false);
        const delivery = newDelivery();
        await store.enqueue(delivery);
        await store.claimDue({ now: T0, limit: 1, leaseMs: LEASE, workerId: 'w1' });
        await store.markDelivered(delivery.id, { attempts: 1, httpStatus: 200 }, T0 + 1);
        expect(await store.redrive(delivery.id, T0 + 2)).toBe(false);
        expect((await store.get(delivery.id))?.status).toBe('delivered');
      });
    });

    describe('prune', () => {
      it('deletes delivered and failed rows settled before the cutoff, nothing else', async () => {
        const [oldDelivered, oldFailed, recentDelivered, pending] = [newDelivery(), newDelivery(), newDelivery(), newDelivery({ nextAttemptAt: T0 + 10 })];
        for (const delivery of [oldDelivered, oldFailed, recentDelivered, pending]) await store.enqueue(delivery);
        await store.claimDue({ now: T0, limit: 3, leaseMs: LEASE, workerId: 'w1' });
        await store.markDelivered(oldDelivered!.id, { attempts: 1, httpStatus: 200 }, T0 + 100);
        await store.markFailed(oldFailed!.id, { attempts: 3, errorClass: 'http_4xx' }, T0 + 200);
        await store.markDelivered(recentDelivered!.id, { attempts: 1, httpStatus: 200 }, T0 + 5000);

        expect(await store.prune(T0 + 1000)).toBe(2);
        expect(await store.get(oldDelivered!.id)).toBeUndefined();
        expect(await store.get(oldFailed!.id)).toBeUndefined();
        expect((await store.get(recentDelivered!.id))?.status).toBe('delivered');
        expect((await store.get(pending!.id))?.status).toBe('pending');
        expect(await store.prune(T0 + 1000)).toBe(0);
      });
    });

    describe('secrets', () => {
      it('has no column that could hold a signature, a token or a secret', async () => {
        if (subject.columns === undefined) return;
        const columns = await subject.columns();
        expect(columns).toContain('signing_ref');
        for (const column of columns) {
          expect(column).not.toMatch(/secret|signature|token|password|private|credential|header|jwk/i);
        }
      });
    });
  });
}
