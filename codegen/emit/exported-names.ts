// Names of the hand-shaped exports of the generated modules, and the module that holds each shared
// declaration. Other components code against these exact names.
import type { CodegenModel } from '../model/model.js';

export const NAMES = {
  version: 'ADCP_VERSION',
  sourceHashes: 'SCHEMA_SOURCE_HASHES',
  protocolTable: 'TASK_TYPE_PROTOCOLS',
  config: 'PushNotificationConfig',
  payload: 'McpWebhookPayload',
  payloadInput: 'McpWebhookPayloadInput',
  webhookResult: 'WebhookResult',
  untypedResult: 'UntypedWebhookResult',
  resultTable: 'WebhookResultTable',
  terminalResultStatuses: 'TERMINAL_RESULT_STATUSES',
  resultMap: 'TaskResultMap',
  interimResultMap: 'TaskInterimResultMap',
  builder: 'buildMcpWebhookPayload',
  builderOptions: 'BuildMcpWebhookPayloadOptions',
  validationResult: 'ValidationResult',
  validationIssue: 'ValidationIssue',
  validateConfig: 'validatePushNotificationConfig',
  validatePayload: 'validateMcpWebhookPayload',
  parsePayload: 'parseMcpWebhookPayload',
  envelopeUnion: 'McpWebhookEnvelope',
  validateResult: 'validateWebhookResult',
  hasResultSchema: 'hasWebhookResultSchema',
  statusRoles: 'TASK_STATUS_ROLES',
  taskKinds: 'TASK_TYPE_KINDS',
  binding: 'binding',
  capabilityBlocks: 'SigningCapabilityBlocks',
  webhookSigningCapability: 'WebhookSigningCapability',
  identityCapability: 'IdentityCapability',
  notificationKindName: 'NotificationKindName',
  notificationPayloads: 'NotificationPayloads',
  notificationPayloadSchemas: 'NotificationPayloadSchemaTypes',
  notificationPayloadInput: 'NotificationPayloadInput',
  notificationWirePayloads: 'NotificationWirePayloads',
  validateNotificationPayload: 'validateNotificationPayload',
  buildNotificationPayload: 'buildNotificationPayload',
} as const;

export const MODULES = {
  version: 'version',
  protocolTable: 'task-type-protocols',
  config: 'push-notification-config',
  payload: 'mcp-webhook-payload',
  webhookResult: 'webhook-result',
  resultTypes: 'result-types',
  builder: 'build-mcp-webhook-payload',
  validation: 'validation',
  validators: 'validators',
  standaloneValidators: 'validators.standalone',
  resultValidators: 'result-validators',
  standaloneResultValidators: 'result-validators.standalone',
  binding: 'binding',
  capabilities: 'capabilities',
  notifications: 'notifications',
  notificationValidators: 'notification-validators',
  notificationStandaloneValidators: 'notification-validators.standalone',
} as const;

/** A type declared by one generated module and referenced (by name) from others. */
export interface SharedDeclaration {
  readonly name: string;
  readonly module: string;
}

/** Schema files whose type is declared by a dedicated module, keyed by file. */
export function sharedDeclarations(model: CodegenModel): ReadonlyMap<string, SharedDeclaration> {
  const shared = new Map<string, SharedDeclaration>();
  for (const model_ of model.enums) shared.set(model_.file, { name: model_.names.type, module: model_.names.module });
  shared.set(model.envelope.configFile, { name: NAMES.config, module: MODULES.config });
  shared.set(model.envelope.payloadFile, { name: NAMES.payload, module: MODULES.payload });
  return shared;
}

/**
 * Global TypeScript/JavaScript names a schema title could shadow (core/error.json is titled "Error");
 * a schema type declared under one of them would hide the global inside its module and in every
 * module that re-exports it.
 */
const GLOBAL_TYPE_NAMES = [
  'Array', 'ArrayBuffer', 'Boolean', 'Buffer', 'Date', 'Error', 'Exclude', 'Extract', 'Function', 'Iterable', 'JSON', 'Map',
  'Math', 'NonNullable', 'Number', 'Object', 'Omit', 'Partial', 'Pick', 'Promise', 'Readonly', 'ReadonlyArray', 'Record',
  'RegExp', 'Required', 'Set', 'String', 'Symbol', 'URL', 'Uint8Array', 'WeakMap', 'WeakSet',
];

/** Names schema-derived declarations must avoid: every hand-shaped export and the common globals. */
export function reservedNames(model: CodegenModel): Set<string> {
  const names = new Set<string>([...Object.values(NAMES), ...GLOBAL_TYPE_NAMES]);
  for (const { names: enumNames } of model.enums) {
    names.add(enumNames.values).add(enumNames.type).add(enumNames.guard).add(enumNames.descriptions);
  }
  return names;
}
