// webhook-result.ts: WebhookResult<T, S>, the type of the envelope `result` by task type and status.
import { CodegenError } from '../errors.js';
import { hasMember } from '../model/enums.js';
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { importType, jsDoc, literal } from './ts-text.js';

/** The envelope description: "For completed/failed, contains the full task response." */
export const TERMINAL_STATUSES: readonly string[] = ['completed', 'failed'];

export function emitWebhookResult(ctx: EmitContext): EmittedModule {
  const { taskTypes, statuses, version } = ctx.model;
  for (const status of TERMINAL_STATUSES) {
    if (!hasMember(statuses, status)) {
      throw new CodegenError(`task status "${status}" is missing; WebhookResult cannot tell terminal results apart`, ctx.store.display(statuses.file));
    }
  }
  const T = taskTypes.names.type;
  const S = statuses.names.type;
  const body = [
    importType([NAMES.interimResultMap, NAMES.resultMap], MODULES.resultTypes),
    importType([T], taskTypes.names.module),
    importType([S], statuses.names.module),
    '\n',
    jsDoc(['Task statuses whose `result` is the full task response (TaskResultMap).']),
    `export const ${NAMES.terminalResultStatuses} = [${TERMINAL_STATUSES.map(literal).join(', ')}] as const;\n\n`,
    jsDoc(['`result` of a webhook whose task type and status have no typed shape in this release: any JSON object.']),
    `export interface ${NAMES.untypedResult} {\n  [key: string]: unknown;\n}\n\n`,
    jsDoc([
      `Type of the envelope \`result\` for task type T in status S (AdCP ${version}); a union when T or S is.`,
      `- completed / failed: the task's terminal response, ${NAMES.resultMap}[T];`,
      `- a status the release gives an interim schema for T (working / input-required / submitted): ${NAMES.interimResultMap}[T][S];`,
      `- any other status (e.g. canceled, rejected, or an interim status without a schema): ${NAMES.untypedResult}.`,
      '(A lookup in a resolved table rather than a conditional type, so that tsc sees McpWebhookPayload as covariant',
      'and a McpWebhookPayload<"create_media_buy", "completed"> is assignable to McpWebhookPayload.)',
    ]),
    `export type ${NAMES.webhookResult}<T extends ${T} = ${T}, S extends ${S} = ${S}> = ${NAMES.resultTable}[T][S];\n\n`,
    jsDoc([`The envelope \`result\` type of every AdCP ${version} task type and status; the generated binding carries it so that receivers typed by that binding type \`result\`.`]),
    `export type ${NAMES.resultTable} = {\n`,
    `  [T in ${T}]: {\n`,
    `    [S in ${S}]: S extends (typeof ${NAMES.terminalResultStatuses})[number] ? ${NAMES.resultMap}[T]\n`,
    `    : T extends keyof ${NAMES.interimResultMap} ? (S extends keyof ${NAMES.interimResultMap}[T] ? ${NAMES.interimResultMap}[T][S] : ${NAMES.untypedResult})\n`,
    `    : ${NAMES.untypedResult};\n`,
    '  };\n};\n',
  ].join('');
  return { path: `${MODULES.webhookResult}.ts`, sources: [statuses.file], body };
}
