// IR of the webhook envelope (core/mcp-webhook-payload.json) and of the registration config
// (core/push-notification-config.json): fields in schema order, which are required, and which enum
// schema each enum-typed field references.
import { CodegenError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../load/json.js';
import { resolveRef } from '../load/refs.js';
import { forEachSubschema } from '../load/schema-walk.js';
import type { SchemaStore } from '../load/schema-store.js';
import { ENVELOPE_FILE } from '../load/version.js';

export const CONFIG_FILE = 'core/push-notification-config.json';

/** Envelope fields the payload builder fills in itself, so callers never pass them. */
export const BUILDER_SUPPLIED_FIELDS = ['idempotency_key', 'timestamp', 'protocol'] as const;

export interface EnvelopeField {
  readonly name: string;
  readonly required: boolean;
}

export interface EnvelopeModel {
  readonly payloadFile: string;
  readonly configFile: string;
  /** schema order */
  readonly payloadFields: readonly EnvelopeField[];
  readonly taskTypeEnumFile: string;
  readonly statusEnumFile: string;
  readonly protocolEnumFile: string;
  /** every enum file the payload or the config references, sorted */
  readonly enumFiles: readonly string[];
}

export function readEnvelope(store: SchemaStore, version: string): EnvelopeModel {
  const payload = objectSchema(store, ENVELOPE_FILE);
  const config = objectSchema(store, CONFIG_FILE);
  const properties = isJsonObject(payload['properties']) ? payload['properties'] : {};
  const required = Array.isArray(payload['required']) ? payload['required'] : [];
  const fail = (why: string): never => {
    throw new CodegenError(why, store.display(ENVELOPE_FILE));
  };
  for (const name of ['task_id', 'task_type', 'status', 'result', ...BUILDER_SUPPLIED_FIELDS]) {
    if (!isJsonObject(properties[name])) fail(`the envelope has no \`${name}\` property`);
  }
  const enumOf = (field: string): string =>
    enumFileOfProperty(properties[field], version) ?? fail(`property \`${field}\` does not $ref an enums/*.json schema`);
  return {
    payloadFile: ENVELOPE_FILE,
    configFile: CONFIG_FILE,
    payloadFields: Object.keys(properties).map((name) => ({ name, required: required.includes(name) })),
    taskTypeEnumFile: enumOf('task_type'),
    statusEnumFile: enumOf('status'),
    protocolEnumFile: enumOf('protocol'),
    enumFiles: [...new Set([...enumRefsIn(payload, ENVELOPE_FILE, version), ...enumRefsIn(config, CONFIG_FILE, version)])].sort(),
  };
}

function objectSchema(store: SchemaStore, file: string): JsonObject {
  const schema = store.readSchema(file);
  if (!isJsonObject(schema) || !isJsonObject(schema['properties'])) {
    throw new CodegenError('expected an object schema with `properties`', store.display(file));
  }
  return schema;
}

function enumFileOfProperty(property: unknown, version: string): string | undefined {
  if (!isJsonObject(property) || typeof property['$ref'] !== 'string') return undefined;
  const resolved = resolveRef(property['$ref'], ENVELOPE_FILE, version);
  return resolved.ok && resolved.location.pointer === '' && resolved.location.file.startsWith('enums/') ? resolved.location.file : undefined;
}

/** Enum files referenced anywhere inside one schema file (not following refs into other files). */
function enumRefsIn(schema: JsonObject, file: string, version: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (!isJsonObject(node)) return;
    if (typeof node['$ref'] === 'string') {
      const resolved = resolveRef(node['$ref'], file, version);
      if (resolved.ok && resolved.location.file.startsWith('enums/')) found.push(resolved.location.file);
    }
    forEachSubschema(node, (child) => visit(child));
  };
  visit(schema);
  return found;
}
