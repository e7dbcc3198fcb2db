// notification-validators.standalone.ts (ajv standalone code for every webhook kind's payload schema)
// and notification-validators.ts (validateNotificationPayload). Unlike the envelope validators, the
// schema files are handed to ajv one by one with their `$ref`s kept, and refs are never inlined:
// a schema reached from many places (the wholesale feed's product and signal closure) is compiled
// into exactly one function that every site calls.
import { CodegenError } from '../errors.js';
import { isNonStandardKeyword } from '../load/keywords.js';
import { resolveRefInCache } from '../load/closure.js';
import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from '../load/json.js';
import { CANONICAL_SCHEMA_ORIGIN, type SchemaLocation } from '../load/refs.js';
import { holdsSubschemas, SUBSCHEMA_MAPS } from '../load/schema-walk.js';
import type { NotificationKind } from '../model/notification-kinds.js';
import { DEFAULT_BINDING_ENTRY, type EmitContext, type EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { importType, jsDoc, literal } from './ts-text.js';
import { ANNOTATIONS, compileStandalone, RUN_VALIDATOR_SOURCE, standaloneModule } from './validators.js';

/**
 * Catalogue objects embedded in wholesale feed events (core/wholesale-feed-event.json) are validated
 * shallowly, as objects: the `product` (and, from 3.2, `canonical_product`) of product.created /
 * product.updated and the `signal` of signal.created / signal.updated. Their closure (placements,
 * formats, forecasts, measurement, provenance: some 130 files) compiled in full made this module over
 * 2 MB and generation more than ten seconds slower, for shapes a buyer re-reads with get_products /
 * get_signals anyway. Every other member of an event (ids, event type, applies_to, pricing options,
 * removal reasons) is checked in full.
 */
const SHALLOW: readonly SchemaLocation[] = [
  { file: 'core/product.json', pointer: '' },
  { file: 'core/canonical-product.json', pointer: '' },
  { file: 'core/signal-listing.json', pointer: '' },
  { file: 'core/wholesale-feed-event.json', pointer: '/$defs/signal' },
];
const SHALLOW_SCHEMA: JsonObject = { type: 'object' };

function isShallow(location: SchemaLocation): boolean {
  return SHALLOW.some(({ file, pointer }) => file === location.file && (location.pointer === pointer || location.pointer.startsWith(`${pointer}/`)));
}

/** Ids and draft markers are rewritten: every file gets one canonical `$id`, every `$ref` an absolute target. */
const DROPPED = new Set(['$id', '$schema']);

export async function emitNotificationValidators(ctx: EmitContext, kinds: readonly NotificationKind[]): Promise<EmittedModule[]> {
  const payloadFiles = [...new Set(kinds.map((kind) => kind.payloadFile))].sort();
  const exportNames = new Map(payloadFiles.map((file, index) => [file, `validateNotificationSchema${index}`]));
  const files = closureWithoutShallow(ctx, payloadFiles);
  const formats = new Set<string>();
  const schemas = files.map((file) => ajvSchema(ctx, file, formats));
  const code = await standaloneCode(ctx, schemas, [...formats].sort(), exportNames);
  return [
    {
      path: `${MODULES.notificationStandaloneValidators}.ts`,
      sources: payloadFiles,
      referencedCount: files.length - payloadFiles.length,
      body: standaloneModule(withoutSchemaPaths(code), ctx.bindingEntry ?? DEFAULT_BINDING_ENTRY),
      unformatted: true,
    },
    { path: `${MODULES.notificationValidators}.ts`, sources: payloadFiles, body: wrappersModule(ctx, kinds, exportNames) },
  ];
}

/** Files reachable from the payload schemas through refs, not descending into the shallow ones. */
function closureWithoutShallow(ctx: EmitContext, roots: readonly string[]): string[] {
  const files = new Set(roots);
  const queue = [...roots];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const { ref, pointer } of ctx.store.refsOf(file)) {
      if (isShallow({ file, pointer })) continue;
      const target = resolveRefInCache(ctx.store, ctx.model.version, file, pointer, ref);
      if (isShallow(target) || files.has(target.file)) continue;
      files.add(target.file);
      queue.push(target.file);
    }
  }
  return [...files].sort();
}

/** The canonical `$id` ajv knows a schema file by. */
function schemaId(version: string, file: string): string {
  return `${CANONICAL_SCHEMA_ORIGIN}/schemas/${version}/${file}`;
}

/** One schema file as ajv compiles it: annotations and non-standard keywords dropped, `$ref`s absolute. */
function ajvSchema(ctx: EmitContext, file: string, formats: Set<string>): JsonObject {
  const root = ctx.store.readSchema(file);
  if (!isJsonObject(root)) throw new CodegenError('expected a JSON Schema object', ctx.store.display(file));
  const cleaned = cleanNode(ctx, file, root, '', formats) as JsonObject;
  return { $id: schemaId(ctx.model.version, file), ...cleaned };
}

