// One semantic difference between two versions of a schema node. Which party a change breaks is decided by
// verdict-rules.ts, not here: this module only says what changed and where.

export type ChangeKind =
  | 'property-added'
  | 'property-removed'
  | 'became-required'
  | 'no-longer-required'
  | 'constraint-tightened'
  | 'constraint-loosened'
  | 'constraint-changed'
  | 'enum-member-added'
  | 'enum-member-removed'
  | 'variant-added'
  | 'variant-removed'
  | 'ref-changed'
  | 'deprecated'
  | 'undeprecated'
  | 'default-changed'
  | 'schema-changed';

export interface SchemaChange {
  readonly kind: ChangeKind;
  /** Readable path from the compared document's root, e.g. `authentication.schemes[]`; `` for the root itself. */
  readonly path: string;
  /** `file#pointer` of the changed node in the newer snapshot (the older one when the node was removed). */
  readonly location: string;
  /** The JSON Schema keyword involved (`maxLength`, `oneOf`, `enum`…), when one is. */
  readonly keyword?: string;
  readonly from?: unknown;
  readonly to?: unknown;
  /** property-added: whether the new property is required. */
  readonly required?: boolean;
  /** property-removed: whether the object forbids unknown properties (`additionalProperties: false`). */
  readonly closed?: boolean;
}

export function joinPath(base: string, segment: string): string {
  if (base === '') return segment;
  return segment.startsWith('[') ? `${base}${segment}` : `${base}.${segment}`;
}
