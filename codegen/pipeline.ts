// Entry point of the generator: schema cache dir in, generated TypeScript files out.
// Stages: load (read + check the schema cache and the $ref closure, codegen/load) → model (IR, codegen/model) →
// transform (shared schema graph shaped for the tools, codegen/transform) → emit (one module per
// concept, codegen/emit) → format (prettier). Heavy libraries load lazily (emit/libraries.ts).
import { loadClosure } from './load/closure.js';
import { SchemaStore } from './load/schema-store.js';
import { buildModel, type CodegenModel } from './model/model.js';
import { banner } from './emit/banner.js';
import { emitBindingModule } from './emit/binding-module.js';
import { CAPABILITIES_RESPONSE_FILE, emitCapabilityTypes } from './emit/capability-types.js';
import { DEFAULT_BINDING_ENTRY, type EmitContext, type EmittedModule } from './emit/context.js';
import { formatDetachingDocComments } from './emit/doc-comment-detach.js';
import { startFormatter, type Formatter } from './emit/format-worker.js';
import { prepareConfigTypes, preparePayloadTypes } from './emit/envelope-types.js';
import { emitEnumModule } from './emit/enum-module.js';
import { reservedNames } from './emit/exported-names.js';
import { emitIndex } from './emit/index-module.js';
import { loadLibraries } from './emit/libraries.js';
import { emitPayloadBuilder } from './emit/payload-builder.js';
import { emitProtocolTable } from './emit/protocol-table-module.js';
import { emitResultTypes } from './emit/result-types.js';
import { emitValidationTypes } from './emit/validation-types.js';
import { emitValidators } from './emit/validators.js';
import { emitResultValidators } from './emit/result-validators.js';
import { emitVersionModule } from './emit/version-module.js';
import { emitWebhookResult } from './emit/webhook-result.js';
import { discoverNotificationKinds, type NotificationKind } from './model/notification-kinds.js';
import { emitNotificationKinds } from './emit/notification-kinds-module.js';
import { emitNotificationValidators } from './emit/notification-validators.js';

export { CodegenError } from './errors.js';

/** One generated file; `path` is posix and relative to the output dir (src/generated). */
export interface GeneratedFile {
  path: string;
  contents: string;
}

export interface GenerateOptions {
  /** Directory holding one AdCP schema release (e.g. schemas/cache or …/schemas/3.1.19). */
  schemasDir: string;
  /**
   * How generated code names the runtime's binding entry: `adcp-codegen/binding` in a user project,
   * a relative path inside this repository. Default: the relative path from src/generated.
   */
  bindingEntry?: string;
}

/** Generates every file of src/generated from one schema release. Throws CodegenError on bad input. */
export async function generateFiles(options: GenerateOptions): Promise<GeneratedFile[]> {
  const store = new SchemaStore(options.schemasDir);
  const model = buildModel(store);
  const formatter = startFormatter();
  try {
    const kinds = discoverNotificationKinds(store);
    loadClosure(store, model.version, [...closureRoots(store, model), ...kinds.map((kind) => kind.payloadFile)]);
    const ctx: EmitContext = { model, store, libs: await loadLibraries(), bindingEntry: options.bindingEntry ?? DEFAULT_BINDING_ENTRY };
    const formatted: Promise<GeneratedFile>[] = [];
    // Each module goes to the formatting worker as soon as it exists, so formatting overlaps with
    // the compilation of the next one.
    await emitModules(ctx, kinds, (module) => {
      const file = formatModule(ctx, formatter, module);
      // Handled now, so a formatting failure while later modules are still being emitted is not an
      // unhandled rejection; Promise.all below still rethrows it.
      file.catch(() => undefined);
      formatted.push(file);
    });
    const files = await Promise.all(formatted);
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } finally {
    await formatter.close();
  }
}

/** The schema files the output is generated from (their `$ref` closure is loaded up front). */
function closureRoots(store: SchemaStore, model: CodegenModel): string[] {
  const { payloadFile, configFile } = model.envelope;
  const capabilities = store.exists(CAPABILITIES_RESPONSE_FILE) ? [CAPABILITIES_RESPONSE_FILE] : [];
  return [payloadFile, configFile, ...capabilities, ...model.results.flatMap((result) => [result.terminalFile, ...result.interim.map((entry) => entry.file)])];
}

/**
 * Emits every module. The hand-written ones come first (the worker formats them while the main
 * thread compiles), then the big result-types compile (the critical path), then the rest, which
 * the main thread produces while the worker formats result-types.
 */
async function emitModules(ctx: EmitContext, kinds: readonly NotificationKind[], accept: (module: EmittedModule) => void): Promise<void> {
  const emitted: EmittedModule[] = [];
  const add = (module: EmittedModule): void => {
    emitted.push(module);
    accept(module);
  };
  ctx.model.enums.forEach((model) => add(emitEnumModule(ctx, model)));
  [emitProtocolTable(ctx), emitWebhookResult(ctx), emitPayloadBuilder(ctx), emitValidationTypes(ctx)].forEach(add);
  add(emitNotificationKinds(ctx, kinds));
  // The load stage already read every file, so the hashes are complete; checked again at the end.
  const filesRead = ctx.store.sourceHashes().length;
  add(emitVersionModule(ctx));
  const reserved = reservedNames(ctx.model);
  const config = prepareConfigTypes(ctx, reserved);
  const payload = preparePayloadTypes(ctx, new Set([...reserved, ...config.declares]));
  const results = await emitResultTypes(ctx, kinds, new Set([...reserved, ...config.declares, ...payload.declares]));
  add(results);
  add(await emitCapabilityTypes(ctx, new Set([...reserved, ...config.declares, ...payload.declares])));
  add(await config.compile());
  add(await payload.compile());
  (await emitValidators(ctx, kinds)).forEach(add);
  (await emitNotificationValidators(ctx, kinds)).forEach(add);
  (await emitResultValidators(ctx)).forEach(add);
  add(emitBindingModule(ctx));
  add(emitIndex(ctx, emitted));
  if (ctx.store.sourceHashes().length !== filesRead) throw new Error('codegen: an emitter read a schema file the load stage did not');
}

async function formatModule(ctx: EmitContext, formatter: Formatter, module: EmittedModule): Promise<GeneratedFile> {
  const source = banner({ version: ctx.model.version, sources: module.sources, referencedCount: module.referencedCount }) + '\n' + module.body;
  if (module.unformatted) return { path: module.path, contents: source };
  const format = (code: string): Promise<string> => formatter.format(code);
  const contents = module.manyDocComments ? await formatDetachingDocComments(source, format) : await format(source);
  return { path: module.path, contents };
}
