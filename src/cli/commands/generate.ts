import type { Command } from 'commander';
import type { OutputFile } from '../../../codegen/output/output-files.js';
import type { OutputPlan } from '../../../codegen/output/output-changes.js';
import type { OutputChanges } from '../../../codegen/output/write-output.js';
import { assertSchemasDirExists, bindingEntryFor, cliAction, CONFIG_HELP, outputDir, projectConfig, schemaLocations, shownPath } from '../codegen-support.js';
import { assertNoTargetFlags, assertOnlyNeedsVersions, collectOnly, ONLY_HELP, selectTargets, versionTargets } from '../version-targets.js';

interface GenerateOptions {
  schemas?: string;
  out?: string;
  config?: string;
  only?: string[];
}

/** One output folder to generate: its cache, its folder and how its lines are prefixed. */
interface GenerateTarget {
  readonly schemasDir: string;
  readonly outDir: string;
  /** `[label] ` with `versions` in the config, empty for the single target. */
  readonly prefix: string;
}

/** A target generated in memory and planned against its folder, not yet written. */
interface PlannedTarget extends GenerateTarget {
  readonly files: readonly OutputFile[];
  readonly plan: OutputPlan;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .summary('generate TypeScript from the schema cache, writing only changed files and removing stale ones it wrote (listed in --out/.adcp-codegen-manifest.json)')
    .description(
      'generate TypeScript from the schema cache, writing only changed files and removing stale ones it wrote (listed in --out/.adcp-codegen-manifest.json); ' +
        'with "versions" in the config, every version (or those --only names), all checked writable before any is written',
    )
    .option('--schemas <dir>', 'schema cache (default: the config\'s "schemas", else ./schemas/cache, else the cache shipped with adcp-codegen)')
    .option('--out <dir>', 'output directory (default: the config\'s "out", else src/generated)')
    .option('--only <target>', ONLY_HELP, collectOnly)
    .option('--config <file>', CONFIG_HELP)
    .action(cliAction(runGenerate));
}

async function runGenerate(options: GenerateOptions, cwd: string): Promise<void> {
  const config = projectConfig(cwd, options.config);
  const versions = versionTargets(config, cwd);
  if (versions === undefined) {
    assertOnlyNeedsVersions(options.only, 'generate');
    const { schemasDir } = schemaLocations(options, cwd, config);
    await generateAll([{ schemasDir, outDir: outputDir(options.out, cwd, config), prefix: '' }], cwd);
    return;
  }
  assertNoTargetFlags([['--schemas', options.schemas], ['--out', options.out]], 'generate');
  const selected = selectTargets(versions, options.only, cwd, 'generate');
  await generateAll(selected.map(({ schemasDir, outDir, label }) => ({ schemasDir, outDir, prefix: `[${label}] ` })), cwd);
}

/**
 * Every target is generated in memory and its plan checked writable before the first file is
 * written: a generator error or a foreign file in any output folder writes nothing at all.
 */
async function generateAll(targets: readonly GenerateTarget[], cwd: string): Promise<void> {
  for (const target of targets) assertSchemasDirExists(target.schemasDir, cwd);
  const planned: PlannedTarget[] = [];
  for (const target of targets) planned.push(await planTarget(target));
  const { applyOutputPlan, assertPlanWritable } = await import('../../../codegen/output/write-output.js');
  for (const target of planned) assertPlanWritable(target.outDir, target.plan);
  for (const target of planned) reportChanges(target, await applyOutputPlan(target.outDir, target.plan), cwd);
}

async function planTarget(target: GenerateTarget): Promise<PlannedTarget> {
  const [{ generateFiles }, { planOutput }, { generationInputs }] = await Promise.all([
    import('../../../codegen/pipeline.js'),
    import('../../../codegen/output/output-changes.js'),
    import('../../../codegen/output/generation-inputs.js'),
  ]);
  const { schemasDir, outDir } = target;
  // The inputs are hashed (I/O) while the files are generated (CPU); check compares them later.
  const [files, inputs] = await Promise.all([generateFiles({ schemasDir, bindingEntry: bindingEntryFor(outDir) }), generationInputs(schemasDir)]);
  return { ...target, files, plan: await planOutput(outDir, files, inputs) };
}

function reportChanges(target: PlannedTarget, changes: OutputChanges, cwd: string): void {
  const out = shownPath(target.outDir, cwd);
  const { prefix } = target;
  const lines = [
    ...changes.created.map((path) => `${prefix}created  ${out}/${path}`),
    ...changes.updated.map((path) => `${prefix}updated  ${out}/${path}`),
    ...changes.removed.map((path) => `${prefix}removed  ${out}/${path}`),
    `${prefix}generate: ${target.files.length} files from ${shownPath(target.schemasDir, cwd)} → ${out}: ` +
      `${changes.created.length} created, ${changes.updated.length} updated, ${changes.removed.length} removed, ${changes.unchanged} unchanged`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const path of changes.keptEdited) {
    process.stderr.write(`${prefix}generate: warning: ${out}/${path}: no longer generated but edited since adcp-codegen wrote it; left in place and dropped from its manifest\n`);
  }
}
