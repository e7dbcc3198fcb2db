// Structural comparison of two schema nodes, keyword by keyword. It explains *what* differs (a property became
// required, maxLength went down, an enum lost a member…); anything it cannot classify becomes `schema-changed`.
import { canonicalJson, isAnnotationKeyword, normalizeSchema, type SnapshotFingerprints } from './normalize.js';
import { joinPath, type ChangeKind, type SchemaChange } from './schema-change.js';
import { appendPointer, formatAddress, readPointer, resolveRef, unversionedRef, type SchemaAddress } from './schema-ref.js';
import { isObject, type JsonObject, type SchemaSnapshot } from './snapshot.js';

export interface CompareSide {
  readonly snapshot: SchemaSnapshot;
  readonly fingerprints: SnapshotFingerprints;
}

/**
 * `same-file`: `$ref`s to other files are leaves, compared by target path only (the envelope and push config, whose
 * referenced enums are diffed separately). `all`: follow every `$ref` (result schemas, compared with their closure).
 */
export type RefPolicy = 'same-file' | 'all';

interface Node {
  readonly value: unknown;
  readonly address: SchemaAddress;
}

const LOWER_BOUNDS = ['minLength', 'minItems', 'minProperties', 'minimum', 'exclusiveMinimum'] as const;
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maxProperties', 'maximum', 'exclusiveMaximum'] as const;
/** Keywords whose presence restricts and whose value change cannot be ordered. */
const OPAQUE_CONSTRAINTS = ['pattern', 'format', 'const', 'multipleOf'] as const;
const VARIANT_KEYWORDS = ['allOf', 'anyOf', 'oneOf'] as const;
const HANDLED_KEYWORDS = new Set<string>([
  '$ref', 'deprecated', 'type', 'enum', 'uniqueItems', 'properties', 'required', 'additionalProperties', 'items',
  'default', 'definitions', '$defs', ...LOWER_BOUNDS, ...UPPER_BOUNDS, ...OPAQUE_CONSTRAINTS, ...VARIANT_KEYWORDS,
]);

/** Compares the schema at `fromAddress` in one snapshot with `toAddress` in the other. */
export function compareSchemas(
  from: CompareSide,
  to: CompareSide,
  fromAddress: SchemaAddress,
  toAddress: SchemaAddress,
  policy: RefPolicy,
): SchemaChange[] {
  const comparer = new SchemaComparer(from, to, policy);
  comparer.compare(
    { value: from.snapshot.lookup(fromAddress), address: fromAddress },
    { value: to.snapshot.lookup(toAddress), address: toAddress },
    '',
  );
  return comparer.changes;
}

class SchemaComparer {
  readonly changes: SchemaChange[] = [];
  private readonly visited = new Set<string>();

  constructor(
    private readonly from: CompareSide,
    private readonly to: CompareSide,
    private readonly policy: RefPolicy,
  ) {}

  compare(left: Node, right: Node, path: string): void {
    const l = asSchemaObject(left.value);
    const r = asSchemaObject(right.value);
    if (l === undefined || r === undefined) {
      if (canonicalJson(left.value) !== canonicalJson(right.value)) {
        this.add('schema-changed', path, right, { from: left.value, to: right.value });
      }
      return;
    }
    this.compareDeprecated(l, r, path, right);
    if (typeof l.$ref === 'string' || typeof r.$ref === 'string') {
      this.compareRefs(left, l, right, r, path);
      return;
    }
    this.compareType(l, r, path, right);
    this.compareBounds(l, r, path, right);
    this.compareOpaqueConstraints(l, r, path, right);
    this.compareEnum(l, r, path, right);
    this.compareProperties(left, l, right, r, path);
    this.compareAdditionalProperties(left, l, right, r, path);
    this.compareItems(left, l, right, r, path);
    for (const keyword of VARIANT_KEYWORDS) this.compareVariants(keyword, left, l, right, r, path);
    this.compareRemaining(l, r, path, right);
  }

