// result-validators.standalone.ts (ajv standalone code for every task result schema) and
// result-validators.ts (validateWebhookResult: the `result` of one task type × status).
// Unlike validators.ts, `$ref`s are kept: every schema file the result schemas reach is added to one
// ajv instance under its own `$id`, so each referenced location compiles to one function that every
// ref site calls (inlining them per result schema would repeat shared schemas hundreds of times).
import { CodegenError } from '../errors.js';
import { resolveRefInCache } from '../load/closure.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../load/json.js';
import { isNonStandardKeyword } from '../load/keywords.js';
import { CANONICAL_SCHEMA_ORIGIN } from '../load/refs.js';
import { holdsSubschemas, SUBSCHEMA_MAPS } from '../load/schema-walk.js';
import type { SchemaStore } from '../load/schema-store.js';
import type { TaskResultSchemas } from '../model/result-map.js';
import { DEFAULT_BINDING_ENTRY, type EmitContext, type EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { importType, jsDoc, propertyKey } from './ts-text.js';
import { ANNOTATIONS, compileStandalone, standaloneModule, toIssueSource } from './validators.js';
import { TERMINAL_STATUSES } from './webhook-result.js';

/** The schema's `$id` is replaced by a canonical one; `$schema` is the ajv default (draft-07). */
const REPLACED = new Set(['$id', '$schema']);

/**
 * Refs stay calls. The result schemas are legal draft-07 that ajv's strict mode rejects: `required`
 * naming a property the subschema does not define (`not: { required: [...] }` in oneOf branches),
 * union `type`s, `items` / `properties` in branches without their own `type`; those strict checks are off.
 */
export const RESULT_AJV_OPTIONS = { inlineRefs: false, strictRequired: false, strictTypes: false, allowUnionTypes: true } as const;

export async function emitResultValidators(ctx: EmitContext): Promise<EmittedModule[]> {
  const roots = resultFiles(ctx.model.results);
  const { schemas, formats } = collectAjvSchemas(ctx.store, ctx.model.version, roots);
  const exportNames = new Map(roots.map((file) => [file, exportNameOf(file)]));
  assertDistinct([...exportNames.values()]);
  const exports = Object.fromEntries(roots.map((file) => [exportNames.get(file)!, schemaId(ctx.model.version, file)]));
  const byId = Object.fromEntries(schemas.map((schema) => [String(schema['$id']), schema]));
  const code = await compileStandalone(ctx, byId, exports, formats, RESULT_AJV_OPTIONS);
  return [
    {
      path: `${MODULES.standaloneResultValidators}.ts`,
      sources: roots,
      referencedCount: schemas.length - roots.length,
      body: standaloneModule(code, ctx.bindingEntry ?? DEFAULT_BINDING_ENTRY, MODULES.resultValidators),
      unformatted: true,
    },
    { path: `${MODULES.resultValidators}.ts`, sources: roots, body: wrappersModule(ctx, exportNames) },
  ];
}

/** Every result schema file (terminal and interim), sorted. */
function resultFiles(results: readonly TaskResultSchemas[]): string[] {
  return [...new Set(results.flatMap((result) => [result.terminalFile, ...result.interim.map((entry) => entry.file)]))].sort();
}

/** The canonical `$id` each schema file is registered under. */
export function schemaId(version: string, file: string): string {
  return `${CANONICAL_SCHEMA_ORIGIN}/schemas/${version}/${file}`;
}

/** `media-buy/create-media-buy-response.json` → `validateMediaBuyCreateMediaBuyResponse`. */
function exportNameOf(file: string): string {
  const words = file.replace(/\.json$/, '').split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  return 'validate' + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

function assertDistinct(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`codegen: two result schema files map onto the validator name ${name}`);
    seen.add(name);
  }
}

/**
 * The root files and every file their `$ref`s reach, each cleaned for ajv (ref sites rewritten to
 * canonical ids, `$id` = schemaId), sorted by id; and the formats they use.
 */
export function collectAjvSchemas(store: SchemaStore, version: string, roots: readonly string[]): { schemas: JsonObject[]; formats: string[] } {
  const formats = new Set<string>();
  const queued = new Set<string>(roots);
  const pending = [...roots];
  const schemas: JsonObject[] = [];
  while (pending.length > 0) {
    const file = pending.shift()!;
    const reach = (ref: string, pointer: string): string => {
      const target = resolveRefInCache(store, version, file, pointer, ref);
      if (!queued.has(target.file)) {
        queued.add(target.file);
        pending.push(target.file);
      }
      return `${schemaId(version, target.file)}#${target.pointer}`;
    };
    const cleaned = cleanNode(store.readSchema(file), '', { reach, formats, display: store.display(file) });
    schemas.push({ $id: schemaId(version, file), ...(cleaned as JsonObject) });
  }
  schemas.sort((a, b) => (String(a['$id']) < String(b['$id']) ? -1 : 1));
  return { schemas, formats: [...formats].sort() };
}

interface CleanContext {
  /** The canonical ref for a `$ref` found at `pointer`; queues its file. */
  readonly reach: (ref: string, pointer: string) => string;
  readonly formats: Set<string>;
  readonly display: string;
}

/**
 * One schema node as ajv gets it: annotations and non-standard keywords dropped, a `$ref` site reduced
 * to its canonical `$ref` (draft-07 ignores keywords beside `$ref`).
 */
