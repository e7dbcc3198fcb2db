import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { SyncResult } from '../../../codegen/cache/sync-cache.js';
import { CliError } from '../cli-error.js';
import { cliAction, BASE_URL_HELP, CONFIG_HELP, lockLocation, projectConfig, releaseProgress, releaseSiteFor, shownPath } from '../codegen-support.js';

interface SyncOptions {
  version?: string;
  from?: string;
  sha256?: string;
  baseUrl?: string;
  schemas?: string;
  lock?: string;
  requireSignature?: boolean;
  trustedRoot?: string;
  config?: string;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('refresh schemas/cache and its lock to an AdCP release (verified, swapped in atomically)')
    .option('--version <version>', 'AdCP release to sync, e.g. 3.1.19, or "latest" (the release site\'s latest_stable; default: the config\'s "version")')
    .option('--from <source>', 'release URL, schema directory or local tarball (default: <base-url>/protocol/<version>.tgz)')
    .option('--sha256 <hex>', 'expected sha256 of the tarball (default: the published <tarball>.sha256)')
    .option('--base-url <url>', BASE_URL_HELP)
    .option('--schemas <dir>', 'schema cache to replace (default: the config\'s "schemas", else schemas/cache)')
    .option('--lock <file>', 'lock file (default: the config\'s "lock", else adcp-schemas.lock.json beside the cache)')
    .option('--require-signature', 'refuse a release without a Sigstore signature (.sig + .crt) instead of trusting its checksum alone')
    .option('--trusted-root <file>', 'Sigstore trusted root JSON to verify signatures against (default: the embedded Sigstore public-good root)')
    .option('--config <file>', CONFIG_HELP)
    .action(cliAction(runSync));
}

async function runSync(options: SyncOptions, cwd: string): Promise<void> {
  const config = projectConfig(cwd, options.config);
  const version = options.version ?? config?.version;
  if (version === undefined) {
    throw new CliError('sync: no release named: pass --version <version> (e.g. 3.1.19 or latest) or set "version" in the project config');
  }
  const cacheDir = options.schemas !== undefined ? resolve(cwd, options.schemas) : (config?.schemas ?? resolve(cwd, 'schemas/cache'));
  const lockPath = lockLocation(options, cwd, cacheDir, config);
  const site = releaseSiteFor(options.baseUrl);
  const { syncSchemaCache } = await import('../../../codegen/cache/sync-cache.js');
  const progress = releaseProgress('AdCP release');
  let result;
  try {
    const signature = { require: options.requireSignature === true, trustedRoot: options.trustedRoot === undefined ? undefined : resolve(cwd, options.trustedRoot) };
    result = await syncSchemaCache({ version, from: options.from, sha256: options.sha256, cacheDir, lockPath, cwd, site, progress, signature });
  } finally {
    progress.finish();
  }
  process.stdout.write(syncSummary(result, shownPath(cacheDir, cwd), shownPath(lockPath, cwd)));
  const warning = unsignedWarning(result.signature);
  if (warning !== undefined) process.stderr.write(warning);
}

/** Checksum-only trust is said loudly, once, on stderr ("Verifying protocol tarballs", When verification is not available). */
function unsignedWarning(signature: SyncResult['signature']): string | undefined {
  if (signature.status !== 'absent') return undefined;
  return (
    `sync: warning: ${signature.label} has no Sigstore signature (.sig/.crt not published): ` +
    'checksum-only trust, the publisher is NOT verified (pass --require-signature to refuse unsigned releases)\n'
  );
}

function syncSummary(result: SyncResult, cache: string, lock: string): string {
  const latest = result.latestPointer === undefined ? '' : `sync: latest stable AdCP release is ${result.version} (${result.latestPointer})\n`;
  const changes = `${result.added.length} added, ${result.removed.length} removed, ${result.changed.length} changed`;
  return (
    latest +
    `sync: AdCP ${result.version} from ${result.source}: ${result.fileCount} files (${changes}) → ${cache}, lock ${lock}\n` +
    signedLine(result.signature) +
    'sync: run `adcp-codegen generate` to refresh the generated code\n'
  );
}

function signedLine(signature: SyncResult['signature']): string {
  return signature.status === 'verified' ? `sync: Sigstore signature verified: ${signature.identity} (issuer ${signature.issuer})\n` : '';
}