  private add(kind: ChangeKind, path: string, at: Node, detail: Partial<SchemaChange> = {}): void {
    this.changes.push({ kind, path, location: formatAddress(at.address), ...detail });
  }

  /** The sub-schema at `keys` below `node` (whose parsed value is `value`), with its address. */
  private child(node: Node, value: JsonObject, ...keys: (string | number)[]): Node {
    const address = { file: node.address.file, pointer: appendPointer(node.address.pointer, ...keys) };
    return { value: readPointer(value, appendPointer('', ...keys)), address };
  }

  private compareDeprecated(l: JsonObject, r: JsonObject, path: string, at: Node): void {
    const was = l.deprecated === true;
    const is = r.deprecated === true;
    if (was !== is) this.add(is ? 'deprecated' : 'undeprecated', path, at, { keyword: 'deprecated' });
  }

  private compareRefs(left: Node, l: JsonObject, right: Node, r: JsonObject, path: string): void {
    const leftTarget = refTarget(l, left.address.file);
    const rightTarget = refTarget(r, right.address.file);
    if (typeof l.$ref === 'string' && typeof r.$ref === 'string') {
      if (leftTarget && rightTarget) {
        this.compareRefTargets(leftTarget, rightTarget, left.address.file, right, path);
      } else if (unversionedRef(l.$ref) !== unversionedRef(r.$ref)) {
        this.add('ref-changed', path, right, { keyword: '$ref', from: l.$ref, to: r.$ref });
      }
      return;
    }
    // Exactly one side is a $ref: expand it where the policy allows, so `{$ref: X}` and X inlined compare equal.
    const leftNode = typeof l.$ref === 'string' ? this.followable(this.from, leftTarget, left.address.file) : left;
    const rightNode = typeof r.$ref === 'string' ? this.followable(this.to, rightTarget, right.address.file) : right;
    const pairKey = `${formatAddress(left.address)}|${formatAddress(right.address)}`;
    if (leftNode && rightNode && !this.visited.has(pairKey)) {
      this.visited.add(pairKey);
      this.compare(leftNode, rightNode, path);
      return;
    }
    this.add('schema-changed', path, right, { keyword: '$ref', from: l.$ref, to: r.$ref });
  }

  private compareRefTargets(
    leftTarget: SchemaAddress,
    rightTarget: SchemaAddress,
    fromFile: string,
    right: Node,
    path: string,
  ): void {
    if (formatAddress(leftTarget) !== formatAddress(rightTarget)) {
      this.add('ref-changed', path, right, { keyword: '$ref', from: formatAddress(leftTarget), to: formatAddress(rightTarget) });
      return;
    }
    if (!this.mayFollow(leftTarget, fromFile)) return;
    const pairKey = `${formatAddress(leftTarget)}|${formatAddress(rightTarget)}`;
    if (this.visited.has(pairKey)) return;
    this.visited.add(pairKey);
    if (leftTarget.file !== fromFile && this.sameClosure(leftTarget.file, rightTarget.file)) return;
    const leftNode = this.expand(this.from, leftTarget);
    const rightNode = this.expand(this.to, rightTarget);
    if (leftNode && rightNode) {
      this.compare(leftNode, rightNode, path);
    } else if (leftNode !== rightNode) {
      const label = formatAddress(rightTarget);
      this.add('ref-changed', path, right, {
        keyword: '$ref',
        from: leftNode ? label : 'missing',
        to: rightNode ? label : 'missing',
      });
    }
  }

  private followable(side: CompareSide, target: SchemaAddress | undefined, fromFile: string): Node | undefined {
    return target && this.mayFollow(target, fromFile) ? this.expand(side, target) : undefined;
  }

  private mayFollow(target: SchemaAddress, fromFile: string): boolean {
    return this.policy === 'all' || target.file === fromFile;
  }

  private sameClosure(leftFile: string, rightFile: string): boolean {
    return this.from.fingerprints.closureHash(leftFile) === this.to.fingerprints.closureHash(rightFile);
  }

