// The semantic form of a schema: what validation depends on, without prose or version strings.
// Two snapshots' files are "the same" when their normalized forms are byte-equal, so a release that only bumps the
// version in `$id`/`$ref` or rewrites descriptions produces no change. Ref closures are hashed so a result schema
// counts as changed when anything it references (transitively) changed.
import { createHash } from 'node:crypto';
import { resolveRef, unversionedRef } from './schema-ref.js';
import { isObject, type SchemaSnapshot } from './snapshot.js';

/**
 * Keywords no draft-07 validator acts on: documentation, and OpenAPI's `discriminator` hint. `x-*` extension
 * keywords are treated the same way.
 */
const ANNOTATION_KEYWORDS = new Set([
  '$schema',
  'discriminator',
  'readOnly',
  'writeOnly',
  '$id',
  '$comment',
  'title',
  'description',
  'examples',
  'enumDescriptions',
  'notes',
  '_bundled',
]);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);
const SCHEMA_KEYWORDS = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'not',
]);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
/** Keywords whose array value is a set: member order carries no meaning. */
const SET_KEYWORDS = new Set(['enum', 'required', 'type']);

export function isAnnotationKeyword(keyword: string): boolean {
  return ANNOTATION_KEYWORDS.has(keyword) || keyword.startsWith('x-');
}

/** Schema-aware normalization: a property *named* `description` is kept, the `description` keyword is dropped. */
export function normalizeSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalizeSchema);
  if (!isObject(node)) return node;
  const out: Record<string, unknown> = {};
  for (const keyword of Object.keys(node).sort()) {
    if (isAnnotationKeyword(keyword)) continue;
    out[keyword] = normalizeKeyword(keyword, node[keyword]);
  }
  return out;
}

function normalizeKeyword(keyword: string, value: unknown): unknown {
  if (keyword === '$ref' && typeof value === 'string') return unversionedRef(value);
  if (SCHEMA_MAP_KEYWORDS.has(keyword) && isObject(value)) {
    return Object.fromEntries(Object.keys(value).sort().map((name) => [name, normalizeSchema(value[name])]));
  }
  if (SCHEMA_KEYWORDS.has(keyword) || SCHEMA_LIST_KEYWORDS.has(keyword)) return normalizeSchema(value);
  if (SET_KEYWORDS.has(keyword) && Array.isArray(value)) {
    return [...value].sort((a, b) => canonicalJson(a).localeCompare(canonicalJson(b)));
  }
  return value;
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function semanticallyEqual(left: unknown, right: unknown): boolean {
  return canonicalJson(normalizeSchema(left)) === canonicalJson(normalizeSchema(right));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Per-snapshot memo of file hashes and ref closures. */
export class SnapshotFingerprints {
  private readonly fileHashes = new Map<string, string>();
  private readonly directRefs = new Map<string, readonly string[]>();
  private readonly closures = new Map<string, ReadonlyMap<string, string>>();

  constructor(private readonly snapshot: SchemaSnapshot) {}

  /** Hash of one file's normalized form; `missing` when the file does not exist. */
  fileHash(file: string): string {
    let hash = this.fileHashes.get(file);
    if (hash === undefined) {
      hash = this.snapshot.has(file) ? sha256(canonicalJson(normalizeSchema(this.snapshot.read(file)))) : 'missing';
      this.fileHashes.set(file, hash);
    }
    return hash;
  }

  /** Every file reachable from `file` through `$ref` (including itself), with its hash. */
  closure(file: string): ReadonlyMap<string, string> {
    const cached = this.closures.get(file);
    if (cached) return cached;
    const reached = new Map<string, string>();
    const pending = [file];
    while (pending.length > 0) {
      const next = pending.pop() as string;
      if (reached.has(next)) continue;
      reached.set(next, this.fileHash(next));
      pending.push(...this.refsOf(next));
    }
    this.closures.set(file, reached);
    return reached;
  }

  /** One hash for a file and everything it references. */
  closureHash(file: string): string {
    const lines = [...this.closure(file)].map(([path, hash]) => `${path}:${hash}`).sort();
    return sha256(lines.join('\n'));
  }

  private refsOf(file: string): readonly string[] {
    let refs = this.directRefs.get(file);
    if (refs === undefined) {
      const found = new Set<string>();
      if (this.snapshot.has(file)) collectRefs(this.snapshot.read(file), file, found);
      found.delete(file);
      refs = [...found];
      this.directRefs.set(file, refs);
    }
    return refs;
  }
}

function collectRefs(node: unknown, file: string, into: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, file, into);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const target = resolveRef(value, file);
      if (target) into.add(target.file);
    } else {
      collectRefs(value, file, into);
    }
  }
}
