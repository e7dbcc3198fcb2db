// Shared by the generate / check / sync commands: where the schema cache, its lock and the output
// live, and how codegen errors become one-line CLI errors. Kept light: commands import it eagerly.
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { lockPathFor } from '../../codegen/cache/lock-file.js';
import { releaseSite, type ReleaseSite } from '../../codegen/cache/release-site.js';
import type { ReleaseProgress } from '../../codegen/cache/release-source.js';
import { CliError } from './cli-error.js';
import { createProgress, type Progress } from './output/progress.js';
import { packageRoot } from './package-info.js';
import { loadProjectConfig, PROJECT_CONFIG_FILE, ProjectConfigError, type LoadedProjectConfig } from './project-config.js';

export interface SchemaLocations {
  readonly schemasDir: string;
  readonly lockPath: string;
}

/**
 * `--schemas DIR`, else `schemas` of the project config, else the project's `schemas/cache`, else
 * the cache shipped in the package, so `npx adcp-codegen generate` works in a project that never
 * synced. The lock: `--lock`, else the config's `lock`, else beside the cache.
 */
export function schemaLocations(options: { schemas?: string; lock?: string }, cwd: string, config?: LoadedProjectConfig): SchemaLocations {
  const projectCache = join(cwd, 'schemas', 'cache');
  const schemasDir =
    options.schemas !== undefined
      ? resolve(cwd, options.schemas)
      : config?.schemas !== undefined
        ? config.schemas
        : existsSync(projectCache)
          ? projectCache
          : shippedSchemasDir();
  return { schemasDir, lockPath: lockLocation(options, cwd, schemasDir, config) };
}

/** `--lock FILE`, else the config's `lock` (unless `--schemas` names another cache), else beside the cache. */
export function lockLocation(options: { schemas?: string; lock?: string }, cwd: string, schemasDir: string, config?: LoadedProjectConfig): string {
  if (options.lock !== undefined) return resolve(cwd, options.lock);
  if (config?.lock !== undefined && options.schemas === undefined) return config.lock;
  return lockPathFor(schemasDir);
}

/** The schema cache shipped inside the package (one pinned AdCP release). */
export function shippedSchemasDir(): string {
  return join(packageRoot(), 'schemas', 'cache');
}

/** Default of `--out`: the config's `out`, else `src/generated`. */
export const DEFAULT_OUT_DIR = join('src', 'generated');

/** `--out DIR`, else `out` of the project config, else `src/generated`. */
export function outputDir(out: string | undefined, cwd: string, config?: LoadedProjectConfig): string {
  if (out !== undefined) return resolve(cwd, out);
  return config?.out ?? resolve(cwd, DEFAULT_OUT_DIR);
}

/** The project config of `cwd` (or `--config FILE`); undefined when there is none. */
export function projectConfig(cwd: string, explicit: string | undefined): LoadedProjectConfig | undefined {
  return loadProjectConfig(cwd, explicit);
}

/** Help text of `--config`, shared by the commands that read it. */
export const CONFIG_HELP = `project config file (default: ./${PROJECT_CONFIG_FILE} when present; flags override it)`;

/** A path as the user should read it: relative to cwd when inside it. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel.split(sep).join('/');
}

/**
 * Bad input from the cache, the generator or the output folder → CliError (exit 2) carrying its own
 * one-line message; anything else is rethrown and reported as an internal error.
 */
export async function asCliError(error: unknown): Promise<unknown> {
  if (error instanceof CliError) return error;
  if (error instanceof ProjectConfigError) return new CliError(error.message, 2);
  const [{ CacheError }, { OutputError }] = await Promise.all([
    import('../../codegen/cache/cache-error.js'),
    import('../../codegen/output/output-error.js'),
  ]);
  if (error instanceof CacheError || error instanceof OutputError) return new CliError(error.message, 2);
  const { CodegenError } = await import('../../codegen/errors.js');
  if (error instanceof CodegenError) return new CliError(error.message, 2);
  return error;
}

/** A command action running `run` in the current directory, with bad input reported as one-line CLI errors. */
export function cliAction<Options>(run: (options: Options, cwd: string) => Promise<void>): (options: Options) => Promise<void> {
  return async (options) => {
    try {
      await run(options, process.cwd());
    } catch (error) {
      throw await asCliError(error);
    }
  };
}

export function assertSchemasDirExists(schemasDir: string, cwd: string): void {
  if (!existsSync(schemasDir)) {
    throw new CliError(`${shownPath(schemasDir, cwd)}: schema cache not found (run \`adcp-codegen sync --version <v>\` or pass --schemas DIR)`);
  }
}

export const RELEASE_BASE_URL_ENV = 'ADCP_RELEASE_BASE_URL';

/** Help text of `--base-url`, shared by the commands that reach the release site. */
export const BASE_URL_HELP =
  `release site for versions and "latest": <url>/protocol/<version>.tgz, <url>/schemas/latest.json ` +
  `(default: $${RELEASE_BASE_URL_ENV}, else https://adcontextprotocol.org/)`;

/** The release site: `--base-url`, else $ADCP_RELEASE_BASE_URL (mirrors, tests), else adcontextprotocol.org. */
export function releaseSiteFor(baseUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): ReleaseSite {
  if (baseUrl !== undefined) return releaseSite(baseUrl, '--base-url');
  const fromEnv = env[RELEASE_BASE_URL_ENV];
  return fromEnv === undefined || fromEnv === '' ? releaseSite() : releaseSite(fromEnv, RELEASE_BASE_URL_ENV);
}

/**
 * One progress line for reading a release: the download (bytes), then the extraction (files). Drawn on a
 * terminal only and quiet under CI (see output/terminal.ts); `finish()` clears it.
 */
export function releaseProgress(what: string): ReleaseProgress & { finish(): void } {
  let phase: 'download' | 'extract' | undefined;
  let line: Progress | undefined;
  const enter = (next: 'download' | 'extract'): Progress => {
    if (phase !== next || line === undefined) {
      line?.finish();
      phase = next;
      line = next === 'download' ? createProgress(`downloading ${what}`, { unit: 'bytes' }) : createProgress(`extracting ${what}: file`);
    }
    return line;
  };
  return {
    onDownload: (received, total) => enter('download').update(received, total),
    onExtract: (files) => enter('extract').update(files),
    finish: () => line?.finish(),
  };
}

/** The package subpath generated code imports the runtime's binding entry from in a user project. */
export const BINDING_ENTRY_SUBPATH = 'adcp-codegen/binding';

/**
 * How code generated into `outDir` names the runtime's binding entry: a relative path when
 * `outDir` lies inside this package's own source tree (src/runtime/binding/index.ts beside it),
 * else the package subpath `adcp-codegen/binding`.
 */
export function bindingEntryFor(outDir: string): string {
  const root = packageRoot();
  const entry = join(root, 'src', 'runtime', 'binding', 'index.ts');
  const inside = relative(root, resolve(outDir));
  if (inside.startsWith('..') || isAbsolute(inside) || !existsSync(entry)) return BINDING_ENTRY_SUBPATH;
  const specifier = relative(resolve(outDir), entry).split(sep).join('/').replace(/\.ts$/, '.js');
  return specifier.startsWith('.') ? specifier : `./${specifier}`;
}
