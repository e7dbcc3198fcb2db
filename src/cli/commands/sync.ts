import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { SyncResult } from '../../../codegen/cache/sync-cache.js';
import { CliError } from '../cli-error.js';
import { lockPathFor } from '../../../codegen/cache/lock-file.js';
import { cliAction, BASE_URL_HELP, CONFIG_HELP, lockLocation, projectConfig, releaseProgress, releaseSiteFor, shownPath } from '../codegen-support.js';
import type { LoadedProjectConfig } from '../project-config.js';
import { assertNoTargetFlags, assertOnlyNeedsVersions, collectOnly, knownTargets, ONLY_HELP, selectTargets, versionTargets, type VersionTarget } from '../version-targets.js';

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
  only?: string[];
}

/** One cache to refresh: the release, where it goes, and how its lines are prefixed. */
interface SyncTarget {
  readonly version: string;
  readonly cacheDir: string;
  readonly lockPath: string;
  /** `[label] ` with `versions` in the config, empty for the single target. */
  readonly prefix: string;
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .summary('refresh schemas/cache and its lock to an AdCP release (verified, swapped in atomically)')
    .description(
      'refresh schemas/cache and its lock to an AdCP release (verified, swapped in atomically); with "versions" in the config, ' +
        'every version whose entry names a "version" (or those --only names), each into its own "schemas" and "lock"',
    )
    .option('--version <version>', 'AdCP release to sync, e.g. 3.1.19, or "latest" (the release site\'s latest_stable; default: the config\'s "version")')
    .option('--from <source>', 'release URL, schema directory or local tarball (default: <base-url>/protocol/<version>.tgz)')
    .option('--sha256 <hex>', 'expected sha256 of the tarball (default: the published <tarball>.sha256)')
    .option('--base-url <url>', BASE_URL_HELP)
    .option('--schemas <dir>', 'schema cache to replace (default: the config\'s "schemas", else schemas/cache)')
    .option('--lock <file>', 'lock file (default: the config\'s "lock", else adcp-schemas.lock.json beside the cache)')
    .option('--require-signature', 'refuse a release without a Sigstore signature (.sig + .crt) instead of trusting its checksum alone')
    .option('--trusted-root <file>', 'Sigstore trusted root JSON to verify signatures against (default: the embedded Sigstore public-good root)')
    .option('--only <target>', ONLY_HELP, collectOnly)
    .option('--config <file>', CONFIG_HELP)
    .action(cliAction(runSync));
}

async function runSync(options: SyncOptions, cwd: string): Promise<void> {
  const config = projectConfig(cwd, options.config);
  const versions = versionTargets(config, cwd);
  if (versions === undefined) {
    assertOnlyNeedsVersions(options.only, 'sync');
    await syncAll([singleTarget(options, cwd, config)], options, cwd);
    return;
  }
  const { targets, skipped } = versionedTargets(versions, options, cwd);
  for (const label of skipped) process.stdout.write(`[${label}] sync: skipped: its entry of "versions" sets no "version"\n`);
  await syncAll(targets, options, cwd);
}

function singleTarget(options: SyncOptions, cwd: string, config: LoadedProjectConfig | undefined): SyncTarget {
  const version = options.version ?? config?.version;
  if (version === undefined) {
    throw new CliError('sync: no release named: pass --version <version> (e.g. 3.1.19 or latest) or set "version" in the project config');
  }
  const cacheDir = options.schemas !== undefined ? resolve(cwd, options.schemas) : (config?.schemas ?? resolve(cwd, 'schemas/cache'));
  return { version, cacheDir, lockPath: lockLocation(options, cwd, cacheDir, config), prefix: '' };
}

/**
 * The `versions` targets to sync: those --only names (all without it) that have a release to fetch,
 * and the labels of the selected ones that have none. Flags that name one release or one cache apply
 * only when exactly one target is selected.
 */
function versionedTargets(versions: readonly VersionTarget[], options: SyncOptions, cwd: string): { targets: SyncTarget[]; skipped: string[] } {
  const selected = selectTargets(versions, options.only, cwd, 'sync');
  const flags = [['--version', options.version], ['--from', options.from], ['--sha256', options.sha256], ['--schemas', options.schemas], ['--lock', options.lock]] as const;
  if (selected.length > 1) assertNoTargetFlags(flags, 'sync');
  const syncable = selected.filter((target) => target.version !== undefined || options.version !== undefined);
  if (syncable.length === 0) {
    throw new CliError(`sync: no release named: no selected entry of "versions" sets "version" (targets: ${knownTargets(selected, cwd)}); set it or pass --only <target> --version <version>`);
  }
  const targets = syncable.map((target) => {
    const cacheDir = options.schemas !== undefined ? resolve(cwd, options.schemas) : target.schemasDir;
    const lockPath = options.lock !== undefined ? resolve(cwd, options.lock) : options.schemas !== undefined ? lockPathFor(cacheDir) : target.lockPath;
    return { version: (options.version ?? target.version) as string, cacheDir, lockPath, prefix: `[${target.label}] ` };
  });
  const skipped = selected.filter((target) => !syncable.includes(target)).map((target) => target.label);
  return { targets, skipped };
}

/** Syncs the targets one after another; each cache and lock is swapped in atomically on its own. */
async function syncAll(targets: readonly SyncTarget[], options: SyncOptions, cwd: string): Promise<void> {
  const site = releaseSiteFor(options.baseUrl);
  const { syncSchemaCache } = await import('../../../codegen/cache/sync-cache.js');
  const signature = { require: options.requireSignature === true, trustedRoot: options.trustedRoot === undefined ? undefined : resolve(cwd, options.trustedRoot) };
  for (const { version, cacheDir, lockPath, prefix } of targets) {
    const progress = releaseProgress('AdCP release');
    let result;
    try {
      result = await syncSchemaCache({ version, from: options.from, sha256: options.sha256, cacheDir, lockPath, cwd, site, progress, signature });
    } finally {
      progress.finish();
    }
    process.stdout.write(prefixed(syncSummary(result, shownPath(cacheDir, cwd), shownPath(lockPath, cwd)), prefix));
    const warning = unsignedWarning(result.signature);
    if (warning !== undefined) process.stderr.write(prefixed(warning, prefix));
  }
}

function prefixed(text: string, prefix: string): string {
  return prefix === '' ? text : text.replace(/^(?=.)/gm, prefix);
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
