// push-notification-config.ts and mcp-webhook-payload.ts: the registration config and the webhook
// envelope, typed by json-schema-to-typescript (descriptions → JSDoc, `deprecated` → @deprecated).
// The envelope is generic: McpWebhookPayload<T, S> types `task_type: T`, `status: S` and
// `result?: WebhookResult<T, S>`; McpWebhookPayloadInput<T, S> is what buildMcpWebhookPayload takes.
import { getByPointer, isJsonObject, type JsonObject } from '../load/json.js';
import type { SchemaLocation } from '../load/refs.js';
import { BUILDER_SUPPLIED_FIELDS } from '../model/envelope.js';
import { assignDeclarationNames } from '../transform/declaration-names.js';
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { compileDeclarations } from './schema-to-ts.js';
import { importType, jsDoc, propertyKey } from './ts-text.js';
import { createTypeGraph } from './type-graph.js';

/** A module whose declared names are known before it is compiled (naming is cheap, compiling is not). */
export interface PreparedModule {
  /** type names the module declares */
  readonly declares: ReadonlySet<string>;
  compile(): Promise<EmittedModule>;
}

export function prepareConfigTypes(ctx: EmitContext, reserved: ReadonlySet<string>): PreparedModule {
  const file = ctx.model.envelope.configFile;
  const { graph, importLines } = createTypeGraph(ctx, file);
  const root = withTitle(graph.nodeAt({ file, pointer: '' }), NAMES.config);
  const declares = assignDeclarationNames(root, graph, without(reserved, NAMES.config), ctx.libs.safeName);
  return {
    declares,
    compile: async () => {
      const source = await compileDeclarations(ctx.libs, root, declares);
      return { path: `${MODULES.config}.ts`, sources: [file], body: `${importLines()}\n${source}` };
    },
  };
}

export function preparePayloadTypes(ctx: EmitContext, reserved: ReadonlySet<string>): PreparedModule {
  const { model } = ctx;
  const file = model.envelope.payloadFile;
  const typeParams = typeParameters(ctx);
  const { graph, importLines } = createTypeGraph(ctx, file, (location) => genericField(ctx, location));
  const root = withTitle(graph.nodeAt({ file, pointer: '' }), NAMES.payload);
  const declares = assignDeclarationNames(root, graph, without(reserved, NAMES.payload), ctx.libs.safeName);
  return {
    declares: new Set([...declares, NAMES.payloadInput]),
    compile: async () => {
      const source = makeGeneric(await compileDeclarations(ctx.libs, root, declares), typeParams);
      const taskType = model.taskTypes.names;
      const status = model.statuses.names;
      const imports =
        importLines() +
        importType([taskType.type], taskType.module) +
        importType([status.type], status.module) +
        importType([NAMES.webhookResult], MODULES.webhookResult);
      return { path: `${MODULES.payload}.ts`, sources: [file], body: `${dedupeImports(imports)}\n${source}\n${payloadInput(ctx, typeParams)}` };
    },
  };
}

/** The reserved names minus the one this module's root declares itself. */
function without(reserved: ReadonlySet<string>, own: string): Set<string> {
  const names = new Set(reserved);
  names.delete(own);
  return names;
}

/** The envelope root is declared under the contract name, whatever the schema's title says. */
function withTitle(node: JsonObject, title: string): JsonObject {
  node['title'] = title;
  return node;
}

function typeParameters(ctx: EmitContext): string {
  const { taskTypes, statuses } = ctx.model;
  return `<T extends ${taskTypes.names.type} = ${taskTypes.names.type}, S extends ${statuses.names.type} = ${statuses.names.type}>`;
}

/** `task_type`, `status` and `result` of the envelope are typed by the generic parameters. */
function genericField(ctx: EmitContext, location: SchemaLocation): JsonObject | undefined {
  if (location.file !== ctx.model.envelope.payloadFile) return undefined;
  const tsType = { '/properties/task_type': 'T', '/properties/status': 'S', '/properties/result': `${NAMES.webhookResult}<T, S>` }[location.pointer];
  if (tsType === undefined) return undefined;
  const raw = getByPointer(ctx.store.readSchema(location.file), location.pointer);
  const description = isJsonObject(raw) && typeof raw['description'] === 'string' ? raw['description'] : undefined;
  return description === undefined ? { tsType } : { tsType, description };
}

function makeGeneric(source: string, typeParams: string): string {
  const header = `export interface ${NAMES.payload} {`;
  const at = source.indexOf(header);
  if (at === -1 || source.indexOf(header, at + 1) !== -1) {
    throw new Error(`codegen: expected exactly one "${header}" in the compiled envelope`);
  }
  return source.replace(header, `export interface ${NAMES.payload}${typeParams} {`);
}

/**
 * Every envelope field except the ones the builder supplies; a field the pinned release requires is
 * required here too, so a field a later release makes required breaks existing call sites at tsc.
 */
function payloadInput(ctx: EmitContext, typeParams: string): string {
  const { version, envelope } = ctx.model;
  const members = envelope.payloadFields
    .filter((field) => !(BUILDER_SUPPLIED_FIELDS as readonly string[]).includes(field.name))
    .map((field) => {
      const doc = jsDoc([`See {@link ${NAMES.payload}.${field.name}}.${field.required ? ` Required by AdCP ${version}.` : ''}`], '  ');
      const type = `${NAMES.payload}<T, S>[${JSON.stringify(field.name)}]`;
      return `${doc}  ${propertyKey(field.name)}${field.required ? '' : '?'}: ${field.required ? type : `NonNullable<${type}>`};\n`;
    });
  return (
    jsDoc([
      `What a caller passes to ${NAMES.builder}: every AdCP ${version} envelope field except ${BUILDER_SUPPLIED_FIELDS.join(', ')}, which the builder supplies.`,
      'Fields the envelope schema requires are required here.',
    ]) + `export interface ${NAMES.payloadInput}${typeParams} {\n${members.join('')}}\n`
  );
}

function dedupeImports(lines: string): string {
  return [...new Set(lines.split('\n').filter(Boolean))].sort().join('\n') + '\n';
}
