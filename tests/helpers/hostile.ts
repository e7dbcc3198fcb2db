// Hostile values for never-throws property tests: every object may be a proxy (passing through,
// throwing from one trap, answering differently on each read, or revoked) and every member may be a
// getter (stable, throwing, or changing its answer after the first read). `build` turns a generated
// plan into the value and records every object it created, so a test can prove none of them leaks.
import fc from 'fast-check';

export type ObjectMode =
  | 'plain'
  | 'proxy'
  | 'proxy-throws-get'
  | 'proxy-throws-ownKeys'
  | 'proxy-throws-descriptor'
  | 'proxy-throws-getPrototypeOf'
  | 'proxy-throws-has'
  | 'proxy-flips-get'
  | 'proxy-revoked';

export type MemberMode = 'data' | 'getter' | 'getter-throws' | 'getter-flips';

/** Modes that answer their first read (so a value can still be accepted) outweigh the throwing ones. */
export const objectModes: fc.Arbitrary<ObjectMode> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<ObjectMode>('plain') },
  { weight: 2, arbitrary: fc.constantFrom<ObjectMode>('proxy', 'proxy-flips-get') },
  {
    weight: 1,
    arbitrary: fc.constantFrom<ObjectMode>(
      'proxy-throws-get',
      'proxy-throws-ownKeys',
      'proxy-throws-descriptor',
      'proxy-throws-getPrototypeOf',
      'proxy-throws-has',
      'proxy-revoked',
    ),
  },
);
export const memberModes: fc.Arbitrary<MemberMode> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<MemberMode>('data') },
  { weight: 3, arbitrary: fc.constantFrom<MemberMode>('getter', 'getter-flips') },
  { weight: 1, arbitrary: fc.constant<MemberMode>('getter-throws') },
);

/** What a flipping getter or proxy answers after its first read. */
export const FLIPPED_VALUE = Object.freeze({ flipped: 'https://127.0.0.1/after-first-read' });

export type Plan =
  | { readonly kind: 'leaf'; readonly value: unknown }
  | { readonly kind: 'array'; readonly mode: ObjectMode; readonly items: readonly Plan[] }
  | {
      readonly kind: 'object';
      readonly mode: ObjectMode;
      readonly members: readonly { readonly key: string; readonly mode: MemberMode; readonly value: Plan }[];
    };

export const leaf = (value: fc.Arbitrary<unknown>): fc.Arbitrary<Plan> => value.map((v) => ({ kind: 'leaf', value: v }) as const);

export function objectPlan(members: Record<string, fc.Arbitrary<Plan>>): fc.Arbitrary<Plan> {
  const entries = Object.entries(members).map(([key, value]) =>
    fc.record({ key: fc.constant(key), mode: memberModes, value }),
  );
  return fc.record({ mode: objectModes, members: fc.tuple(...entries) }).map(({ mode, members: built }) => ({
    kind: 'object' as const,
    mode,
    members: built,
  }));
}

export function arrayPlan(items: fc.Arbitrary<Plan>, maxLength = 3): fc.Arbitrary<Plan> {
  return fc.record({ mode: objectModes, items: fc.array(items, { maxLength }) }).map(({ mode, items: built }) => ({
    kind: 'array' as const,
    mode,
    items: built,
  }));
}

/** Any value at all, its objects hostile at every depth. */
export const anyHostilePlan: fc.Arbitrary<Plan> = fc.letrec<{ plan: Plan }>((tie) => ({
  plan: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf(fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.anything())),
    fc
      .record({
        mode: objectModes,
        members: fc.array(fc.record({ key: fc.string({ maxLength: 6 }), mode: memberModes, value: tie('plan') }), { maxLength: 3 }),
      })
      .map(({ mode, members }) => ({ kind: 'object' as const, mode, members })),
    arrayPlan(tie('plan')),
  ),
})).plan;

export interface Built {
  readonly value: unknown;
  /** Every object `build` created: proxies, their targets, arrays, objects. */
  readonly created: ReadonlySet<object>;
}

export function build(plan: Plan): Built {
  const created = new Set<object>();
  return { value: materialize(plan, created), created };
}

function materialize(plan: Plan, created: Set<object>): unknown {
  if (plan.kind === 'leaf') return plan.value;
  let target: object;
  if (plan.kind === 'array') {
    target = plan.items.map((item) => materialize(item, created));
  } else {
    target = {};
    for (const member of plan.members) defineMember(target, member.key, member.mode, materialize(member.value, created), created);
  }
  created.add(target);
  const wrapped = wrapObject(target, plan.mode);
  created.add(wrapped);
  return wrapped;
}

function defineMember(target: object, key: string, mode: MemberMode, value: unknown, created: Set<object>): void {
  if (mode === 'data') {
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
    return;
  }
  let reads = 0;
  const get = (): unknown => {
    reads += 1;
    if (mode === 'getter-throws') throw new Error('hostile getter');
    return mode === 'getter-flips' && reads > 1 ? FLIPPED_VALUE : value;
  };
  created.add(get);
  Object.defineProperty(target, key, { get, enumerable: true, configurable: true });
}

function wrapObject(target: object, mode: ObjectMode): object {
  const hostile = (): never => {
    throw new Error(`hostile ${mode}`);
  };
  switch (mode) {
    case 'plain':
      return target;
    case 'proxy':
      return new Proxy(target, {});
    case 'proxy-throws-get':
      return new Proxy(target, { get: hostile });
    case 'proxy-throws-ownKeys':
      return new Proxy(target, { ownKeys: hostile });
    case 'proxy-throws-descriptor':
      return new Proxy(target, { getOwnPropertyDescriptor: hostile });
    case 'proxy-throws-getPrototypeOf':
      return new Proxy(target, { getPrototypeOf: hostile });
    case 'proxy-throws-has':
      return new Proxy(target, { has: hostile });
    case 'proxy-flips-get': {
      let reads = 0;
      return new Proxy(target, {
        get: (object, key, receiver) => (++reads > 1 && typeof key === 'string' ? FLIPPED_VALUE : Reflect.get(object, key, receiver)),
      });
    }
    case 'proxy-revoked': {
      const { proxy, revoke } = Proxy.revocable(target, {});
      revoke();
      return proxy;
    }
  }
}
