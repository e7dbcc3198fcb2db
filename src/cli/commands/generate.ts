import type { Command } from 'commander';
import { assertSchemasDirExists, bindingEntryFor, cliAction, CONFIG_HELP, outputDir, projectConfig, schemaLocations, shownPath } from '../codegen-support.js';

interface GenerateOptions {
  schemas?: string;
  out?: string;
  config?: string;
}

export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('generate TypeScript from the schema cache, writing only changed files and removing stale ones it wrote (listed in --out/.adcp-codegen-manifest.json)')
    .option('--schemas <dir>', 'schema cache (default: the config\'s "schemas", else ./schemas/cache, else the cache shipped with adcp-codegen)')
    .option('--out <dir>', 'output directory (default: the config\'s "out", else src/generated)')
    .option('--config <file>', CONFIG_HELP)
    .action(cliAction(runGenerate));
}

async function runGenerate(options: GenerateOptions, cwd: string): Promise<void> {
  const config = projectConfig(cwd, options.config);
  const { schemasDir } = schemaLocations(options, cwd, config);
  const outDir = outputDir(options.out, cwd, config);
  assertSchemasDirExists(schemasDir, cwd);
  // Everything is generated in memory first: a generator error writes nothing.
  const [{ generateFiles }, { planOutput }, { applyOutputPlan }, { generationInputs }] = await Promise.all([
    import('../../../codegen/pipeline.js'),
    import('../../../codegen/output/output-changes.js'),
    import('../../../codegen/output/write-output.js'),
    import('../../../codegen/output/generation-inputs.js'),
  ]);
  // The inputs are hashed (I/O) while the files are generated (CPU); check compares them later.
  const [files, inputs] = await Promise.all([generateFiles({ schemasDir, bindingEntry: bindingEntryFor(outDir) }), generationInputs(schemasDir)]);
  const changes = await applyOutputPlan(outDir, await planOutput(outDir, files, inputs));
  const out = shownPath(outDir, cwd);
  const lines = [
    ...changes.created.map((path) => `created  ${out}/${path}`),
    ...changes.updated.map((path) => `updated  ${out}/${path}`),
    ...changes.removed.map((path) => `removed  ${out}/${path}`),
    `generate: ${files.length} files from ${shownPath(schemasDir, cwd)} → ${out}: ` +
      `${changes.created.length} created, ${changes.updated.length} updated, ${changes.removed.length} removed, ${changes.unchanged} unchanged`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  for (const path of changes.keptEdited) {
    process.stderr.write(`generate: warning: ${out}/${path}: no longer generated but edited since adcp-codegen wrote it; left in place and dropped from its manifest\n`);
  }
}
