import type { Command } from 'commander';
import { resolve } from 'node:path';
import { lockPathFor } from '../../../codegen/cache/lock-file.js';
import { asCliError, shownPath } from '../codegen-support.js';

interface SyncOptions {
  version: string;
  from?: string;
  sha256?: string;
  schemas: string;
  lock?: string;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('refresh schemas/cache and its lock to an AdCP release (verified, swapped in atomically)')
    .requiredOption('--version <version>', 'AdCP release to sync, e.g. 3.1.19')
    .option('--from <source>', 'release URL, schema directory or local tarball (default: https://adcontextprotocol.org/protocol/<version>.tgz)')
    .option('--sha256 <hex>', 'expected sha256 of the tarball (default: the published <tarball>.sha256)')
    .option('--schemas <dir>', 'schema cache to replace', 'schemas/cache')
    .option('--lock <file>', 'lock file (default: adcp-schemas.lock.json beside the cache)')
    .action(async (options: SyncOptions) => {
      try {
        await runSync(options, process.cwd());
      } catch (error) {
        throw await asCliError(error);
      }
    });
}

async function runSync(options: SyncOptions, cwd: string): Promise<void> {
  const cacheDir = resolve(cwd, options.schemas);
  const lockPath = options.lock === undefined ? lockPathFor(cacheDir) : resolve(cwd, options.lock);
  const [{ syncSchemaCache }, { createProgress }] = await Promise.all([
    import('../../../codegen/cache/sync-cache.js'),
    import('../output/progress.js'),
  ]);
  // Download progress on an interactive terminal only; quiet under CI.
  const progress = createProgress('downloading', { unit: 'bytes' });
  let result;
  try {
    result = await syncSchemaCache({
      version: options.version,
      from: options.from,
      sha256: options.sha256,
      cacheDir,
      lockPath,
      cwd,
      onProgress: (received, total) => progress.update(received, total),
    });
  } finally {
    progress.finish();
  }
  const changes = `${result.added.length} added, ${result.removed.length} removed, ${result.changed.length} changed`;
  process.stdout.write(
    `sync: AdCP ${result.version} from ${result.source}: ${result.fileCount} files (${changes}) → ` +
      `${shownPath(cacheDir, cwd)}, lock ${shownPath(lockPath, cwd)}\n` +
      'sync: run `adcp-codegen generate` to refresh the generated code\n',
  );
}
