// result-types.ts: TaskResultMap (task type → terminal result type), TaskInterimResultMap (task type
// → status → interim result type), NotificationPayloadSchemaTypes (webhook kind → payload schema type)
// and every declaration they reach, each declared once: a schema shared by a task result and a
// webhook payload (enums, core objects) is one declaration.
import type { JsonObject } from '../load/json.js';
import type { NotificationKind } from '../model/notification-kinds.js';
import { assignDeclarationNames } from '../transform/declaration-names.js';
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { compileDeclarations } from './schema-to-ts.js';
import { createTypeGraph, referencedFileCount } from './type-graph.js';

export async function emitResultTypes(ctx: EmitContext, kinds: readonly NotificationKind[], reserved: ReadonlySet<string>): Promise<EmittedModule> {
  const { graph, importLines } = createTypeGraph(ctx, undefined);
  const schemaOf = (file: string): JsonObject => graph.nodeAt({ file, pointer: '' });
  const root = resultMapsRoot(ctx, schemaOf);
  (root['definitions'] as JsonObject)[NAMES.notificationPayloadSchemas] = notificationPayloadsMap(ctx, kinds, schemaOf);
  const declared = assignDeclarationNames(root, graph, reserved, ctx.libs.safeName);
  const source = await compileDeclarations(ctx.libs, root, declared);
  const sources = [...new Set([...ctx.model.results.flatMap((result) => [result.terminalFile, ...result.interim.map((entry) => entry.file)]), ...kinds.map((kind) => kind.payloadFile)])];
  return {
    path: `${MODULES.resultTypes}.ts`,
    sources,
    referencedCount: referencedFileCount(graph.files, sources),
    body: importLines() + '\n' + source,
    manyDocComments: true,
  };
}

function resultMapsRoot(ctx: EmitContext, schemaOf: (file: string) => JsonObject): JsonObject {
  const { results, version } = ctx.model;
  const interimMap: JsonObject = {
    title: NAMES.interimResultMap,
    description: `Interim \`result\` types of AdCP ${version} webhooks, by task type and task status (manifest.json tools[].async_response_schemas). Task types and statuses missing here carry an untyped object.`,
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      results
        .filter((result) => result.interim.length > 0)
        .map((result) => [
          result.taskType,
          {
            type: 'object',
            additionalProperties: false,
            required: result.interim.map((entry) => entry.status),
            properties: Object.fromEntries(
              result.interim.map((entry) => [entry.status, { allOf: [schemaOf(entry.file)], description: `\`result\` of a ${result.taskType} webhook in status ${entry.status}: ${entry.file}` }]),
            ),
          },
        ]),
    ),
  };
  interimMap['required'] = Object.keys(interimMap['properties'] as JsonObject);
  return {
    title: NAMES.resultMap,
    description: `Terminal \`result\` type (status completed or failed) of every AdCP ${version} task type.`,
    type: 'object',
    additionalProperties: false,
    required: results.map((result) => result.taskType),
    properties: Object.fromEntries(
      results.map((result) => [
        result.taskType,
        { allOf: [schemaOf(result.terminalFile)], description: `${result.terminalFile}, chosen by ${result.terminalRule}` },
      ]),
    ),
    definitions: { [NAMES.interimResultMap]: interimMap },
  };
}

/** Webhook kind → the type of its payload schema (the POST body, or the envelope `result` of media-buy kinds). */
function notificationPayloadsMap(ctx: EmitContext, kinds: readonly NotificationKind[], schemaOf: (file: string) => JsonObject): JsonObject {
  return {
    title: NAMES.notificationPayloadSchemas,
    description: `Payload schema type of every AdCP ${ctx.model.version} webhook kind other than the task webhook (building/by-layer/L3/webhooks.mdx); notifications.ts narrows shared schemas to each kind as NotificationPayloads.`,
    type: 'object',
    additionalProperties: false,
    required: kinds.map((kind) => kind.name),
    properties: Object.fromEntries(kinds.map((kind) => [kind.name, { allOf: [schemaOf(kind.payloadFile)], description: `${kind.payloadFile}${kind.inTaskEnvelope ? ' (carried in the task envelope)' : ''}` }])),
  };
}
