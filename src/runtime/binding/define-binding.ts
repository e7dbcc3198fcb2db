// Checks a generated binding against the contract once, at load, and freezes it, so the runtime can
// rely on every status having a role and every task type a protocol entry and a kind.
import { BindingContractError } from './binding-contract-error.js';
import {
  BINDING_CONTRACT,
  type AdcpBinding,
  type BindingSpec,
  type BindingStatusRole,
  type BindingTaskKind,
} from './contract.js';

const STATUS_ROLES: ReadonlySet<string> = new Set<BindingStatusRole>(['initial', 'progress', 'terminal', 'not_announced']);
const TASK_KINDS: ReadonlySet<string> = new Set<BindingTaskKind>(['task', 'report']);
const FUNCTIONS = ['validatePushNotificationConfig', 'validateMcpWebhookPayload', 'buildMcpWebhookPayload'] as const;

/**
 * Turns a generated BindingSpec into an AdcpBinding, refusing (BindingContractError) a spec that
 * breaks the contract. Literal types of the spec (task types, statuses, protocols) are kept.
 */
export function defineBinding<TaskType extends string, Status extends string, Protocol extends string, Config, Payload, Results = unknown>(
  spec: BindingSpec<TaskType, Status, Protocol, Config, Payload>,
): AdcpBinding<TaskType, Status, Protocol, Config, Payload, Results> {
  checkSpec(spec);
  const taskTypes: ReadonlySet<string> = new Set(spec.taskTypes);
  const statuses: ReadonlySet<string> = new Set(spec.statuses);
  const statusRoles = spec.statusRoles as Readonly<Record<string, BindingStatusRole>>;
  const taskKinds = spec.taskKinds as Readonly<Record<string, BindingTaskKind>>;
  return Object.freeze({
    contract: spec.contract,
    version: spec.version,
    sourceHashes: Object.freeze({ ...spec.sourceHashes }),
    taskTypes: Object.freeze([...spec.taskTypes]),
    statuses: Object.freeze([...spec.statuses]),
    protocols: Object.freeze([...spec.protocols]),
    statusRoles: Object.freeze({ ...spec.statusRoles }),
    taskKinds: Object.freeze({ ...spec.taskKinds }),
    taskTypeProtocols: Object.freeze({ ...spec.taskTypeProtocols }),
    rules: Object.freeze({ ...spec.rules }),
    validatePushNotificationConfig: spec.validatePushNotificationConfig,
    validateMcpWebhookPayload: spec.validateMcpWebhookPayload,
    buildMcpWebhookPayload: spec.buildMcpWebhookPayload,
    isTaskType: (value: unknown): value is TaskType => typeof value === 'string' && taskTypes.has(value),
    isTaskStatus: (value: unknown): value is Status => typeof value === 'string' && statuses.has(value),
    statusRole: (status: string) => (statuses.has(status) ? statusRoles[status] : undefined),
    taskKind: (taskType: string) => (taskTypes.has(taskType) ? taskKinds[taskType] : undefined),
  });
}

function checkSpec(spec: BindingSpec<string, string, string, unknown, unknown>): void {
  if (typeof spec !== 'object' || spec === null) throw new BindingContractError('spec', 'is not an object');
  if (spec.contract !== BINDING_CONTRACT) {
    throw new BindingContractError('contract', `is ${String(spec.contract)}; this runtime implements binding contract ${BINDING_CONTRACT} — regenerate with a matching adcp-codegen`);
  }
  if (typeof spec.version !== 'string' || spec.version === '') throw new BindingContractError('version', 'must be a non-empty string');
  checkNames('taskTypes', spec.taskTypes);
  checkNames('statuses', spec.statuses);
  checkNames('protocols', spec.protocols);
  checkTable('statusRoles', spec.statuses, spec.statusRoles, (role) => STATUS_ROLES.has(role as string));
  checkTable('taskKinds', spec.taskTypes, spec.taskKinds, (kind) => TASK_KINDS.has(kind as string));
  const protocols = new Set(spec.protocols);
  checkTable('taskTypeProtocols', spec.taskTypes, spec.taskTypeProtocols, (protocol) => protocol === null || protocols.has(protocol as string));
  if (typeof spec.rules?.operationIdRequired !== 'boolean') throw new BindingContractError('rules.operationIdRequired', 'must be a boolean');
  for (const name of FUNCTIONS) {
    if (typeof spec[name] !== 'function') throw new BindingContractError(name, 'must be a function');
  }
}

function checkNames(member: string, names: readonly string[]): void {
  if (!Array.isArray(names) || names.length === 0) throw new BindingContractError(member, 'must be a non-empty array');
  const seen = new Set<string>();
  for (const name of names) {
    if (typeof name !== 'string' || name === '') throw new BindingContractError(member, 'holds a value that is not a non-empty string');
    if (seen.has(name)) throw new BindingContractError(member, `lists ${JSON.stringify(name)} twice`);
    seen.add(name);
  }
}

/** `table` has exactly one acceptable entry per key. */
function checkTable(member: string, keys: readonly string[], table: object, acceptable: (value: unknown) => boolean): void {
  if (typeof table !== 'object' || table === null) throw new BindingContractError(member, 'must be an object');
  const entries = table as Readonly<Record<string, unknown>>;
  for (const key of keys) {
    if (!Object.hasOwn(entries, key) || !acceptable(entries[key])) {
      throw new BindingContractError(`${member}.${key}`, `is ${JSON.stringify(entries[key]) ?? 'missing'}, not an acceptable value`);
    }
  }
  const known = new Set(keys);
  for (const key of Object.keys(entries)) {
    if (!known.has(key)) throw new BindingContractError(`${member}.${key}`, 'names a value the binding does not list');
  }
}
