// Dev tool: regenerates src/generated from a schema dir through the same output plan as the CLI
// `generate` command (only files its manifest says it wrote are ever replaced or removed).
// Usage (after `npx tsc -p tsconfig.build.json`): node dist/codegen/write-generated.js [schemasDir] [outDir]
import path from 'node:path';
import { planOutput } from './output/output-changes.js';
import { applyOutputPlan } from './output/write-output.js';
import { generationInputs } from './output/generation-inputs.js';
import { generateFiles } from './pipeline.js';

export async function writeGenerated(schemasDir: string, outDir: string): Promise<number> {
  const started = performance.now();
  const [files, inputs] = await Promise.all([generateFiles({ schemasDir }), generationInputs(schemasDir)]);
  const elapsed = performance.now() - started;
  await applyOutputPlan(outDir, await planOutput(outDir, files, inputs));
  return elapsed;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [schemasDir = 'schemas/cache', outDir = 'src/generated'] = process.argv.slice(2);
  writeGenerated(schemasDir, outDir).then(
    (ms) => process.stdout.write(`generated ${outDir} from ${schemasDir} in ${Math.round(ms)} ms\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