  private expand(side: CompareSide, address: SchemaAddress): Node | undefined {
    const value = side.snapshot.lookup(address);
    return value === undefined ? undefined : { value, address };
  }

  private compareType(l: JsonObject, r: JsonObject, path: string, at: Node): void {
    const before = typeSet(l.type);
    const after = typeSet(r.type);
    const narrower = covers(before, after);
    const wider = covers(after, before);
    if (narrower && wider) return;
    const kind = narrower ? 'constraint-tightened' : wider ? 'constraint-loosened' : 'constraint-changed';
    this.add(kind, path, at, { keyword: 'type', from: l.type, to: r.type });
  }

  private compareBounds(l: JsonObject, r: JsonObject, path: string, at: Node): void {
    for (const keyword of LOWER_BOUNDS) this.compareBound(keyword, l, r, path, at, 1);
    for (const keyword of UPPER_BOUNDS) this.compareBound(keyword, l, r, path, at, -1);
  }

  /** direction 1: a bigger value restricts (minimums); -1: a smaller value restricts (maximums). */
  private compareBound(keyword: string, l: JsonObject, r: JsonObject, path: string, at: Node, direction: 1 | -1): void {
    const before = typeof l[keyword] === 'number' ? (l[keyword] as number) : undefined;
    const after = typeof r[keyword] === 'number' ? (r[keyword] as number) : undefined;
    if (before === after) return;
    const tighter =
      before === undefined ? true : after === undefined ? false : (after - before) * direction > 0;
    this.add(tighter ? 'constraint-tightened' : 'constraint-loosened', path, at, { keyword, from: before, to: after });
  }

  private compareOpaqueConstraints(l: JsonObject, r: JsonObject, path: string, at: Node): void {
    for (const keyword of [...OPAQUE_CONSTRAINTS, 'uniqueItems']) {
      const before = keyword === 'uniqueItems' && l[keyword] === false ? undefined : l[keyword];
      const after = keyword === 'uniqueItems' && r[keyword] === false ? undefined : r[keyword];
      if (canonicalJson(before) === canonicalJson(after)) continue;
      const kind =
        before === undefined ? 'constraint-tightened' : after === undefined ? 'constraint-loosened' : 'constraint-changed';
      this.add(kind, path, at, { keyword, from: before, to: after });
    }
  }

  private compareEnum(l: JsonObject, r: JsonObject, path: string, at: Node): void {
    const before = Array.isArray(l.enum) ? l.enum : undefined;
    const after = Array.isArray(r.enum) ? r.enum : undefined;
    if (before === undefined && after === undefined) return;
    if (before === undefined || after === undefined) {
      const kind = before === undefined ? 'constraint-tightened' : 'constraint-loosened';
      this.add(kind, path, at, { keyword: 'enum', from: before, to: after });
      return;
    }
    const { added, removed } = diffMembers(before, after);
    for (const member of added) this.add('enum-member-added', path, at, { keyword: 'enum', to: member });
    for (const member of removed) this.add('enum-member-removed', path, at, { keyword: 'enum', from: member });
  }

  private compareProperties(left: Node, l: JsonObject, right: Node, r: JsonObject, path: string): void {
    const before = isObject(l.properties) ? l.properties : {};
    const after = isObject(r.properties) ? r.properties : {};
    const requiredBefore = stringSet(l.required);
    const requiredAfter = stringSet(r.required);
    for (const name of Object.keys(after).sort()) {
      const at = this.child(right, r, 'properties', name);
      if (!(name in before)) {
        this.add('property-added', joinPath(path, name), at, { required: requiredAfter.has(name) });
        continue;
      }
      this.compareRequired(name, requiredBefore, requiredAfter, joinPath(path, name), at);
      this.compare(this.child(left, l, 'properties', name), at, joinPath(path, name));
    }
    for (const name of Object.keys(before).sort()) {
      if (name in after) continue;
      const closed = r.additionalProperties === false;
      this.add('property-removed', joinPath(path, name), this.child(left, l, 'properties', name), { closed });
    }
    // `required` may name properties declared elsewhere (a oneOf branch requiring a field of the parent).
    for (const name of [...requiredBefore, ...requiredAfter].sort()) {
      if (name in before || name in after) continue;
      this.compareRequired(name, requiredBefore, requiredAfter, joinPath(path, name), this.child(right, r, 'required'));
    }
  }

