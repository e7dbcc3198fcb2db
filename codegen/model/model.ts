// The generator's IR: everything the emitters need, read from one schema release.
import { CodegenError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../load/json.js';
import type { SchemaStore } from '../load/schema-store.js';
import { detectAdcpVersion } from '../load/version.js';
import { readEnvelope, type EnvelopeModel } from './envelope.js';
import { readEnum, type EnumModel } from './enums.js';
import { decideTaskTypeProtocols, type TaskTypeProtocol } from './protocol-table.js';
import { resolveTaskResults, type TaskResultSchemas } from './result-map.js';

export interface CodegenModel {
  readonly version: string;
  readonly envelope: EnvelopeModel;
  /** every enum the envelope/config references, sorted by file */
  readonly enums: readonly EnumModel[];
  readonly taskTypes: EnumModel;
  readonly statuses: EnumModel;
  readonly protocols: EnumModel;
  /** schema order of task types */
  readonly protocolTable: readonly TaskTypeProtocol[];
  /** schema order of task types */
  readonly results: readonly TaskResultSchemas[];
}

const MANIFEST_FILE = 'manifest.json';

export function buildModel(store: SchemaStore): CodegenModel {
  const version = detectAdcpVersion(store);
  const envelope = readEnvelope(store, version);
  const enums = envelope.enumFiles.map((file) => readEnum(store, file));
  const enumAt = (file: string): EnumModel => enums.find((model) => model.file === file)!;
  const taskTypes = enumAt(envelope.taskTypeEnumFile);
  const statuses = enumAt(envelope.statusEnumFile);
  const protocols = enumAt(envelope.protocolEnumFile);
  const manifest = readManifest(store);
  const display = { taskTypes: store.display(taskTypes.file), manifest: store.display(MANIFEST_FILE) };
  const taskTypeSchema = store.readSchema(taskTypes.file) as JsonObject;
  return {
    version,
    envelope,
    enums,
    taskTypes,
    statuses,
    protocols,
    protocolTable: decideTaskTypeProtocols(taskTypes, protocols, manifest, display),
    results: resolveTaskResults({ taskTypes, statuses, taskTypeSchema, manifest, display }),
  };
}

function readManifest(store: SchemaStore): JsonObject | undefined {
  if (!store.exists(MANIFEST_FILE)) return undefined;
  const manifest = store.readJson(MANIFEST_FILE);
  if (!isJsonObject(manifest) || !isJsonObject(manifest['tools'])) {
    throw new CodegenError('expected an object with a `tools` map', store.display(MANIFEST_FILE));
  }
  return manifest;
}
