// binding.ts: the version's AdcpBinding (defineBinding from the runtime's binding entry), built from
// the other generated modules, so the version-independent runtime learns this release's task types,
// statuses, protocol table, validators, builder and requirement rules from one object.
import type { EmitContext, EmittedModule } from './context.js';
import { DEFAULT_BINDING_ENTRY } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { importType, jsDoc, literal, propertyKey } from './ts-text.js';

/**
 * What each task status means for task webhooks (building/by-layer/L3/webhooks.mdx "When webhooks
 * fire"). A status this table does not know (added by a newer release) is progress: non-terminal,
 * announced, so a lifecycle can send it and never ends a task on it.
 */
const KNOWN_STATUS_ROLES: Readonly<Record<string, string>> = {
  submitted: 'initial',
  working: 'progress',
  'input-required': 'progress',
  'auth-required': 'progress',
  completed: 'terminal',
  failed: 'terminal',
  canceled: 'terminal',
  rejected: 'terminal',
  unknown: 'not_announced',
};
const NEW_STATUS_ROLE = 'progress';

/** Task types announced as a persistent report channel, not a lifecycle (webhooks.mdx "Reporting webhooks"). */
const REPORT_TASK_TYPES: ReadonlySet<string> = new Set(['media_buy_delivery']);

export function emitBindingModule(ctx: EmitContext): EmittedModule {
  const { taskTypes, statuses, protocols, envelope, version } = ctx.model;
  const entry = ctx.bindingEntry ?? DEFAULT_BINDING_ENTRY;
  const operationIdRequired = envelope.payloadFields.some((field) => field.name === 'operation_id' && field.required);
  const roles = statuses.members.map(({ value }) => `  ${propertyKey(value)}: ${literal(KNOWN_STATUS_ROLES[value] ?? NEW_STATUS_ROLE)},\n`);
  const kinds = taskTypes.members.map(({ value }) => `  ${propertyKey(value)}: ${literal(REPORT_TASK_TYPES.has(value) ? 'report' : 'task')},\n`);
  const bindingType = `AdcpBinding<${taskTypes.names.type}, ${statuses.names.type}, ${protocols.names.type}, ${NAMES.config}, ${NAMES.payload}, ${NAMES.resultTable}>`;
  const body = [
    `import { BINDING_CONTRACT, defineBinding, type AdcpBinding, type BindingPayloadInput, type BindingStatusRole, type BindingTaskKind } from ${literal(entry)};\n`,
    `import { ${NAMES.builder} } from './${MODULES.builder}.js';\n`,
    importType([NAMES.payload], MODULES.payload),
    importType([NAMES.config], MODULES.config),
    importType([NAMES.resultTable], MODULES.webhookResult),
    `import { ${protocols.names.values}, type ${protocols.names.type} } from './${protocols.names.module}.js';\n`,
    `import { ${statuses.names.values}, type ${statuses.names.type} } from './${statuses.names.module}.js';\n`,
    `import { ${NAMES.protocolTable} } from './${MODULES.protocolTable}.js';\n`,
    `import { ${taskTypes.names.values}, type ${taskTypes.names.type} } from './${taskTypes.names.module}.js';\n`,
    `import { ${NAMES.validatePayload}, ${NAMES.validateConfig} } from './${MODULES.validators}.js';\n`,
    `import { ${NAMES.version}, ${NAMES.sourceHashes} } from './${MODULES.version}.js';\n\n`,
    jsDoc([`What each AdCP ${version} task status (${statuses.file}) means for task webhooks (webhooks.mdx "When webhooks fire").`]),
    `export const ${NAMES.statusRoles}: { readonly [S in ${statuses.names.type}]: BindingStatusRole } = {\n`,
    ...roles,
    '};\n\n',
    jsDoc([`How each AdCP ${version} task type (${taskTypes.file}) is announced: a task lifecycle, or a report channel.`]),
    `export const ${NAMES.taskKinds}: { readonly [T in ${taskTypes.names.type}]: BindingTaskKind } = {\n`,
    ...kinds,
    '};\n\n',
    ...requiredMembersGuard(version, envelope.payloadFile),
    jsDoc([
      `The AdCP ${version} binding of the adcp-codegen runtime: hand it to the runtime's version-aware entry points.`,
      `\`rules.operationIdRequired\` is ${String(operationIdRequired)}: ${envelope.payloadFile} ${operationIdRequired ? 'lists' : 'does not list'} \`operation_id\` in \`required\`.`,
    ]),
    `export const ${NAMES.binding}: ${bindingType} = defineBinding({\n`,
    '  contract: BINDING_CONTRACT,\n',
    `  version: ${NAMES.version},\n`,
    `  sourceHashes: ${NAMES.sourceHashes},\n`,
    `  taskTypes: ${taskTypes.names.values},\n`,
    `  statuses: ${statuses.names.values},\n`,
    `  protocols: ${protocols.names.values},\n`,
    `  statusRoles: ${NAMES.statusRoles},\n`,
    `  taskKinds: ${NAMES.taskKinds},\n`,
    `  taskTypeProtocols: ${NAMES.protocolTable},\n`,
    `  rules: { operationIdRequired: ${String(operationIdRequired)} },\n`,
    `  ${NAMES.validateConfig},\n`,
    `  ${NAMES.validatePayload},\n`,
    `  ${NAMES.builder}: (input, options) => ${NAMES.builder}(input as Parameters<typeof ${NAMES.builder}>[0], options),\n`,
    '});\n',
  ].join('');
  return { path: `${MODULES.binding}.ts`, sources: [envelope.payloadFile, taskTypes.file, statuses.file], body };
}

/**
 * A compile-time check that the runtime's payload input (BindingPayloadInput) can supply every envelope
 * member this release requires: a release that requires a new member fails compilation of binding.ts,
 * naming the member, instead of building envelopes its own validator refuses.
 */
function requiredMembersGuard(version: string, payloadFile: string): string[] {
  return [
    `type RequiredMembers<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];\n`,
    `type UnsuppliedRequiredMembers = Exclude<RequiredMembers<Parameters<typeof ${NAMES.builder}>[0]>, keyof BindingPayloadInput<string, string>>;\n`,
    `// Every member ${payloadFile} (AdCP ${version}) requires is one the runtime's payload input carries.\n`,
    `const requiredMembersSupplied: [UnsuppliedRequiredMembers] extends [never] ? true : UnsuppliedRequiredMembers = true;\n`,
    `void requiredMembersSupplied;\n\n`,
  ];
}
