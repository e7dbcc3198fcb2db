import type { Command } from 'commander';
import type { SchemaLock } from '../../../codegen/cache/lock-file.js';
import type { CheckReport } from '../../../codegen/output/check-report.js';
import { CliError } from '../cli-error.js';
import { existsSync } from 'node:fs';
import {
  asCliError,
  assertSchemasDirExists,
  BASE_URL_HELP,
  CONFIG_HELP,
  outputDir,
  projectConfig,
  releaseSiteFor,
  schemaLocations,
  shownPath,
  bindingEntryFor,
} from '../codegen-support.js';
import { PROJECT_CONFIG_FILE } from '../project-config.js';
import type { UpstreamResult } from './check-upstream.js';
import { assertNoTargetFlags, assertOnlyNeedsVersions, collectOnly, knownTargets, ONLY_HELP, selectTargets, versionTargets } from '../version-targets.js';

interface CheckOptions {
  schemas?: string;
  out?: string;
  lock?: string;
  json?: boolean;
  upstream?: string;
  baseUrl?: string;
  config?: string;
  only?: string[];
}

// Pre-formatted (commander keeps indented text as written): lines fit the 80-column help.
const DESCRIPTION = `verify the schema cache against its lock and the generated code against the
schemas; with --upstream, also diff the pinned cache against an upstream
release and print first the one-line verdict a CI bot would post. With
"versions" in the project config, every version (or those --only names) is
checked and reported under a heading naming it; --json then prints
{ ok, targets: [{ label, ...report }] }

Exit codes:
  0  in sync (with --upstream: and upstream is the same release, with no
     semantic change for the webhook surface)
  1  drift: the cache differs from its lock or the generated code from the
     schemas; with --upstream, also when upstream differs (another release
     or any semantic change), so CI flags an available release; with
     "versions", when any target drifted
  2  bad input (missing cache or lock, unreadable upstream) or internal error`;

