// The schemas the webhook documents pull in by `$ref`: enums (task-status, adcp-protocol, auth-scheme…) and the
// rest (the `result` union). Collected from both snapshots so that a reference gained or lost is still listed.
import { resolveRef } from './schema-ref.js';
import { ENVELOPE_FILE, isObject, PUSH_CONFIG_FILE, type SchemaSnapshot } from './snapshot.js';
import type { DocumentRole } from './verdict-rules.js';

export const SURFACE_DOCUMENTS: readonly { readonly role: DocumentRole; readonly file: string }[] = [
  { role: 'envelope', file: ENVELOPE_FILE },
  { role: 'push-config', file: PUSH_CONFIG_FILE },
];

export interface SurfaceReference {
  readonly file: string;
  readonly usedBy: readonly DocumentRole[];
  /** Whether the referenced file is an enum schema (in either snapshot). */
  readonly isEnum: boolean;
}

export function surfaceReferences(from: SchemaSnapshot, to: SchemaSnapshot): SurfaceReference[] {
  const usedBy = new Map<string, Set<DocumentRole>>();
  for (const snapshot of [from, to]) {
    for (const { role, file } of SURFACE_DOCUMENTS) {
      for (const target of crossFileRefs(snapshot.read(file), file)) {
        const roles = usedBy.get(target) ?? new Set<DocumentRole>();
        roles.add(role);
        usedBy.set(target, roles);
      }
    }
  }
  return [...usedBy.keys()].sort().map((file) => ({
    file,
    usedBy: SURFACE_DOCUMENTS.map((doc) => doc.role).filter((role) => usedBy.get(file)?.has(role)),
    isEnum: isEnumSchema(from, file) || isEnumSchema(to, file),
  }));
}

export function isEnumSchema(snapshot: SchemaSnapshot, file: string): boolean {
  if (!snapshot.has(file)) return false;
  const node = snapshot.read(file);
  return isObject(node) && Array.isArray(node.enum);
}

function crossFileRefs(node: unknown, file: string, into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const item of node) crossFileRefs(item, file, into);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const target = resolveRef(value, file);
        if (target && target.file !== file) into.add(target.file);
      } else {
        crossFileRefs(value, file, into);
      }
    }
  }
  return into;
}
