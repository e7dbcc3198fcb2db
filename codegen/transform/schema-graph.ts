// Resolves `$ref`s into ONE in-memory graph of shared schema objects: every location (file + JSON
// pointer) becomes exactly one object, however many refs reach it. json-schema-to-typescript caches
// by object identity, so a schema reached through one `$id` is declared once — none of the `Foo1`,
// `Foo2` copies its own ref parser makes when a `$ref` carries sibling keywords.
// Per-node rewriting (which keywords survive, shaping for the tools) is up to the caller's GraphHooks.
import { CodegenError } from '../errors.js';
import { escapePointerToken, getByPointer, isJsonObject, type JsonObject, type JsonValue } from '../load/json.js';
import { resolveRefInCache } from '../load/closure.js';
import { locationKey, type SchemaLocation } from '../load/refs.js';
import { holdsSubschemas, SUBSCHEMA_MAPS } from '../load/schema-walk.js';
import type { SchemaStore } from '../load/schema-store.js';

export interface GraphHooks {
  /**
   * A ready node standing for the schema at `location` — a `$ref` target or an inline subschema —
   * instead of building it (e.g. a type emitted by another module, or a field typed by hand).
   */
  substitute(location: SchemaLocation): JsonObject | undefined;
  /** Keeps or drops one keyword of a schema node (subschema-holding keywords are rebuilt after). */
  keepKeyword(keyword: string): boolean;
  /** Node standing for a `$ref` site: `target` plus the site's own kept sibling keywords. */
  refSite(target: JsonObject, siblings: JsonObject): JsonObject;
  /** Last look at a built node (children already built). May return another node. */
  finish(node: JsonObject): JsonObject;
}

export class SchemaGraph {
  private readonly nodes = new Map<string, JsonObject>();
  /** Where each built node came from (ref targets and inline nodes alike). */
  readonly origins = new WeakMap<object, SchemaLocation>();
  /** Nodes reached through a `$ref` (they deserve a declaration of their own). */
  readonly refTargets = new WeakSet<object>();
  /** Schema files built into the graph (substituted ones excluded). */
  readonly files = new Set<string>();

  constructor(
    private readonly store: SchemaStore,
    private readonly version: string,
    private readonly hooks: GraphHooks,
  ) {}

  /** The shared node for a location; built once. */
  nodeAt(location: SchemaLocation): JsonObject {
    const key = locationKey(location);
    const existing = this.nodes.get(key);
    if (existing) return existing;
    const substitute = this.hooks.substitute(location);
    if (substitute) {
      this.nodes.set(key, substitute);
      return substitute;
    }
    this.files.add(location.file);
    const raw = getByPointer(this.store.readSchema(location.file), location.pointer);
    if (raw === undefined) {
      throw new CodegenError(`no schema at #${location.pointer}`, this.store.display(location.file));
    }
    // Registered before building so a cycle reaches this same object.
    const node: JsonObject = {};
    this.nodes.set(key, node);
    const built = this.build(raw, location);
    if (!isJsonObject(built)) {
      throw new CodegenError(`schema at #${location.pointer} is a boolean; a $ref target must be an object schema`, this.store.display(location.file));
    }
    Object.assign(node, built);
    this.origins.set(node, location);
    return node;
  }

  private build(raw: JsonValue, at: SchemaLocation): JsonValue {
    if (typeof raw === 'boolean') return raw;
    if (at.pointer !== '') {
      const substitute = this.hooks.substitute(at);
      if (substitute) return substitute;
    }
    if (!isJsonObject(raw)) {
      throw new CodegenError(`schema at #${at.pointer} is neither an object nor a boolean`, this.store.display(at.file));
    }
    if (typeof raw['$ref'] === 'string') return this.buildRefSite(raw, raw['$ref'], at);
    const node: JsonObject = {};
    for (const [keyword, value] of Object.entries(raw)) {
      if (!this.hooks.keepKeyword(keyword)) continue;
      node[keyword] = holdsSubschemas(keyword) ? this.buildChildren(keyword, value, at) : value;
    }
    const finished = this.hooks.finish(node);
    this.origins.set(finished, at);
    return finished;
  }

  private buildChildren(keyword: string, value: JsonValue, at: SchemaLocation): JsonValue {
    const base = `${at.pointer}/${escapePointerToken(keyword)}`;
    const child = (schema: JsonValue, pointer: string): JsonValue => this.build(schema, { file: at.file, pointer });
    if (Array.isArray(value)) return value.map((schema, index) => child(schema, `${base}/${index}`));
    if (SUBSCHEMA_MAPS.has(keyword) && isJsonObject(value)) {
      const map: JsonObject = {};
      for (const [name, schema] of Object.entries(value)) {
        // `dependencies` mixes subschemas with property-name arrays; arrays are data.
        map[name] = Array.isArray(schema) ? schema : child(schema, `${base}/${escapePointerToken(name)}`);
      }
      return map;
    }
    return child(value, base);
  }

  private buildRefSite(raw: JsonObject, ref: string, at: SchemaLocation): JsonObject {
    const node = this.nodeAt(resolveRefInCache(this.store, this.version, at.file, at.pointer, ref));
    this.refTargets.add(node);
    const siblings: JsonObject = {};
    for (const [keyword, value] of Object.entries(raw)) {
      if (keyword !== '$ref' && this.hooks.keepKeyword(keyword)) siblings[keyword] = value;
    }
    return this.hooks.refSite(node, siblings);
  }
}