function cleanNode(ctx: EmitContext, file: string, node: JsonValue, pointer: string, formats: Set<string>): JsonValue {
  if (!isJsonObject(node)) return node;
  if (isShallow({ file, pointer })) return SHALLOW_SCHEMA;
  // draft-07 ignores keywords beside `$ref`, so a ref site validates exactly as its target.
  if (typeof node['$ref'] === 'string') {
    const target = resolveRefInCache(ctx.store, ctx.model.version, file, pointer, node['$ref']);
    return isShallow(target) ? SHALLOW_SCHEMA : { $ref: absoluteRef(ctx.model.version, target) };
  }
  const cleaned: JsonObject = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(keyword) || DROPPED.has(keyword) || isNonStandardKeyword(keyword)) continue;
    if (keyword === 'format' && typeof value === 'string') formats.add(value);
    cleaned[keyword] = holdsSubschemas(keyword) ? cleanChildren(ctx, file, keyword, value, `${pointer}/${escapePointerToken(keyword)}`, formats) : value;
  }
  return cleaned;
}

function cleanChildren(ctx: EmitContext, file: string, keyword: string, value: JsonValue, base: string, formats: Set<string>): JsonValue {
  const child = (schema: JsonValue, pointer: string): JsonValue => cleanNode(ctx, file, schema, pointer, formats);
  if (Array.isArray(value)) return value.map((schema, index) => child(schema, `${base}/${index}`));
  if (SUBSCHEMA_MAPS.has(keyword) && isJsonObject(value)) {
    // `dependencies` mixes subschemas with property-name arrays; arrays are data.
    return Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, Array.isArray(schema) ? schema : child(schema, `${base}/${escapePointerToken(name)}`)]));
  }
  return child(value, base);
}

function absoluteRef(version: string, target: SchemaLocation): string {
  const fragment = target.pointer === '' ? '' : `#${target.pointer.split('/').map(encodeURIComponent).join('/')}`;
  return schemaId(version, target.file) + fragment;
}

/** inlineRefs off: each referenced schema becomes one function, called from every site. */
const KIND_AJV_OPTIONS = { strictTypes: false, strictTuples: false, strictRequired: false, inlineRefs: false };

async function standaloneCode(ctx: EmitContext, schemas: readonly JsonObject[], formats: string[], exportNames: ReadonlyMap<string, string>): Promise<string> {
  const byId = Object.fromEntries(schemas.map((schema) => [String(schema['$id']), schema]));
  const exports = Object.fromEntries([...exportNames].map(([file, name]) => [name, schemaId(ctx.model.version, file)]));
  return compileStandalone(ctx, byId, exports, formats, KIND_AJV_OPTIONS, [...exportNames.keys()][0]);
}

/** ajv error objects carry a `schemaPath` string nothing reads (issues are instance pointers); about a tenth of the code. */
function withoutSchemaPaths(code: string): string {
  return code.replace(/schemaPath:"(?:[^"\\]|\\.)*",/g, '');
}

function wrappersModule(ctx: EmitContext, kinds: readonly NotificationKind[], exportNames: ReadonlyMap<string, string>): string {
  const { version } = ctx.model;
  const entries = kinds.map((kind) => `  ${literal(kind.name)}: { validate: ${exportNames.get(kind.payloadFile)!}, discriminator: ${JSON.stringify(kind.discriminator)} },\n`).join('');
  return [
    importType([NAMES.notificationKindName, NAMES.notificationPayloads], MODULES.notifications),
    importType([NAMES.validationIssue, NAMES.validationResult], MODULES.validation),
    `import { ${[...new Set(exportNames.values())].join(', ')}, type StandaloneValidateFunction, type StandaloneValidationError } from './${MODULES.notificationStandaloneValidators}.js';\n\n`,
    'interface KindValidator {\n  readonly validate: StandaloneValidateFunction;\n  readonly discriminator: { readonly field: string; readonly value: string } | null;\n}\n\n',
    `const KIND_VALIDATORS: Readonly<Record<${NAMES.notificationKindName}, KindValidator>> = {\n${entries}};\n\n`,
    jsDoc([
      `Checks \`value\` against the payload schema of webhook kind \`kind\` of AdCP ${version} (formats included), and that`,
      'its discriminator (`notification_type` / `event`) names this kind when the schema is shared by several kinds',
      '(building/by-layer/L3/webhooks.mdx — Persistent channel contract). Issues carry JSON pointers.',
    ]),
    `export function ${NAMES.validateNotificationPayload}<K extends ${NAMES.notificationKindName}>(kind: K, value: unknown): ${NAMES.validationResult}<${NAMES.notificationPayloads}[K]> {\n`,
    '  const entry = KIND_VALIDATORS[kind];\n',
    "  if (entry === undefined) return { ok: false, errors: [{ path: '', keyword: 'kind', message: `unknown notification kind ${String(kind)}` }] };\n",
    `  const result = runValidator<${NAMES.notificationPayloads}[K]>(entry.validate, value);\n`,
    '  if (!result.ok || entry.discriminator === null) return result;\n',
    '  const { field, value: expected } = entry.discriminator;\n',
    '  if ((value as Record<string, unknown>)[field] === expected) return result;\n',
    "  return { ok: false, errors: [{ path: `/${field}`, keyword: 'const', message: `must be equal to constant ${JSON.stringify(expected)}` }] };\n}\n\n",
    RUN_VALIDATOR_SOURCE,
  ].join('');
}
