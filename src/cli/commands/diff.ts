import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { lockPathFor } from '../../../codegen/cache/lock-file.js';
import { CliError } from '../cli-error.js';
import {
  BASE_URL_HELP,
  CONFIG_HELP,
  projectConfig,
  releaseProgress,
  releaseSiteFor,
  schemaLocations,
  shippedSchemasDir,
  shownPath,
  type SchemaLocations,
} from '../codegen-support.js';
import type { LoadedProjectConfig } from '../project-config.js';
import { assertOnlyNeedsVersions, collectOnly, knownTargets, lockedVersion, selectTargets, versionTargets, type VersionTarget } from '../version-targets.js';

interface DiffOptions {
  from?: string;
  to: string;
  baseUrl?: string;
  json?: boolean;
  failOn?: string;
  config?: string;
  only?: string[];
}

type FailOn = 'breaking' | 'additive';

const SOURCE_HELP = 'schema directory, tarball (.tgz), tarball URL, release version or "latest"';

// Pre-formatted (commander keeps indented text as written): lines fit the 80-column help.
const DESCRIPTION = `semantic diff of two AdCP schema snapshots for the webhook surface, with a CI
verdict. A bare release version that ships inside adcp-codegen (or is one of
the project's pinned caches) is read offline unless --base-url is given.

Exit codes:
  0  the diff was printed (and, with --fail-on, the verdict is below it)
  1  --fail-on breaking: the verdict is breaking for senders or receivers;
     --fail-on additive: anything changed (additive or breaking)
  2  bad input (missing or unreadable snapshot) or internal error`;

/** `adcp-codegen diff`: what changes for the webhook surface between two schema snapshots, and the verdict. */
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .summary('semantic diff of two AdCP schema snapshots for the webhook surface, with a CI verdict')
    .description(DESCRIPTION)
    .option('--from <source>', `older snapshot: ${SOURCE_HELP} (default: the project's pinned schema cache; with "versions", the one --only picks)`)
    .requiredOption('--to <source>', `newer snapshot: ${SOURCE_HELP}`)
    .option('--fail-on <level>', 'exit 1 when the verdict is "breaking" (breaking for anyone) or "additive" (any change)')
    .option('--base-url <url>', BASE_URL_HELP)
    .option('--json', 'print the diff as one JSON object (format adcp-schema-diff/1)')
    .option('--only <target>', 'with "versions" in the config: the target whose cache is the default --from (its version label or out folder)', collectOnly)
    .option('--config <file>', CONFIG_HELP)
    .action(async (options: DiffOptions) => {
      process.exitCode = await runDiff(options, process.cwd());
    });
}

async function runDiff(options: DiffOptions, cwd: string): Promise<number> {
  const failOn = parseFailOn(options.failOn);
  const [diff, output, { CacheError }, { ProjectConfigError }] = await Promise.all([
    import('../../../codegen/diff/index.js'),
    import('../output/index.js'),
    import('../../../codegen/cache/cache-error.js'),
    import('../project-config.js'),
  ]);
  const progress = releaseProgress('release');
  let report;
  try {
    const config = projectConfig(cwd, options.config);
    const caches = projectCaches(config, cwd);
    const from = options.from ?? shownPath(defaultFrom(caches, options.only, cwd).schemasDir, cwd);
    const site = releaseSiteFor(options.baseUrl);
    const localReleases = options.baseUrl === undefined ? localReleasesFor([shippedLocations(), ...caches.all]) : undefined;
    report = await diff.diffSchemaSources(from, options.to, { cwd, site, progress, ...(localReleases && { localReleases }) });
  } catch (error) {
    if (error instanceof diff.SnapshotError || error instanceof CacheError || error instanceof ProjectConfigError) {
      throw new CliError(`diff: ${error.message}`, 2);
    }
    throw error;
  } finally {
    progress.finish();
  }
  if (options.json === true) {
    output.writeJson(report);
  } else {
    process.stdout.write(diff.formatDiffReport(report, output.paletteFor(process.stdout)));
  }
  return failsOn(report.verdict, failOn) ? 1 : 0;
}

function parseFailOn(value: string | undefined): FailOn | undefined {
  if (value === undefined || value === 'breaking' || value === 'additive') return value;
  throw new CliError(`diff: --fail-on ${JSON.stringify(value)}: expected breaking or additive`, 2);
}

/** `breaking`: any "breaking for …" verdict; `additive`: any verdict but "no changes". */
function failsOn(verdict: string, failOn: FailOn | undefined): boolean {
  if (failOn === undefined) return false;
  if (failOn === 'breaking') return verdict.startsWith('breaking');
  return verdict !== 'no changes';
}

/** The project's pinned caches: the one cache of a single-target config, or every target of `versions`. */
type ProjectCaches =
  | { readonly kind: 'single'; readonly all: readonly SchemaLocations[] }
  | { readonly kind: 'versions'; readonly all: readonly VersionTarget[] };

function projectCaches(config: LoadedProjectConfig | undefined, cwd: string): ProjectCaches {
  const versions = versionTargets(config, cwd);
  return versions === undefined ? { kind: 'single', all: [schemaLocations({}, cwd, config)] } : { kind: 'versions', all: versions };
}

/** The cache `--from` defaults to: the single pinned cache, or the one target of `versions` --only picks. */
function defaultFrom(caches: ProjectCaches, only: readonly string[] | undefined, cwd: string): SchemaLocations {
  if (caches.kind === 'single') {
    assertOnlyNeedsVersions(only, 'diff');
    return caches.all[0] as SchemaLocations;
  }
  const selected = selectTargets(caches.all, only, cwd, 'diff');
  if (selected.length !== 1) {
    throw new CliError(`diff: the project config has several "versions"; pass --from <source> or --only <target> to pick the default --from (targets: ${knownTargets(selected, cwd)})`, 2);
  }
  return selected[0] as VersionTarget;
}

function shippedLocations(): { schemasDir: string; lockPath: string } {
  const schemasDir = shippedSchemasDir();
  return { schemasDir, lockPath: lockPathFor(schemasDir) };
}

/** Version → directory for the caches on disk whose lock names their release (first one wins). */
function localReleasesFor(caches: readonly { schemasDir: string; lockPath: string }[]): Map<string, string> {
  const releases = new Map<string, string>();
  for (const { schemasDir, lockPath } of caches) {
    const version = lockedVersion(lockPath);
    if (version !== undefined && existsSync(join(schemasDir, 'index.json')) && !releases.has(version)) releases.set(version, schemasDir);
  }
  return releases;
}

