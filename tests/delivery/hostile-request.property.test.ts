// Property: whatever a caller hands deliverInBackground (or the durable outbox's enqueue) — members
// behind getters that throw or answer differently on each read, Proxies that throw on every trap,
// revoked Proxies, at every depth of the request, its signer, labels and payload — the call returns
// a typed acceptance or refusal and never throws, and what is stored is what was checked.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import { createDurableOutbox } from '../../src/runtime/store/durable-outbox.js';
import { createMemoryDeliveryStore } from '../../src/runtime/store/memory-store.js';
import { noSigner } from './support/signers.js';
import { startReceiver, type Receiver } from './support/receiver.js';

/** How a member is exposed on its parent object. */
type Exposure = 'plain' | 'throwing_getter' | 'flip_getter';
/** How an object value is wrapped. */
type Wrapping = 'none' | 'transparent_proxy' | 'throwing_proxy' | 'revoked_proxy';

interface Node {
  readonly value: unknown;
  readonly exposure: Exposure;
  readonly wrapping: Wrapping;
}

// Mostly plain, so that enough requests get past every check and the accepted path is exercised too.
const exposure = fc.oneof(
  { arbitrary: fc.constant('plain' as const), weight: 12 },
  { arbitrary: fc.constant('throwing_getter' as const), weight: 1 },
  { arbitrary: fc.constant('flip_getter' as const), weight: 1 },
);
const wrapping = fc.oneof(
  { arbitrary: fc.constant('none' as const), weight: 12 },
  { arbitrary: fc.constant('transparent_proxy' as const), weight: 2 },
  { arbitrary: fc.constant('throwing_proxy' as const), weight: 1 },
  { arbitrary: fc.constant('revoked_proxy' as const), weight: 1 },
);
const node = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Node> => fc.record({ value, exposure, wrapping });

const ALL_TRAPS = ['get', 'set', 'has', 'ownKeys', 'getOwnPropertyDescriptor', 'getPrototypeOf', 'defineProperty', 'deleteProperty', 'apply'] as const;

function throwingProxy(target: object): object {
  const handler: ProxyHandler<object> = {};
  for (const trap of ALL_TRAPS) {
    (handler as Record<string, unknown>)[trap] = () => {
      throw new Error(`trap ${trap}`);
    };
  }
  return new Proxy(target, handler);
}

function revokedProxy(target: object): object {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
}

/** A loopback URL a flip-flopping `url` getter answers after its first read: it must never be stored. */
let flipUrl = 'http://127.0.0.1:1/flipped';

function materialize(spec: Node): unknown {
  const value = spec.value !== null && typeof spec.value === 'object' && !(spec.value instanceof Uint8Array) ? build(spec.value as Record<string, Node>) : spec.value;
  if (typeof value !== 'object' || value === null) return value;
  switch (spec.wrapping) {
    case 'none':
      return value;
    case 'transparent_proxy':
      return new Proxy(value, {});
    case 'throwing_proxy':
      return throwingProxy(value);
    case 'revoked_proxy':
      return revokedProxy(value);
  }
}

/** Builds an object from member specs, each member exposed as its spec says. */
function build(members: Record<string, Node>): object {
  const target: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(members)) {
    const value = materialize(member);
    if (member.exposure === 'plain') target[key] = value;
    else if (member.exposure === 'throwing_getter') {
      Object.defineProperty(target, key, {
        enumerable: true,
        get() {
          throw new Error(`getter ${key}`);
        },
      });
    } else {
      let reads = 0;
      Object.defineProperty(target, key, {
        enumerable: true,
        get() {
          reads += 1;
          if (reads === 1) return value;
          return key === 'url' ? flipUrl : undefined;
        },
      });
    }
  }
  return target;
}

