// validators.standalone.ts (ajv standalone code, precompiled here, never compiled at run time) and
// validators.ts (typed wrappers returning ValidationResult).
import { CodegenError } from '../errors.js';
import type { NotificationKind } from '../model/notification-kinds.js';
import { isNonStandardKeyword } from '../load/keywords.js';
import type { JsonObject } from '../load/json.js';
import { SchemaGraph } from '../transform/schema-graph.js';
import { DEFAULT_BINDING_ENTRY, type EmitContext, type EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { importType, jsDoc } from './ts-text.js';
import { isAjvFormatName } from '../../src/runtime/binding/formats.js';

/** Annotation keywords: they never change validity, and ajv would embed their (long) text in the code. */
export const ANNOTATIONS: ReadonlySet<string> = new Set(['title', 'description', 'default', 'examples', '$comment', 'readOnly', 'writeOnly']);
/** `$ref`s are inlined by the graph, so ids and definition containers are no longer needed. */
const RESOLVED = new Set(['$id', '$schema', 'definitions', '$defs']);

const PAYLOAD_KEY = 'mcp-webhook-payload';
const CONFIG_KEY = 'push-notification-config';
const RAW_PAYLOAD = 'validateMcpWebhookPayloadSchema';
const RAW_CONFIG = 'validatePushNotificationConfigSchema';

export async function emitValidators(ctx: EmitContext, kinds: readonly NotificationKind[] = []): Promise<EmittedModule[]> {
  const { payloadFile, configFile } = ctx.model.envelope;
  const formats = new Set<string>();
  const graph = new SchemaGraph(ctx.store, ctx.model.version, {
    keepKeyword: (keyword) => !ANNOTATIONS.has(keyword) && !RESOLVED.has(keyword) && !isNonStandardKeyword(keyword),
    // draft-07 ignores keywords beside `$ref`, so a ref site validates exactly as its target.
    refSite: (target) => target,
    finish: (node) => {
      if (typeof node['format'] === 'string') formats.add(node['format']);
      return node;
    },
    // Here every `result` of the envelope (the property, and in 3.2 the get_products if/then branch) is
    // checked only to be an object; the generated validateMcpWebhookPayload then checks it per task type
    // and status with the result validators (result-validators.ts).
    substitute: (location) => (location.file === payloadFile && location.pointer.endsWith('/properties/result') ? { type: 'object' } : undefined),
  });
  const payload = graph.nodeAt({ file: payloadFile, pointer: '' });
  const config = graph.nodeAt({ file: configFile, pointer: '' });
  const code = await standaloneCode(ctx, { payload, config }, [...formats].sort());
  return [
    { path: `${MODULES.standaloneValidators}.ts`, sources: [payloadFile, configFile], referencedCount: graph.files.size - 2, body: standaloneModule(code, ctx.bindingEntry ?? DEFAULT_BINDING_ENTRY) },
    { path: `${MODULES.validators}.ts`, sources: [payloadFile, configFile], body: wrappersModule(ctx, notificationFires(ctx, kinds)) },
  ];
}

/** ajv, ajv-formats' addFormats and ajv's standalone code generator, loaded lazily. */
async function loadAjvStandalone() {
  // CommonJS modules: under NodeNext, `default` is module.exports, whose own `default` is the function.
  const [{ Ajv }, formatsModule, standaloneCodeModule] = await Promise.all([
    import('ajv'),
    import('ajv-formats'),
    import('ajv/dist/standalone/index.js'),
  ]);
  return { Ajv, addFormats: formatsModule.default.default, standalone: standaloneCodeModule.default.default };
}

async function standaloneCode(ctx: EmitContext, schemas: { payload: JsonObject; config: JsonObject }, formats: string[]): Promise<string> {
  return compileStandalone(ctx, { [PAYLOAD_KEY]: schemas.payload, [CONFIG_KEY]: schemas.config }, { [RAW_PAYLOAD]: PAYLOAD_KEY, [RAW_CONFIG]: CONFIG_KEY }, formats);
}

/**
 * ajv standalone code for `schemas` (added under their keys) exporting `exports` (export name → key),
 * with the generator's ajv options (strict, allErrors, the `formats` used, checked against ajv-formats).
 */
export async function compileStandalone(
  ctx: EmitContext,
  schemas: Readonly<Record<string, JsonObject>>,
  exports: Readonly<Record<string, string>>,
  formats: readonly string[],
  options: Readonly<Record<string, boolean>> = {},
  sourceFile: string = ctx.model.envelope.payloadFile,
): Promise<string> {
  const { Ajv, addFormats, standalone } = await loadAjvStandalone();
  const unsupported = formats.filter((format) => !isAjvFormatName(format));
  if (unsupported.length > 0) {
    throw new CodegenError(`format(s) ${unsupported.join(', ')} unknown to ajv-formats`, ctx.store.display(sourceFile));
  }
  const ajv = new Ajv({ strict: true, allErrors: true, code: { source: true, esm: true }, ...options });
  addFormats(ajv, { mode: 'full', formats: formats as never, keywords: false });
  for (const [key, schema] of Object.entries(schemas)) ajv.addSchema(schema, key);
  return standalone(ajv, { ...exports });
}

/**
 * ajv's "esm" output still loads its runtime helpers with `require(...)`, which neither an ES module
 * nor the package's CommonJS build (no `import.meta` there) can keep. Each `require("m").name` becomes
 * a named import, the same under Node ESM, TypeScript's CommonJS output and vitest (default imports of
 * ajv's `__esModule` modules differ between them); ajv's ucs2length helper (a default export) is
 * inlined. ajv-formats' checkers come from the runtime's binding entry (its `fullFormats`), never
 * from a path inside ajv-formats; ajv's deep-equal helper (uniqueItems, object `const`/`enum`) is the
 * binding entry's jsonEqual. Any other helper fails generation so a human checks it. Exports
 * get a type.
 */
export function standaloneModule(code: string, bindingEntry: string, typedModule: string = MODULES.validators): string {
  const imported = new Map<string, { specifier: string; name: string; local: string }>();
  let usesCodePointLength = false;
  let body = code.replace(/^"use strict";/, '').replace(/require\("([^"]+)"\)\.([A-Za-z_$][\w$]*)/g, (_match, specifier: string, name: string) => {
    if (specifier === 'ajv/dist/runtime/ucs2length' && name === 'default') {
      usesCodePointLength = true;
      return 'codePointLength';
    }
    if (specifier === 'ajv/dist/runtime/equal' && name === 'default') {
      imported.set(specifier, { specifier: bindingEntry, name: 'jsonEqual', local: 'jsonEqual' });
      return 'jsonEqual';
    }
    if (name === 'default') throw new Error(`codegen: the ajv standalone code needs runtime helper ${specifier}, which the generator does not support yet`);
    const key = `${specifier}#${name}`;
    if (!imported.has(key)) imported.set(key, { specifier, name, local: `ajvRuntime${imported.size}` });
    return imported.get(key)!.local;
  });
  if (body.includes('require(')) throw new Error('codegen: unexpected require() left in the ajv standalone code');
  body = body.replace(/export const (\w+) = (\w+);/g, 'export const $1: StandaloneValidateFunction = $2;');
  return [
    `// @ts-nocheck — ajv standalone output is untyped JavaScript (tested, not type-checked); the typed API is ${typedModule}.ts.\n`,
    ...[...imported.values()].map(({ specifier, name, local }) => `import { ${name === local ? name : `${name} as ${local}`} } from '${specifier === bindingEntry ? bindingEntry : runtimeModule(specifier, bindingEntry)}';\n`),
    '\n',
    jsDoc([`One ajv error object (the fields ${typedModule}.ts reads).`]),
    'export interface StandaloneValidationError {\n  instancePath: string;\n  keyword: string;\n  message?: string;\n  params: Record<string, unknown>;\n}\n\n',
    jsDoc(['An ajv standalone validate function: true when valid, else `errors` holds why.']),
    'export interface StandaloneValidateFunction {\n  (data: unknown): boolean;\n  errors?: StandaloneValidationError[] | null;\n}\n\n',
    usesCodePointLength
      ? '/** String length in Unicode code points, as JSON Schema counts it (what ajv\'s runtime ucs2length computes). */\n' +
        'function codePointLength(value) {\n  let length = 0;\n  for (const _codePoint of value) length += 1;\n  return length;\n}\n\n'
      : '',
    body,
    '\n',
  ].join('');
}

