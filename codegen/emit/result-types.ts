// result-types.ts: TaskResultMap (task type → terminal result type), TaskInterimResultMap (task type
// → status → interim result type) and every declaration they reach, each declared once.
import type { JsonObject } from '../load/json.js';
import { assignDeclarationNames } from '../transform/declaration-names.js';
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { compileDeclarations } from './schema-to-ts.js';
import { createTypeGraph, referencedFileCount } from './type-graph.js';

export async function emitResultTypes(ctx: EmitContext, reserved: ReadonlySet<string>): Promise<EmittedModule> {
  const { graph, importLines } = createTypeGraph(ctx, undefined);
  const root = resultMapsRoot(ctx, (file) => graph.nodeAt({ file, pointer: '' }));
  const declared = assignDeclarationNames(root, graph, reserved, ctx.libs.safeName);
  const source = await compileDeclarations(ctx.libs, root, declared);
  const sources = [...new Set(ctx.model.results.flatMap((result) => [result.terminalFile, ...result.interim.map((entry) => entry.file)]))];
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
