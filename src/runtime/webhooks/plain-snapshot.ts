// A deep, plain, frozen copy of caller-supplied data, taken before anything else looks at it. Each
// property is read exactly once (own enumerable string keys, as JSON.stringify reads them), so a
// getter or proxy trap runs at most once and cannot answer one way to the validator and another to
// the code that uses the value; what comes out is ordinary objects and arrays holding primitives.
// Never throws: an unreadable member, a cycle, a function or a prototype-pollution key is reported.

/** Keys refused outright at any depth: prototype-pollution vectors in JSON-parsed input. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any AdCP registration nests; bounds the work a hostile value can cause. */
const MAX_DEPTH = 32;
/** Objects, arrays and primitives copied per snapshot. */
const MAX_NODES = 10_000;

/** Member names and array indices from the copied value's root to a defect. */
export type SnapshotPath = readonly (string | number)[];

export type SnapshotDefect = 'unreadable' | 'forbidden_key' | 'not_data' | 'too_large';

export type Snapshot =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly defect: SnapshotDefect; readonly path: SnapshotPath; readonly key?: string };

class SnapshotFailure {
  readonly #brand = true;

  /** A brand check: runs no proxy trap or getter of a hostile thrown value. */
  static is(value: unknown): value is SnapshotFailure {
    return typeof value === 'object' && value !== null && #brand in value;
  }

  constructor(
    readonly defect: SnapshotDefect,
    readonly path: SnapshotPath,
    readonly key?: string,
  ) {}
}

interface Walk {
  readonly ancestors: Set<object>;
  nodes: number;
}

/** Copies `value` (see the file comment); `path` locates a defect relative to `value`. */
export function plainSnapshot(value: unknown): Snapshot {
  try {
    return { ok: true, value: copyValue(value, [], { ancestors: new Set(), nodes: 0 }) };
  } catch (error) {
    if (SnapshotFailure.is(error)) {
      return error.key === undefined
        ? { ok: false, defect: error.defect, path: error.path }
        : { ok: false, defect: error.defect, path: error.path, key: error.key };
    }
    return { ok: false, defect: 'unreadable', path: [] };
  }
}

function copyValue(value: unknown, path: SnapshotPath, walk: Walk): unknown {
  walk.nodes += 1;
  if (walk.nodes > MAX_NODES || path.length > MAX_DEPTH) throw new SnapshotFailure('too_large', path);
  if (typeof value === 'function') throw new SnapshotFailure('not_data', path);
  if (typeof value !== 'object' || value === null) return value;
  if (walk.ancestors.has(value)) throw new SnapshotFailure('not_data', path);
  walk.ancestors.add(value);
  const copy = guarded(path, () => (Array.isArray(value) ? copyArray(value, path, walk) : copyObject(value, path, walk)));
  walk.ancestors.delete(value);
  return Object.freeze(copy);
}

function copyArray(array: readonly unknown[], path: SnapshotPath, walk: Walk): unknown[] {
  const length = array.length;
  if (!Number.isSafeInteger(length) || length > MAX_NODES) throw new SnapshotFailure('too_large', path);
  const copy: unknown[] = [];
  for (let index = 0; index < length; index++) {
    const itemPath = [...path, index];
    copy.push(copyValue(guarded(itemPath, () => array[index]), itemPath, walk));
  }
  return copy;
}

function copyObject(object: object, path: SnapshotPath, walk: Walk): Record<string, unknown> {
  const keys = Object.keys(object);
  const forbidden = keys.find((key) => FORBIDDEN_KEYS.has(key));
  if (forbidden !== undefined) throw new SnapshotFailure('forbidden_key', path, forbidden);
  const copy: Record<string, unknown> = {};
  for (const key of keys) {
    const memberPath = [...path, key];
    const member = copyValue(guarded(memberPath, () => (object as Record<string, unknown>)[key]), memberPath, walk);
    if (member !== undefined) copy[key] = member;
  }
  return copy;
}

/** Runs a read of caller data; a throw becomes an `unreadable` defect at `path`. */
function guarded<T>(path: SnapshotPath, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (SnapshotFailure.is(error)) throw error;
    throw new SnapshotFailure('unreadable', path);
  }
}
