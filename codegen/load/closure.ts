// The load stage proper: reads every schema file reachable through `$ref` from the roots, so that a
// garbled file, an unknown keyword or an unresolved `$ref` anywhere in the closure fails generation
// up front (naming the file), before any compilation starts.
import { CodegenError } from '../errors.js';
import { getByPointer } from './json.js';
import { resolveRef, type SchemaLocation } from './refs.js';
import type { SchemaStore } from './schema-store.js';

/** Loads the closure of `roots` (files relative to the schema dir); returns every file in it. */
export function loadClosure(store: SchemaStore, version: string, roots: readonly string[]): Set<string> {
  const files = new Set<string>(roots);
  const queue = [...roots];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const target of refTargetsOf(store, version, file)) {
      if (!files.has(target)) {
        files.add(target);
        queue.push(target);
      }
    }
  }
  return files;
}

/** Files `file` refers to; throws when one of its `$ref`s does not resolve. */
function refTargetsOf(store: SchemaStore, version: string, file: string): string[] {
  return store.refsOf(file).map(({ ref, pointer }) => resolveRefInCache(store, version, file, pointer, ref).file);
}

/** Where the `$ref` at `pointer` of `file` points, checked to exist in the cache; else a CodegenError. */
export function resolveRefInCache(store: SchemaStore, version: string, file: string, pointer: string, ref: string): SchemaLocation {
  const unresolved = (reason: string): never => {
    throw new CodegenError(`unresolved $ref "${ref}" at #${pointer}: ${reason}`, store.display(file));
  };
  const resolved = resolveRef(ref, file, version);
  if (!resolved.ok) return unresolved(resolved.reason);
  const { file: target, pointer: targetPointer } = resolved.location;
  if (!store.exists(target)) return unresolved(`${target} is not in the schema cache`);
  if (getByPointer(store.readSchema(target), targetPointer) === undefined) return unresolved(`${target} has nothing at #${targetPointer}`);
  return resolved.location;
}