/** Where the standalone code's `require("m")` is imported from. */
function runtimeModule(specifier: string, bindingEntry: string): string {
  if (specifier === 'ajv-formats/dist/formats') return bindingEntry;
  return `${specifier}.js`;
}

/**
 * Media-buy notification types that ride in the task envelope with a `result` no task result schema
 * of this release describes (e.g. `impairment`: webhooks.mdx "Persistent channel contract" fires it on
 * the buy's push_notification_config, and media-buy-delivery-webhook-result.json enumerates only the
 * delivery reports). Their `result` is checked by validateNotificationPayload, not as a task result.
 */
function notificationFires(ctx: EmitContext, kinds: readonly NotificationKind[]): string[] {
  const resultFiles = new Set(ctx.model.results.map((result) => result.terminalFile));
  return kinds.filter((kind) => kind.inTaskEnvelope && !resultFiles.has(kind.payloadFile)).map((kind) => kind.name).sort();
}

function wrappersModule(ctx: EmitContext, fires: readonly string[]): string {
  const { version, envelope, taskTypes, statuses } = ctx.model;
  const T = taskTypes.names.type;
  const S = statuses.names.type;
  return [
    importType([NAMES.payload], MODULES.payload),
    importType([T], taskTypes.names.module),
    importType([S], statuses.names.module),
    importType([NAMES.config], MODULES.config),
    importType([NAMES.validationIssue, NAMES.validationResult], MODULES.validation),
    `import { ${NAMES.validateResult} } from './${MODULES.resultValidators}.js';\n`,
    `import { ${RAW_PAYLOAD}, ${RAW_CONFIG}, type StandaloneValidateFunction, type StandaloneValidationError } from './${MODULES.standaloneValidators}.js';\n\n`,
    jsDoc([`Checks \`value\` against ${envelope.configFile} of AdCP ${version} (formats included).`]),
    `export function ${NAMES.validateConfig}(value: unknown): ${NAMES.validationResult}<${NAMES.config}> {\n`,
    `  return runValidator<${NAMES.config}>(${RAW_CONFIG}, value);\n}\n\n`,
    jsDoc([
      `Checks \`value\` against ${envelope.payloadFile} of AdCP ${version} (formats included).`,
      `A valid envelope's \`result\` is then checked by ${NAMES.validateResult} for its task type and status`,
      '(building/by-layer/L3/webhooks.mdx "Webhook payload"); its errors carry paths under `/result`.',
    ]),
    `export function ${NAMES.validatePayload}(value: unknown): ${NAMES.validationResult}<${NAMES.payload}> {\n`,
    `  const envelope = runValidator<${NAMES.payload}>(${RAW_PAYLOAD}, value);\n`,
    '  if (!envelope.ok || envelope.value.result === undefined || isNotificationFire(envelope.value.result)) return envelope;\n',
    `  const result = ${NAMES.validateResult}(envelope.value.task_type, envelope.value.status, envelope.value.result);\n`,
    '  if (result.ok === true) return envelope;\n',
    "  return { ok: false, errors: result.errors.map((issue) => ({ ...issue, path: `/result${issue.path}` })) };\n}\n\n",
    jsDoc([
      `Every AdCP ${version} webhook envelope as a union discriminated on \`task_type\` × \`status\` (core/mcp-webhook-payload.json):`,
      "`if (e.task_type === 'create_media_buy' && e.status === 'completed')` narrows `e.result` to that task's response.",
    ]),
    `export type ${NAMES.envelopeUnion} = { [T in ${T}]: { [S in ${S}]: ${NAMES.payload}<T, S> }[${S}] }[${T}];\n\n`,
    jsDoc([
      `Validates \`value\` as ${NAMES.validatePayload} does (envelope, then \`result\`) and types it as ${NAMES.envelopeUnion},`,
      'so a plain `if` or `switch` on task_type and status narrows `result` with no cast.',
    ]),
    `export function ${NAMES.parsePayload}(value: unknown): ${NAMES.validationResult}<${NAMES.envelopeUnion}> {\n`,
    `  return ${NAMES.validatePayload}(value) as ${NAMES.validationResult}<${NAMES.envelopeUnion}>;\n}\n\n`,
    jsDoc(['Media-buy notification types whose `result` no task result schema describes; validateNotificationPayload checks them.']),
    `const NOTIFICATION_FIRES: ReadonlySet<unknown> = new Set([${fires.map((name) => `'${name}'`).join(', ')}]);\n\n`,
    'function isNotificationFire(result: object): boolean {\n',
    "  return NOTIFICATION_FIRES.has((result as { notification_type?: unknown }).notification_type);\n}\n\n",
    RUN_VALIDATOR_SOURCE,
  ].join('');
}

/** Source of the generated `toIssue(error)`: one ajv error as a ValidationIssue. */
export function toIssueSource(): string {
  return [
    '/** A missing property is reported at its own path, not at its parent object. */\n',
    `function toIssue(error: StandaloneValidationError): ${NAMES.validationIssue} {\n`,
    "  const missing = error.keyword === 'required' ? error.params['missingProperty'] : undefined;\n",
    "  const path = typeof missing === 'string' ? `${error.instancePath}/${missing.replace(/~/g, '~0').replace(/\\//g, '~1')}` : error.instancePath;\n",
    '  return { path, keyword: error.keyword, message: error.message ?? `failed ${error.keyword}` };\n}\n',
  ].join('');
}

/** runValidator + toIssue: ajv errors as ValidationIssue (JSON pointers; a missing property at its own path). */
export const RUN_VALIDATOR_SOURCE = [
  `function runValidator<T>(validate: StandaloneValidateFunction, value: unknown): ${NAMES.validationResult}<T> {\n`,
  '  if (validate(value)) return { ok: true, value: value as T };\n',
  '  return { ok: false, errors: (validate.errors ?? []).map(toIssue) };\n}\n\n',
  toIssueSource(),
].join('');
