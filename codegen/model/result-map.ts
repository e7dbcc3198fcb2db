// Which schema types `result` for each task type:
// - terminal (completed/failed): 3.2 states the rule in manifest.json `task_result_resolution`
//   (overrides first, then the `/tools/{task_type}/response_schema` pointer template) and mirrors the
//   overrides in task-type.json `x-task-result-schema-overrides`; ≤ 3.1 has the same manifest layout
//   and states its one override in prose only (PROSE_RESULT_RULES).
// - interim (working / input-required / submitted): manifest `tools[t].async_response_schemas`,
//   whose file names end in `-async-response-<task status>.json`.
import { CodegenError } from '../errors.js';
import { getByPointer, isJsonObject, escapePointerToken, type JsonObject } from '../load/json.js';
import { hasMember, type EnumModel } from './enums.js';

export interface InterimResult {
  readonly status: string;
  readonly file: string;
}

export interface TaskResultSchemas {
  readonly taskType: string;
  /** schema file (relative to the schema dir) typing `result` on completed/failed */
  readonly terminalFile: string;
  /** which rule picked terminalFile, for the generated JSDoc */
  readonly terminalRule: string;
  readonly interim: readonly InterimResult[];
}

/**
 * Overrides stated only in prose before 3.2. Applied only while the task type's enumDescription still
 * says so (`evidence`), so a release that drops the sentence cannot silently keep the override.
 * - media_buy_delivery (3.1): "The inner result uses media-buy-delivery-webhook-result.json." The task
 *   type has no manifest tool; 3.2 states the same override machine-readably.
 */
const PROSE_RESULT_RULES: Readonly<Record<string, { readonly file: string; readonly evidence: string }>> = {
  media_buy_delivery: {
    file: 'media-buy/media-buy-delivery-webhook-result.json',
    evidence: 'media-buy-delivery-webhook-result.json',
  },
};

const DEFAULT_POINTER_TEMPLATE = '/tools/{task_type}/response_schema';
const INTERIM_SUFFIX = /-async-response-([a-z-]+)\.json$/;

export interface ResultMapInput {
  readonly taskTypes: EnumModel;
  readonly statuses: EnumModel;
  readonly taskTypeSchema: JsonObject;
  readonly manifest: JsonObject | undefined;
  readonly display: { readonly taskTypes: string; readonly manifest: string };
}

export function resolveTaskResults(input: ResultMapInput): TaskResultSchemas[] {
  const rules = terminalRules(input);
  const tools = input.manifest && isJsonObject(input.manifest['tools']) ? input.manifest['tools'] : {};
  return input.taskTypes.members.map(({ value: taskType, description }) => {
    const terminal = terminalFor(taskType, description, rules, input);
    const tool = tools[taskType];
    const asyncFiles = isJsonObject(tool) && Array.isArray(tool['async_response_schemas']) ? tool['async_response_schemas'] : [];
    const interim = asyncFiles.map((file) => interimFor(taskType, file, input));
    assertDistinctStatuses(taskType, interim, input.display.manifest);
    return { taskType, terminalFile: terminal.file, terminalRule: terminal.rule, interim: interim.sort((a, b) => (a.status < b.status ? -1 : 1)) };
  });
}

interface TerminalRules {
  readonly overrides: Readonly<Record<string, string>>;
  readonly overrideSource: string;
  readonly pointerTemplate: string;
}

function terminalRules(input: ResultMapInput): TerminalRules {
  const fromTaskType = stringMap(input.taskTypeSchema['x-task-result-schema-overrides'], input.display.taskTypes);
  const resolution = input.manifest?.['task_result_resolution'];
  if (!isJsonObject(resolution)) {
    return { overrides: fromTaskType, overrideSource: 'task-type.json x-task-result-schema-overrides', pointerTemplate: DEFAULT_POINTER_TEMPLATE };
  }
  const fail = (why: string): never => {
    throw new CodegenError(`task_result_resolution: ${why}`, input.display.manifest);
  };
  if (resolution['discriminator_field'] !== 'task_type') fail('discriminator_field is not "task_type"');
  const template = resolution['terminal_schema_pointer_template'];
  if (typeof template !== 'string' || !template.includes('{task_type}')) fail('terminal_schema_pointer_template lacks {task_type}');
  const fromManifest = stringMap(resolution['terminal_schema_overrides'], input.display.manifest);
  for (const [taskType, file] of Object.entries(fromTaskType)) {
    if (fromManifest[taskType] !== file) fail(`override for "${taskType}" disagrees with task-type.json x-task-result-schema-overrides`);
  }
  return { overrides: fromManifest, overrideSource: 'manifest.json task_result_resolution.terminal_schema_overrides', pointerTemplate: template as string };
}

function terminalFor(taskType: string, description: string | undefined, rules: TerminalRules, input: ResultMapInput): { file: string; rule: string } {
  const override = rules.overrides[taskType];
  if (override) return { file: override, rule: rules.overrideSource };
  const prose = PROSE_RESULT_RULES[taskType];
  if (prose && description?.includes(prose.evidence)) {
    return { file: prose.file, rule: `enumDescriptions prose ("${prose.evidence}")` };
  }
  const pointer = rules.pointerTemplate.replace('{task_type}', escapePointerToken(taskType));
  const file = input.manifest ? getByPointer(input.manifest, pointer) : undefined;
  if (typeof file !== 'string') {
    throw new CodegenError(`cannot resolve the terminal result schema of task type "${taskType}": manifest.json has no string at ${pointer} and no override applies`, input.display.manifest);
  }
  return { file, rule: `manifest.json ${pointer}` };
}

function interimFor(taskType: string, file: unknown, input: ResultMapInput): InterimResult {
  const status = typeof file === 'string' ? INTERIM_SUFFIX.exec(file)?.[1] : undefined;
  if (typeof file !== 'string' || status === undefined || !hasMember(input.statuses, status)) {
    throw new CodegenError(`async_response_schemas entry ${JSON.stringify(file)} of "${taskType}" does not end in -async-response-<task status>.json`, input.display.manifest);
  }
  return { status, file };
}

function stringMap(value: unknown, display: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isJsonObject(value) || Object.values(value).some((v) => typeof v !== 'string')) {
    throw new CodegenError('result schema overrides must map task types to schema paths', display);
  }
  return value as Record<string, string>;
}

function assertDistinctStatuses(taskType: string, interim: readonly InterimResult[], display: string): void {
  const statuses = interim.map((entry) => entry.status);
  if (new Set(statuses).size !== statuses.length) {
    throw new CodegenError(`async_response_schemas of "${taskType}" list one task status twice`, display);
  }
}