const descriptor = node(
  fc.record(
    {
      mode: node(fc.constantFrom('none', 'rfc9421', 'bearer', 42)),
      keyId: node(fc.constantFrom('kid-1', undefined)),
      credentialRef: node(fc.constantFrom('ref/1', undefined)),
    },
    { requiredKeys: ['mode'] },
  ),
);
const signer = node(
  fc.record({
    descriptor,
    headersFor: node(fc.constant(noSigner.headersFor)),
  }),
);
const labels = node(
  fc.oneof(
    fc.constant(undefined),
    fc.dictionary(fc.constantFrom('task', 'op', '__proto__', 'x'), node(fc.oneof(fc.string({ maxLength: 8 }), fc.integer())), { maxKeys: 3 }),
  ),
);
const payload = node(
  fc.oneof(
    fc.record({ status: node(fc.constantFrom('completed', 'working')), nested: node(fc.record({ deep: node(fc.string({ maxLength: 8 })) })) }),
    fc.constant(undefined),
    fc.constantFrom('text', 7),
  ),
);
const body = node(
  fc.constantFrom(
    undefined,
    undefined,
    undefined,
    Buffer.from('{"idempotency_key":"idem_0123456789abcdef","status":"completed"}'),
    Buffer.from('not json'),
    'a string',
  ),
);
const request = node(
  fc.record(
    {
      url: node(fc.constantFrom('https://buyer.example/hook', 'https://buyer.example/hook', 'https://buyer.example/hook', 'http://127.0.0.1:1/plain', 'not a url', 7)),
      signer,
      labels,
      payload,
      body,
      idempotencyKey: node(fc.constantFrom(undefined, 'idem_0123456789abcdef', 'bad')),
    },
    { requiredKeys: ['url', 'signer'] },
  ),
);

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  flipUrl = `http://127.0.0.1:${receiver.port}/flipped`;
});
afterAll(() => receiver.close());

describe('hostile delivery requests', () => {
  it('deliverInBackground never throws; refusals are typed; only the checked URL is stored', async () => {
    // The default (strict) policy: the loopback URL a flip-flopping getter answers later is denied.
    const delivery = createWebhookDelivery({ resolver: () => Promise.reject(new Error('offline test')), retry: { maxAttempts: 1 } });
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(request, (spec) => {
        const outcome = delivery.deliverInBackground(materialize(spec) as never);
        expect(typeof outcome.deliveryId).toBe('string');
        expect(typeof outcome.idempotencyKey).toBe('string');
        if (!outcome.accepted) {
          refused += 1;
          expect(typeof outcome.reason).toBe('string');
          return;
        }
        accepted += 1;
      }),
      { numRuns: 3_000 },
    );
    const stored = await delivery.store.list({ status: 'pending', limit: 10_000 });
    const inFlight = await delivery.store.list({ status: 'in_flight', limit: 10_000 });
    const failed = await delivery.store.list({ status: 'failed', limit: 10_000 });
    for (const record of [...stored, ...inFlight, ...failed]) {
      expect(record.url).toBe('https://buyer.example/hook');
      expect(Object.getPrototypeOf(record.signing)).toBe(Object.prototype);
      if (record.labels !== undefined) for (const value of Object.values(record.labels)) expect(typeof value).toBe('string');
    }
    await delivery.close();
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(receiver.connections()).toBe(0);
  });

  it('a url getter read once: the URL checked is the URL stored, whatever later reads answer', async () => {
    const delivery = createWebhookDelivery({ resolver: () => Promise.reject(new Error('offline test')), retry: { maxAttempts: 1 } });
    let reads = 0;
    const outcome = delivery.deliverInBackground({
      get url() {
        reads += 1;
        return reads === 1 ? 'https://buyer.example/hook' : flipUrl;
      },
      payload: { status: 'completed' },
      signer: noSigner,
    });
    expect(outcome.accepted).toBe(true);
    expect(reads).toBe(1);
    expect((await delivery.store.get(outcome.deliveryId))?.url).toBe('https://buyer.example/hook');
    await delivery.close();
  });

  it('the durable outbox enqueue never rejects and stores only the checked URL', async () => {
    const store = createMemoryDeliveryStore();
    const outbox = createDurableOutbox({ store, worker: false, resolveSigner: () => noSigner });
    await fc.assert(
      fc.asyncProperty(request, async (spec) => {
        const outcome = await outbox.enqueue(materialize(spec) as never);
        expect(typeof outcome.accepted).toBe('boolean');
        if (!outcome.accepted) expect(typeof outcome.reason).toBe('string');
      }),
      { numRuns: 1_000 },
    );
    for (const record of await store.list({ status: 'pending', limit: 10_000 })) expect(record.url).toBe('https://buyer.example/hook');
    await outbox.close();
    await store.close();
    expect(receiver.connections()).toBe(0);
  });
});
