// Which schema a terminal webhook `result` must match, per task type, in one snapshot.
// Order (manifest.schema.json, 3.2): the task-type enum's `x-task-result-schema-overrides`, then the manifest's
// `task_result_resolution.terminal_schema_overrides`, then its pointer template (default
// `/tools/{task_type}/response_schema`). Before 3.2 the one override exists only as prose (the
// media_buy_delivery enumDescription), so it is applied from DOCUMENTED_OVERRIDES while that description still
// names the file and the file exists (the generator's result map follows the same rule).
import { readPointer } from './schema-ref.js';
import { isObject, TASK_TYPE_FILE, type JsonObject, type SchemaSnapshot } from './snapshot.js';

export type ResultSchemaSource = 'task-type-override' | 'manifest-override' | 'manifest' | 'documented-override';

export interface ResolvedResultSchema {
  /** Path under the version root, e.g. `media-buy/create-media-buy-response.json`. */
  readonly schema: string;
  readonly source: ResultSchemaSource;
}

const DEFAULT_POINTER_TEMPLATE = '/tools/{task_type}/response_schema';
/** SPEC-NOTES §1.2: in 3.1.x "The inner result uses media-buy-delivery-webhook-result.json" (prose only). */
const DOCUMENTED_OVERRIDES: Readonly<Record<string, string>> = {
  media_buy_delivery: 'media-buy/media-buy-delivery-webhook-result.json',
};

/** The members of `enums/task-type.json`, in the order the snapshot lists them. */
export function taskTypesOf(snapshot: SchemaSnapshot): string[] {
  const members = snapshot.readObject(TASK_TYPE_FILE).enum;
  return Array.isArray(members) ? members.filter((m): m is string => typeof m === 'string') : [];
}

export function resolveResultSchema(snapshot: SchemaSnapshot, taskType: string): ResolvedResultSchema | undefined {
  const resolution = isObject(snapshot.manifest?.task_result_resolution) ? snapshot.manifest.task_result_resolution : {};
  const candidates: [ResultSchemaSource, unknown][] = [
    ['task-type-override', overridesIn(snapshot.readObject(TASK_TYPE_FILE), 'x-task-result-schema-overrides')[taskType]],
    ['manifest-override', overridesIn(resolution, 'terminal_schema_overrides')[taskType]],
    ['manifest', fromPointerTemplate(snapshot.manifest, resolution, taskType)],
    ['documented-override', documentedOverride(snapshot, taskType)],
  ];
  for (const [source, path] of candidates) {
    if (typeof path === 'string' && path !== '' && snapshot.has(path)) return { schema: path, source };
  }
  return undefined;
}

function documentedOverride(snapshot: SchemaSnapshot, taskType: string): string | undefined {
  const file = DOCUMENTED_OVERRIDES[taskType];
  const descriptions = snapshot.readObject(TASK_TYPE_FILE).enumDescriptions;
  const description = isObject(descriptions) ? descriptions[taskType] : undefined;
  const fileName = file?.split('/').pop();
  return fileName !== undefined && typeof description === 'string' && description.includes(fileName) ? file : undefined;
}

function overridesIn(object: JsonObject, key: string): JsonObject {
  const value = object[key];
  return isObject(value) ? value : {};
}

function fromPointerTemplate(manifest: JsonObject | undefined, resolution: JsonObject, taskType: string): unknown {
  if (manifest === undefined) return undefined;
  const template =
    typeof resolution.terminal_schema_pointer_template === 'string'
      ? resolution.terminal_schema_pointer_template
      : DEFAULT_POINTER_TEMPLATE;
  const escaped = taskType.replace(/~/g, '~0').replace(/\//g, '~1');
  return readPointer(manifest, template.replaceAll('{task_type}', escaped));
}
