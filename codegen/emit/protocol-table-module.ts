// task-type-protocols.ts: TASK_TYPE_PROTOCOLS, the envelope `protocol` of each task type
// (decided in codegen/model/protocol-table.ts; null = omit the optional field).
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { importType, jsDoc, literal, propertyKey } from './ts-text.js';

export function emitProtocolTable(ctx: EmitContext): EmittedModule {
  const { taskTypes, protocols, protocolTable, version } = ctx.model;
  const entries = protocolTable.map(
    (entry) => `${jsDoc([entry.derivation], '  ')}  ${propertyKey(entry.taskType)}: ${entry.protocol === null ? 'null' : literal(entry.protocol)},\n`,
  );
  const body = [
    importType([protocols.names.type], protocols.names.module),
    importType([taskTypes.names.type], taskTypes.names.module),
    '\n',
    jsDoc([
      `The envelope \`protocol\` (${protocols.file}) of each AdCP ${version} task type; null means omit the optional field.`,
      'Derived from manifest.json tools[].protocol and the task-type enumDescriptions "<Domain> domain:" prefix;',
      'words that are not protocol values (property, account, protocol) and disagreements between the two',
      'sources go through the commented tables in codegen/model/protocol-table.ts. Each entry says how it was decided.',
    ]),
    `export const ${NAMES.protocolTable}: { readonly [T in ${taskTypes.names.type}]: ${protocols.names.type} | null } = {\n`,
    ...entries,
    '};\n',
  ].join('');
  return { path: `${MODULES.protocolTable}.ts`, sources: [taskTypes.file, 'manifest.json', protocols.file], body };
}
