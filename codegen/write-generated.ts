// Dev tool: regenerates src/generated from a schema dir by calling the pipeline and writing its files
// verbatim (the CLI `generate` command does the same with locking and checks).
// Usage (after `npx tsc -p tsconfig.build.json`): node dist/codegen/write-generated.js [schemasDir] [outDir]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateFiles } from './pipeline.js';

export async function writeGenerated(schemasDir: string, outDir: string): Promise<number> {
  const started = performance.now();
  const files = await generateFiles({ schemasDir });
  const elapsed = performance.now() - started;
  mkdirSync(outDir, { recursive: true });
  const wanted = new Set(files.map((file) => file.path));
  for (const existing of readdirSync(outDir)) {
    if (existing.endsWith('.ts') && !wanted.has(existing)) rmSync(path.join(outDir, existing));
  }
  for (const file of files) {
    mkdirSync(path.dirname(path.join(outDir, file.path)), { recursive: true });
    writeFileSync(path.join(outDir, file.path), file.contents);
  }
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