function cleanNode(raw: JsonValue, pointer: string, clean: CleanContext): JsonValue {
  if (typeof raw === 'boolean') return raw;
  if (!isJsonObject(raw)) throw new CodegenError(`schema at #${pointer} is neither an object nor a boolean`, clean.display);
  if (typeof raw['$ref'] === 'string') return { $ref: clean.reach(raw['$ref'], pointer) };
  const node: JsonObject = {};
  for (const [keyword, value] of Object.entries(raw)) {
    if (ANNOTATIONS.has(keyword) || REPLACED.has(keyword) || isNonStandardKeyword(keyword)) continue;
    node[keyword] = holdsSubschemas(keyword) ? cleanChildren(keyword, value, `${pointer}/${keyword}`, clean) : value;
  }
  if (typeof node['format'] === 'string') clean.formats.add(node['format']);
  return node;
}

function cleanChildren(keyword: string, value: JsonValue, base: string, clean: CleanContext): JsonValue {
  if (Array.isArray(value)) return value.map((schema, index) => cleanNode(schema, `${base}/${index}`, clean));
  if (SUBSCHEMA_MAPS.has(keyword) && isJsonObject(value)) {
    const map: JsonObject = {};
    for (const [name, schema] of Object.entries(value)) {
      // `dependencies` mixes subschemas with property-name arrays; arrays are data.
      map[name] = Array.isArray(schema) ? schema : cleanNode(schema, `${base}/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`, clean);
    }
    return map;
  }
  return cleanNode(value, base, clean);
}

function wrappersModule(ctx: EmitContext, exportNames: ReadonlyMap<string, string>): string {
  const { version, results, taskTypes, statuses } = ctx.model;
  const rows = results.map((result) => resultRow(result, exportNames));
  return [
    importType([NAMES.validationIssue, NAMES.validationResult], MODULES.validation),
    importType([NAMES.webhookResult], MODULES.webhookResult),
    importType([taskTypes.names.type], taskTypes.names.module),
    importType([statuses.names.type], statuses.names.module),
    `import {\n${[...new Set(exportNames.values())].sort().map((name) => `  ${name},\n`).join('')}`,
    `  type StandaloneValidateFunction,\n  type StandaloneValidationError,\n} from './${MODULES.standaloneResultValidators}.js';\n\n`,
    '/** Task type → task status → the validator of `result` (terminal statuses share the task response schema). */\n',
    'const RESULT_VALIDATORS: { readonly [taskType: string]: { readonly [status: string]: StandaloneValidateFunction } } = {\n',
    ...rows,
    '};\n\n',
    jsDoc([
      `Checks the \`result\` of an AdCP ${version} webhook of task type \`taskType\` in status \`status\` (building/by-layer/L3/webhooks.mdx "Webhook payload"):`,
      `- ${TERMINAL_STATUSES.join(' / ')}: against the task's full response schema (${NAMES.resultMap}[T]);`,
      '- working / input-required / submitted: against the interim schema manifest.json tools[].async_response_schemas gives the task type, if any;',
      '- any other task type and status: `result` must be an object.',
      'Error paths are JSON pointers into `value`; schemas are open, so unknown members pass.',
    ]),
    `export function ${NAMES.validateResult}<T extends ${taskTypes.names.type}, S extends ${statuses.names.type}>(taskType: T, status: S, value: unknown): ${NAMES.validationResult}<${NAMES.webhookResult}<T, S>> {\n`,
    '  const validate = resultValidatorFor(taskType, status);\n',
    `  if (validate === undefined) return isJsonObject(value) ? { ok: true, value: value as ${NAMES.webhookResult}<T, S> } : { ok: false, errors: [NOT_AN_OBJECT] };\n`,
    `  if (validate(value)) return { ok: true, value: value as ${NAMES.webhookResult}<T, S> };\n`,
    '  return { ok: false, errors: (validate.errors ?? []).map(toIssue) };\n}\n\n',
    jsDoc([`True when AdCP ${version} gives the \`result\` of task type \`taskType\` in status \`status\` a schema of its own.`]),
    `export function ${NAMES.hasResultSchema}(taskType: string, status: string): boolean {\n`,
    '  return resultValidatorFor(taskType, status) !== undefined;\n}\n\n',
    'function resultValidatorFor(taskType: string, status: string): StandaloneValidateFunction | undefined {\n',
    '  const byStatus = Object.prototype.hasOwnProperty.call(RESULT_VALIDATORS, taskType) ? RESULT_VALIDATORS[taskType] : undefined;\n',
    '  return byStatus !== undefined && Object.prototype.hasOwnProperty.call(byStatus, status) ? byStatus[status] : undefined;\n}\n\n',
    `const NOT_AN_OBJECT: ${NAMES.validationIssue} = { path: '', keyword: 'type', message: 'must be object' };\n\n`,
    'function isJsonObject(value: unknown): boolean {\n',
    "  return typeof value === 'object' && value !== null && !Array.isArray(value);\n}\n\n",
    toIssueSource(),
  ].join('');
}

function resultRow(result: TaskResultSchemas, exportNames: ReadonlyMap<string, string>): string {
  const entries = [
    ...TERMINAL_STATUSES.map((status) => [status, exportNames.get(result.terminalFile)!] as const),
    ...result.interim.map((entry) => [entry.status, exportNames.get(entry.file)!] as const),
  ];
  const cells = entries.map(([status, name]) => `${propertyKey(status)}: ${name}`).join(', ');
  return `  ${propertyKey(result.taskType)}: { ${cells} },\n`;
}