  private compareRequired(name: string, before: Set<string>, after: Set<string>, path: string, at: Node): void {
    if (before.has(name) === after.has(name)) return;
    this.add(after.has(name) ? 'became-required' : 'no-longer-required', path, at, { keyword: 'required' });
  }

  private compareAdditionalProperties(left: Node, l: JsonObject, right: Node, r: JsonObject, path: string): void {
    const before = additionalPropertiesMode(l.additionalProperties);
    const after = additionalPropertiesMode(r.additionalProperties);
    if (before === 'schema' && after === 'schema') {
      const childPath = joinPath(path, '{*}');
      this.compare(this.child(left, l, 'additionalProperties'), this.child(right, r, 'additionalProperties'), childPath);
      return;
    }
    if (before === after) return;
    const openness = { open: 2, schema: 1, closed: 0 } as const;
    const kind = openness[after] < openness[before] ? 'constraint-tightened' : 'constraint-loosened';
    this.add(kind, path, right, { keyword: 'additionalProperties', from: l.additionalProperties, to: r.additionalProperties });
  }

  private compareItems(left: Node, l: JsonObject, right: Node, r: JsonObject, path: string): void {
    if (l.items === undefined && r.items === undefined) return;
    if (isObject(l.items) && isObject(r.items)) {
      this.compare(this.child(left, l, 'items'), this.child(right, r, 'items'), joinPath(path, '[]'));
      return;
    }
    if (Array.isArray(l.items) && Array.isArray(r.items) && l.items.length === r.items.length) {
      l.items.forEach((_, index) =>
        this.compare(this.child(left, l, 'items', index), this.child(right, r, 'items', index), joinPath(path, `[${index}]`)),
      );
      return;
    }
    const kind = l.items === undefined ? 'constraint-tightened' : r.items === undefined ? 'constraint-loosened' : 'schema-changed';
    this.add(kind, path, right, { keyword: 'items' });
  }

  private compareVariants(
    keyword: (typeof VARIANT_KEYWORDS)[number],
    left: Node,
    l: JsonObject,
    right: Node,
    r: JsonObject,
    path: string,
  ): void {
    const before = Array.isArray(l[keyword]) ? (l[keyword] as unknown[]) : [];
    const after = Array.isArray(r[keyword]) ? (r[keyword] as unknown[]) : [];
    if (before.length === 0 && after.length === 0) return;
    const { pairs, removed, added } = matchVariants(before, after, left.address.file, right.address.file);
    for (const [i, j] of pairs) {
      this.compare(this.child(left, l, keyword, i), this.child(right, r, keyword, j), joinPath(path, `${keyword}[${j}]`));
    }
    for (const i of removed) {
      this.add('variant-removed', path, this.child(left, l, keyword, i), { keyword, from: variantLabel(before[i], left.address.file) });
    }
    for (const j of added) {
      this.add('variant-added', path, this.child(right, r, keyword, j), { keyword, to: variantLabel(after[j], right.address.file) });
    }
  }

  private compareRemaining(l: JsonObject, r: JsonObject, path: string, at: Node): void {
    if (canonicalJson(l.default) !== canonicalJson(r.default)) {
      this.add('default-changed', path, at, { keyword: 'default', from: l.default, to: r.default });
    }
    const keywords = new Set([...Object.keys(l), ...Object.keys(r)]);
    for (const keyword of [...keywords].sort()) {
      if (HANDLED_KEYWORDS.has(keyword) || isAnnotationKeyword(keyword)) continue;
      if (canonicalJson(normalizeSchema(l[keyword])) !== canonicalJson(normalizeSchema(r[keyword]))) {
        this.add('schema-changed', path, at, { keyword });
      }
    }
  }
}

