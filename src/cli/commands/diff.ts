import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { BASE_URL_HELP, releaseProgress, releaseSiteFor } from '../codegen-support.js';

interface DiffOptions {
  from: string;
  to: string;
  baseUrl?: string;
  json?: boolean;
}

const SOURCE_HELP = 'schema directory, tarball (.tgz), tarball URL, release version or "latest"';

/** `adcp-codegen diff`: what changes for the webhook surface between two schema snapshots, and the verdict. */
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('semantic diff of two AdCP schema snapshots for the webhook surface, with a CI verdict')
    .requiredOption('--from <source>', `older snapshot: ${SOURCE_HELP}`)
    .requiredOption('--to <source>', `newer snapshot: ${SOURCE_HELP}`)
    .option('--base-url <url>', BASE_URL_HELP)
    .option('--json', 'print the diff as one JSON object (format adcp-schema-diff/1)')
    .action(async (options: DiffOptions) => {
      await runDiff(options);
    });
}

async function runDiff(options: DiffOptions): Promise<void> {
  const [diff, output, { CacheError }] = await Promise.all([
    import('../../../codegen/diff/index.js'),
    import('../output/index.js'),
    import('../../../codegen/cache/cache-error.js'),
  ]);
  const progress = releaseProgress('release');
  let report;
  try {
    const site = releaseSiteFor(options.baseUrl);
    report = await diff.diffSchemaSources(options.from, options.to, { cwd: process.cwd(), site, progress });
  } catch (error) {
    if (error instanceof diff.SnapshotError || error instanceof CacheError) throw new CliError(`diff: ${error.message}`, 2);
    throw error;
  } finally {
    progress.finish();
  }
  if (options.json === true) {
    output.writeJson(report);
  } else {
    process.stdout.write(diff.formatDiffReport(report, output.paletteFor(process.stdout)));
  }
}