export function registerCheck(program: Command): void {
  program
    .command('check')
    .summary('verify the schema cache against its lock and the generated code against the schemas (exit 1 on drift)')
    .description(DESCRIPTION)
    .option('--schemas <dir>', 'schema cache (default: the config\'s "schemas", else ./schemas/cache, else the cache shipped with adcp-codegen)')
    .option('--out <dir>', 'generated output directory (default: the config\'s "out", else src/generated)')
    .option('--lock <file>', 'lock file (default: the config\'s "lock", else adcp-schemas.lock.json beside the cache)')
    .option('--config <file>', CONFIG_HELP)
    .option('--only <target>', ONLY_HELP, collectOnly)
    .option('--upstream <source>', 'upstream release to compare the pinned cache with: schema directory, tarball, tarball URL, release version or "latest"')
    .option('--base-url <url>', BASE_URL_HELP)
    .option('--json', 'print a machine-readable report on stdout (the comparison under "upstream"; "ok" is true exactly when the exit code is 0)')
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

/** One pinned cache and its generated folder; `generateHint` is the command that creates the folder. */
interface CheckTarget {
  readonly schemasDir: string;
  readonly lockPath: string;
  readonly outDir: string;
  readonly generateHint: string;
}

/** What check found for one target; `ok` includes the upstream comparison. */
interface TargetResult {
  readonly report: CheckReport;
  readonly upstream: UpstreamResult | undefined;
  readonly ok: boolean;
}

async function runCheck(options: CheckOptions, cwd: string): Promise<number> {
  const config = projectConfig(cwd, options.config);
  const versions = versionTargets(config, cwd);
  if (versions === undefined) {
    assertOnlyNeedsVersions(options.only, 'check');
    const { schemasDir, lockPath } = schemaLocations(options, cwd, config);
    const outDir = outputDir(options.out, cwd, config);
    const result = await checkTarget({ schemasDir, lockPath, outDir, generateHint: singleGenerateHint(outDir, cwd, options.out !== undefined || config?.out !== undefined) }, options, cwd);
    await printCheck(result, options.json === true);
    return result.ok ? 0 : 1;
  }
  assertNoTargetFlags([['--schemas', options.schemas], ['--out', options.out], ['--lock', options.lock]], 'check');
  const selected = selectTargets(versions, options.only, cwd, 'check');
  if (options.upstream !== undefined && selected.length > 1) {
    throw new CliError(`check: --upstream compares one pinned cache; pick one target with --only (known: ${knownTargets(selected, cwd)})`, 2);
  }
  const results: (TargetResult & { label: string })[] = [];
  for (const target of selected) {
    const generateHint = `run \`adcp-codegen generate --only ${target.label}\` first`;
    results.push({ label: target.label, ...(await checkTarget({ ...target, generateHint }, options, cwd)) });
  }
  await printTargets(results, options.json === true);
  return results.every((result) => result.ok) ? 0 : 1;
}

async function checkTarget(target: CheckTarget, options: CheckOptions, cwd: string): Promise<TargetResult> {
  const { schemasDir, lockPath, outDir } = target;
  assertSchemasDirExists(schemasDir, cwd);
  assertGeneratedDirExists(outDir, cwd, target.generateHint);
  const site = options.upstream === undefined ? undefined : releaseSiteFor(options.baseUrl);
  const { readLock } = await import('../../../codegen/cache/lock-file.js');
  const lock = await readLock(lockPath);
  // The upstream download runs while the cache is hashed and the code regenerated.
  const [report, upstream] = await Promise.all([
    checkPinned(schemasDir, lockPath, lock, outDir, cwd),
    options.upstream === undefined || site === undefined
      ? undefined
      : import('./check-upstream.js').then(({ compareUpstream }) =>
          compareUpstream(options.upstream as string, { pinnedDir: shownPath(schemasDir, cwd), pinnedVersion: lock.adcpVersion, cwd, site }),
        ),
  ]);
  if (upstream !== undefined && 'pinnedError' in upstream && report.ok) throw new CliError(`check --upstream: ${upstream.pinnedError}`, 2);
  const ok = report.ok && (upstream === undefined || ('comparison' in upstream && !upstream.comparison.differs));
  return { report, upstream, ok };
}

function singleGenerateHint(outDir: string, cwd: string, named: boolean): string {
  return named
    ? `run \`adcp-codegen generate --out ${shownPath(outDir, cwd)}\` first`
    : `run \`adcp-codegen generate --out <dir>\` first, then pass the same --out to check or record it as "out" in ${PROJECT_CONFIG_FILE}`;
}

/**
 * No output directory at all means nothing was generated there yet (or check looks in the wrong
 * place): one line naming the command that fixes it, instead of every generated file as "missing".
 */
function assertGeneratedDirExists(outDir: string, cwd: string, generateHint: string): void {
  if (existsSync(outDir)) return;
  throw new CliError(`check: ${shownPath(outDir, cwd)}: no generated code there; ${generateHint}`, 2);
}

async function checkPinned(schemasDir: string, lockPath: string, lock: SchemaLock, outDir: string, cwd: string): Promise<CheckReport> {
  const [{ planOutput }, { driftFromPlan }] = await Promise.all([
    import('../../../codegen/output/output-changes.js'),
    import('../../../codegen/output/drift-report.js'),
  ]);
  const recorded = await unchangedSinceGenerate(schemasDir, lock, outDir);
  if (recorded !== undefined) {
    return {
      ok: true,
      adcpVersion: lock.adcpVersion,
      schemasDir: shownPath(schemasDir, cwd),
      lockPath: shownPath(lockPath, cwd),
      outDir: shownPath(outDir, cwd),
      cache: [],
      generated: [],
      generatedFileCount: recorded,
      verifiedBy: 'recorded-hashes',
    };
  }
  const { cache, generated, generationError } = await verifyAndGenerate(schemasDir, lock, bindingEntryFor(outDir));
  const drift = generated === undefined ? [] : driftFromPlan(await planOutput(outDir, generated), shownPath(outDir, cwd));
  return {
    ok: cache.length === 0 && drift.length === 0,
    adcpVersion: lock.adcpVersion,
    schemasDir: shownPath(schemasDir, cwd),
    lockPath: shownPath(lockPath, cwd),
    outDir: shownPath(outDir, cwd),
    cache,
    generated: drift,
    ...(generationError === undefined ? {} : { generationError }),
    generatedFileCount: generated?.length ?? 0,
    verifiedBy: 'generation',
  };
}

/**
 * The fast path: when the cache matches its lock, the manifest records exactly these inputs (cache tree
 * and generator) sealed with its file list, and every listed file still holds the recorded bytes, a fresh
 * generation would reproduce the directory; returns the number of generated files then. Anything else
 * (including a manifest without inputs) returns undefined and check regenerates in memory to report.
 */
async function unchangedSinceGenerate(schemasDir: string, lock: SchemaLock, outDir: string): Promise<number | undefined> {
  const [{ readManifest, filesDigest }, { generationInputs }, { verifyCacheAgainstLock }, { readOutputFile }, { sha256Hex }] = await Promise.all([
    import('../../../codegen/output/manifest.js'),
    import('../../../codegen/output/generation-inputs.js'),
    import('../../../codegen/cache/verify-cache.js'),
    import('../../../codegen/output/output-files.js'),
    import('../../../codegen/cache/tree-files.js'),
  ]);
  const manifest = await readManifest(outDir).catch(() => undefined);
  const recorded = manifest?.inputs;
  if (manifest === undefined || recorded === undefined) return undefined;
  if (filesDigest(Object.fromEntries(manifest.files)) !== recorded.outputs) return undefined;
  const [cache, inputs] = await Promise.all([verifyCacheAgainstLock(schemasDir, lock), generationInputs(schemasDir)]);
  if (cache.length > 0 || inputs.schemas !== recorded.schemas || inputs.generator !== recorded.generator) return undefined;
  const onDisk = await Promise.all([...manifest.files].map(async ([path, hash]) => {
    const contents = await readOutputFile(outDir, path).catch(() => undefined);
    return contents !== undefined && sha256Hex(contents) === hash;
  }));
  return onDisk.every(Boolean) ? manifest.files.size : undefined;
}

/** Hashes the cache against its lock (I/O) while generating in memory (CPU). */
async function verifyAndGenerate(schemasDir: string, lock: SchemaLock, bindingEntry: string) {
  const [{ verifyCacheAgainstLock }, { generateFiles }] = await Promise.all([
    import('../../../codegen/cache/verify-cache.js'),
    import('../../../codegen/pipeline.js'),
  ]);
  const [cacheResult, generatedResult] = await Promise.allSettled([
    verifyCacheAgainstLock(schemasDir, lock),
    generateFiles({ schemasDir, bindingEntry }),
  ]);
  if (cacheResult.status === 'rejected') throw cacheResult.reason;
  const cache = cacheResult.value;
  if (generatedResult.status === 'fulfilled') return { cache, generated: generatedResult.value };
  // A cache that drifted from its lock may well fail to generate; the drift is the finding then.
  const reported = await asCliError(generatedResult.reason);
  if (cache.length === 0 || !(reported instanceof CliError)) throw reported;
  return { cache, generated: undefined, generationError: reported.message };
}

/** The verdict line first (what a CI bot posts), then the check report, then the upstream diff. */
async function printCheck(result: TargetResult, json: boolean): Promise<void> {
  if (json) {
    const { writeJson } = await import('../output/json-output.js');
    writeJson(targetJson(result));
    return;
  }
  process.stdout.write(await targetText(result));
}

/** Each target's report under a heading naming it, then one line counting the targets in sync. */
async function printTargets(results: readonly (TargetResult & { label: string })[], json: boolean): Promise<void> {
  const ok = results.every((result) => result.ok);
  if (json) {
    const { writeJson } = await import('../output/json-output.js');
    writeJson({ ok, targets: results.map((result) => ({ label: result.label, ...targetJson(result) })) });
    return;
  }
  const sections: string[] = [];
  for (const result of results) sections.push(`== ${result.label} (${result.report.outDir}) ==\n${await targetText(result)}`);
  const drifted = results.filter((result) => !result.ok).map((result) => result.label);
  const verdict = drifted.length === 0 ? 'all in sync' : `out of sync: ${drifted.join(', ')}`;
  process.stdout.write(`${sections.join('\n')}\ncheck: ${results.length - drifted.length} of ${results.length} targets in sync; ${verdict}\n`);
}

function targetJson({ report, upstream, ok }: TargetResult) {
  return { ...report, ok, ...(upstream === undefined ? {} : { upstream: upstreamJson(upstream) }) };
}

async function targetText({ report, upstream }: TargetResult): Promise<string> {
  const [{ formatCheckReport }, { paletteFor }] = await Promise.all([
    import('../../../codegen/output/check-report.js'),
    import('../output/palette.js'),
  ]);
  const palette = paletteFor(process.stdout);
  const checkText = formatCheckReport(report, { added: palette.green, removed: palette.red, hunk: palette.cyan });
  if (upstream === undefined) return checkText;
  if ('pinnedError' in upstream) return `upstream: not compared: ${upstream.pinnedError}\n${checkText}`;
  const { formatDiffReport } = await import('../../../codegen/diff/index.js');
  return `${upstream.comparison.summary}\n${checkText}\n${formatDiffReport(upstream.comparison.diff, palette)}`;
}

function upstreamJson(upstream: UpstreamResult) {
  if ('pinnedError' in upstream) return { error: upstream.pinnedError };
  const { summary, differs, pinnedVersion, upstreamVersion, diff } = upstream.comparison;
  return { summary, differs, pinnedVersion, upstreamVersion, diff };
}
