import type { Command } from 'commander';
import { resolve } from 'node:path';
import { lockPathFor } from '../../../codegen/cache/lock-file.js';
import type { SyncResult } from '../../../codegen/cache/sync-cache.js';
import { cliAction, BASE_URL_HELP, releaseProgress, releaseSiteFor, shownPath } from '../codegen-support.js';

interface SyncOptions {
  version: string;
  from?: string;
  sha256?: string;
  baseUrl?: string;
  schemas: string;
  lock?: string;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('refresh schemas/cache and its lock to an AdCP release (verified, swapped in atomically)')
    .requiredOption('--version <version>', 'AdCP release to sync, e.g. 3.1.19, or "latest" (the release site\'s latest_stable)')
    .option('--from <source>', 'release URL, schema directory or local tarball (default: <base-url>/protocol/<version>.tgz)')
    .option('--sha256 <hex>', 'expected sha256 of the tarball (default: the published <tarball>.sha256)')
    .option('--base-url <url>', BASE_URL_HELP)
    .option('--schemas <dir>', 'schema cache to replace', 'schemas/cache')
    .option('--lock <file>', 'lock file (default: adcp-schemas.lock.json beside the cache)')
    .action(cliAction(runSync));
}

async function runSync(options: SyncOptions, cwd: string): Promise<void> {
  const cacheDir = resolve(cwd, options.schemas);
  const lockPath = options.lock === undefined ? lockPathFor(cacheDir) : resolve(cwd, options.lock);
  const site = releaseSiteFor(options.baseUrl);
  const { syncSchemaCache } = await import('../../../codegen/cache/sync-cache.js');
  const progress = releaseProgress('AdCP release');
  let result;
  try {
    result = await syncSchemaCache({ version: options.version, from: options.from, sha256: options.sha256, cacheDir, lockPath, cwd, site, progress });
  } finally {
    progress.finish();
  }
  process.stdout.write(syncSummary(result, shownPath(cacheDir, cwd), shownPath(lockPath, cwd)));
}

function syncSummary(result: SyncResult, cache: string, lock: string): string {
  const latest = result.latestPointer === undefined ? '' : `sync: latest stable AdCP release is ${result.version} (${result.latestPointer})\n`;
  const changes = `${result.added.length} added, ${result.removed.length} removed, ${result.changed.length} changed`;
  return (
    latest +
    `sync: AdCP ${result.version} from ${result.source}: ${result.fileCount} files (${changes}) → ${cache}, lock ${lock}\n` +
    'sync: run `adcp-codegen generate` to refresh the generated code\n'
  );
}
