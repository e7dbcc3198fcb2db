import type { Command } from 'commander';
import type { SchemaLock } from '../../../codegen/cache/lock-file.js';
import type { CheckReport } from '../../../codegen/output/check-report.js';
import { CliError } from '../cli-error.js';
import { asCliError, assertSchemasDirExists, outputDir, schemaLocations, shownPath } from '../codegen-support.js';

interface CheckOptions {
  schemas?: string;
  out?: string;
  lock?: string;
  json?: boolean;
}

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('verify the schema cache against its lock and the generated code against the schemas (exit 1 on drift)')
    .option('--schemas <dir>', 'schema cache (default: ./schemas/cache, else the cache shipped with adcp-codegen)')
    .option('--out <dir>', 'generated output directory', 'src/generated')
    .option('--lock <file>', 'lock file (default: adcp-schemas.lock.json beside the cache)')
    .option('--json', 'print a machine-readable report on stdout')
    .action(async (options: CheckOptions) => {
      try {
        process.exitCode = await runCheck(options, process.cwd());
      } catch (error) {
        const reported = await asCliError(error);
        if (options.json === true) {
          const message = reported instanceof Error ? reported.message : String(reported);
          const { writeJson } = await import('../output/json-output.js');
          writeJson({ ok: false, error: message });
        }
        throw reported;
      }
    });
}

async function runCheck(options: CheckOptions, cwd: string): Promise<number> {
  const { schemasDir, lockPath } = schemaLocations(options, cwd);
  const outDir = outputDir(options.out, cwd);
  assertSchemasDirExists(schemasDir, cwd);
  const [{ readLock }, { planOutput }, { driftFromPlan }, { formatCheckReport }, { writeJson }, { paletteFor }] = await Promise.all([
    import('../../../codegen/cache/lock-file.js'),
    import('../../../codegen/output/output-changes.js'),
    import('../../../codegen/output/drift-report.js'),
    import('../../../codegen/output/check-report.js'),
    import('../output/json-output.js'),
    import('../output/palette.js'),
  ]);
  const lock = await readLock(lockPath);
  const { cache, generated, generationError } = await verifyAndGenerate(schemasDir, lock);
  const drift = generated === undefined ? [] : driftFromPlan(await planOutput(outDir, generated), shownPath(outDir, cwd));
  const report: CheckReport = {
    ok: cache.length === 0 && drift.length === 0,
    adcpVersion: lock.adcpVersion,
    schemasDir: shownPath(schemasDir, cwd),
    lockPath: shownPath(lockPath, cwd),
    outDir: shownPath(outDir, cwd),
    cache,
    generated: drift,
    ...(generationError === undefined ? {} : { generationError }),
    generatedFileCount: generated?.length ?? 0,
  };
  if (options.json === true) writeJson(report);
  else {
    const palette = paletteFor(process.stdout);
    process.stdout.write(formatCheckReport(report, { added: palette.green, removed: palette.red, hunk: palette.cyan }));
  }
  return report.ok ? 0 : 1;
}

/** Hashes the cache against its lock (I/O) while generating in memory (CPU). */
async function verifyAndGenerate(schemasDir: string, lock: SchemaLock) {
  const [{ verifyCacheAgainstLock }, { generateFiles }] = await Promise.all([
    import('../../../codegen/cache/verify-cache.js'),
    import('../../../codegen/pipeline.js'),
  ]);
  const [cacheResult, generatedResult] = await Promise.allSettled([
    verifyCacheAgainstLock(schemasDir, lock),
    generateFiles({ schemasDir }),
  ]);
  if (cacheResult.status === 'rejected') throw cacheResult.reason;
  const cache = cacheResult.value;
  if (generatedResult.status === 'fulfilled') return { cache, generated: generatedResult.value };
  // A cache that drifted from its lock may well fail to generate; the drift is the finding then.
  const reported = await asCliError(generatedResult.reason);
  if (cache.length === 0 || !(reported instanceof CliError)) throw reported;
  return { cache, generated: undefined, generationError: reported.message };
}
