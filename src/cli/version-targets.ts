// The targets of a project config with `versions`: one AdCP release each, with its own schema
// cache, lock and output folder, and the `--only` selection shared by generate, check, sync and diff.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from './cli-error.js';
import { shownPath } from './codegen-support.js';
import type { LoadedProjectConfig } from './project-config.js';

/** One AdCP release of a project: where its cache, lock and generated code live. */
export interface VersionTarget {
  /** How output and `--only` name it: the entry's `version`, else its cache lock's release, else its `out` path. */
  readonly label: string;
  readonly schemasDir: string;
  readonly lockPath: string;
  readonly outDir: string;
  /** The release `sync` fetches for it, when the entry names one. */
  readonly version?: string;
}

/** Help text of `--only`, shared by the commands that take it. */
export const ONLY_HELP = 'with "versions" in the config: only these targets, by version label or out folder (repeatable, or a comma list)';

/** Commander collector of `--only`: repeatable and comma-separated values, in order. */
export function collectOnly(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',').map((part) => part.trim()).filter((part) => part !== '')];
}

/** The targets of `config.versions` in config order; undefined when the config has no `versions`. */
export function versionTargets(config: LoadedProjectConfig | undefined, cwd: string): VersionTarget[] | undefined {
  if (config?.versions === undefined) return undefined;
  return config.versions.map((entry) => ({
    label: entry.version ?? lockedVersion(entry.lock) ?? shownPath(entry.out, cwd),
    schemasDir: entry.schemas,
    lockPath: entry.lock,
    outDir: entry.out,
    ...(entry.version === undefined ? {} : { version: entry.version }),
  }));
}

/**
 * The targets `--only` names (all of them without `--only`), in config order. A value matches a
 * target's label or its `out` folder; a value matching none is bad input (exit 2) naming the known ones.
 */
export function selectTargets(targets: readonly VersionTarget[], only: readonly string[] | undefined, cwd: string, command: string): VersionTarget[] {
  if (only === undefined || only.length === 0) return [...targets];
  const picked = new Set<VersionTarget>();
  for (const value of only) {
    const matches = targets.filter((target) => target.label === value || target.outDir === resolve(cwd, value));
    if (matches.length === 0) throw new CliError(`${command}: --only ${JSON.stringify(value)}: no such target (known: ${knownTargets(targets, cwd)})`);
    for (const match of matches) picked.add(match);
  }
  return targets.filter((target) => picked.has(target));
}

/** The labels and out folders of `targets`, for messages. */
export function knownTargets(targets: readonly VersionTarget[], cwd: string): string {
  return targets.map((target) => `${target.label} (${shownPath(target.outDir, cwd)})`).join(', ');
}

/** `--only` without `versions` in the config has nothing to select from. */
export function assertOnlyNeedsVersions(only: readonly string[] | undefined, command: string): void {
  if (only !== undefined && only.length > 0) throw new CliError(`${command}: --only needs "versions" in the project config`);
}

/**
 * Flags naming one cache or output folder do not combine with `versions`: `--only` picks the
 * target instead (or `--config` names a single-target config).
 */
export function assertNoTargetFlags(flags: readonly (readonly [string, unknown])[], command: string): void {
  const given = flags.filter(([, value]) => value !== undefined).map(([name]) => name);
  if (given.length === 0) return;
  throw new CliError(
    `${command}: ${given.join(' and ')} cannot be combined with "versions" in the project config; pick a target with --only <version|out> (or --config another file)`,
  );
}

/** The release a lock file names, or undefined when it is missing or unreadable. */
export function lockedVersion(lockPath: string): string | undefined {
  try {
    const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { adcpVersion?: unknown };
    return typeof lock.adcpVersion === 'string' ? lock.adcpVersion : undefined;
  } catch {
    return undefined;
  }
}
