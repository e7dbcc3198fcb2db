// Which schema a terminal webhook `result` must match, per task type, in one snapshot. The rule is the
// generator's (codegen/model/result-map.ts: task-type / manifest overrides, the prose-only media_buy_delivery
// override while its enumDescription names the file, then the manifest pointer template), applied one task
// type at a time so that a task type the rule cannot resolve (an old release without manifest.json, a tool
// missing from the manifest) reads as "no result schema" instead of failing the whole diff.
import { CodegenError } from '../errors.js';
import type { JsonObject as CodegenJsonObject } from '../load/json.js';
import { enumNamesFor } from '../model/enum-names.js';
import type { EnumMember, EnumModel } from '../model/enums.js';
import { resolveTaskResults } from '../model/result-map.js';
import { isObject, TASK_TYPE_FILE, type JsonObject, type SchemaSnapshot } from './snapshot.js';

const TASK_STATUS_FILE = 'enums/task-status.json';

export interface ResolvedResultSchema {
  /** Path under the version root, e.g. `media-buy/create-media-buy-response.json`. */
  readonly schema: string;
  /** Which rule picked it, in the generator's words (e.g. `manifest.json /tools/x/response_schema`). */
  readonly rule: string;
}

/** The members of `enums/task-type.json`, in the order the snapshot lists them. */
export function taskTypesOf(snapshot: SchemaSnapshot): string[] {
  return enumMembers(snapshot, TASK_TYPE_FILE).map((member) => member.value);
}

export function resolveResultSchema(snapshot: SchemaSnapshot, taskType: string): ResolvedResultSchema | undefined {
  const member = enumMembers(snapshot, TASK_TYPE_FILE).find((m) => m.value === taskType);
  if (member === undefined) return undefined;
  try {
    const [resolved] = resolveTaskResults({
      taskTypes: enumModel(snapshot, TASK_TYPE_FILE, [member]),
      statuses: enumModel(snapshot, TASK_STATUS_FILE),
      taskTypeSchema: snapshot.readObject(TASK_TYPE_FILE) as CodegenJsonObject,
      manifest: snapshot.manifest as CodegenJsonObject | undefined,
      display: { taskTypes: `${snapshot.label}: ${TASK_TYPE_FILE}`, manifest: `${snapshot.label}: manifest.json` },
    });
    if (resolved === undefined || !snapshot.has(resolved.terminalFile)) return undefined;
    return { schema: resolved.terminalFile, rule: resolved.terminalRule };
  } catch (error) {
    if (error instanceof CodegenError) return undefined;
    throw error;
  }
}

function enumModel(snapshot: SchemaSnapshot, file: string, members = enumMembers(snapshot, file)): EnumModel {
  const schema: JsonObject = snapshot.has(file) ? snapshot.readObject(file) : {};
  return {
    file,
    names: enumNamesFor(file),
    title: typeof schema.title === 'string' ? schema.title : undefined,
    description: typeof schema.description === 'string' ? schema.description : undefined,
    deprecated: schema.deprecated === true,
    members,
  };
}

function enumMembers(snapshot: SchemaSnapshot, file: string): EnumMember[] {
  if (!snapshot.has(file)) return [];
  const schema = snapshot.readObject(file);
  const descriptions = isObject(schema.enumDescriptions) ? schema.enumDescriptions : {};
  const values = Array.isArray(schema.enum) ? schema.enum.filter((v): v is string => typeof v === 'string') : [];
  return values.map((value) => {
    const text = descriptions[value];
    return { value, description: typeof text === 'string' ? text : undefined };
  });
}