function asSchemaObject(value: unknown): JsonObject | undefined {
  if (value === true) return {};
  return isObject(value) ? value : undefined;
}

function refTarget(node: JsonObject, file: string): SchemaAddress | undefined {
  return typeof node.$ref === 'string' ? resolveRef(node.$ref, file) : undefined;
}

type TypeName = string;

/** `undefined` = any type. */
function typeSet(type: unknown): Set<TypeName> | undefined {
  if (typeof type === 'string') return new Set([type]);
  if (Array.isArray(type)) return new Set(type.filter((t): t is string => typeof t === 'string'));
  return undefined;
}

/** Whether every instance allowed by `inner` is allowed by `outer`. */
function covers(outer: Set<TypeName> | undefined, inner: Set<TypeName> | undefined): boolean {
  if (outer === undefined) return true;
  if (inner === undefined) return false;
  return [...inner].every((t) => outer.has(t) || (t === 'integer' && outer.has('number')));
}

function stringSet(value: unknown): Set<string> {
  return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
}

function additionalPropertiesMode(value: unknown): 'open' | 'closed' | 'schema' {
  if (value === undefined || value === true) return 'open';
  if (value === false) return 'closed';
  return isObject(value) && Object.keys(value).length === 0 ? 'open' : 'schema';
}

export function diffMembers(before: readonly unknown[], after: readonly unknown[]): { added: unknown[]; removed: unknown[] } {
  const beforeKeys = new Set(before.map(canonicalJson));
  const afterKeys = new Set(after.map(canonicalJson));
  return {
    added: after.filter((member) => !beforeKeys.has(canonicalJson(member))),
    removed: before.filter((member) => !afterKeys.has(canonicalJson(member))),
  };
}

/** A variant is identified by its `$ref` target, else its title, else it is paired by position. */
function variantKey(variant: unknown, file: string): string | undefined {
  if (!isObject(variant)) return undefined;
  if (typeof variant.$ref === 'string') {
    const target = resolveRef(variant.$ref, file);
    return target ? `ref:${formatAddress(target)}` : undefined;
  }
  return typeof variant.title === 'string' ? `title:${variant.title}` : undefined;
}

function variantLabel(variant: unknown, file: string): string {
  const key = variantKey(variant, file);
  if (key?.startsWith('ref:')) return key.slice(4);
  if (key?.startsWith('title:')) return key.slice(6);
  return isObject(variant) && variant.if !== undefined ? 'if/then rule' : 'inline schema';
}

function matchVariants(
  before: readonly unknown[],
  after: readonly unknown[],
  beforeFile: string,
  afterFile: string,
): { pairs: [number, number][]; removed: number[]; added: number[] } {
  const pairs: [number, number][] = [];
  const unmatchedAfter = new Set(after.keys());
  const removed: number[] = [];
  const afterKeys = after.map((variant) => variantKey(variant, afterFile));
  const inlineBefore: number[] = [];
  before.forEach((variant, i) => {
    const key = variantKey(variant, beforeFile);
    const j = key === undefined ? -1 : afterKeys.findIndex((k, index) => k === key && unmatchedAfter.has(index));
    if (j >= 0) {
      pairs.push([i, j]);
      unmatchedAfter.delete(j);
    } else if (key === undefined || key.startsWith('title:')) {
      inlineBefore.push(i);
    } else {
      removed.push(i);
    }
  });
  const inlineAfter = [...unmatchedAfter].filter((j) => !afterKeys[j]?.startsWith('ref:'));
  inlineBefore.forEach((i, n) => {
    const j = inlineAfter[n];
    if (j === undefined) {
      removed.push(i);
    } else {
      pairs.push([i, j]);
      unmatchedAfter.delete(j);
    }
  });
  return { pairs, removed, added: [...unmatchedAfter] };
}
