// Shared by the generate / check / sync commands: where the schema cache, its lock and the output
// live, and how codegen errors become one-line CLI errors. Kept light: commands import it eagerly.
import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { lockPathFor } from '../../codegen/cache/lock-file.js';
import { CliError } from './cli-error.js';
import { packageRoot } from './package-info.js';

export interface SchemaLocations {
  readonly schemasDir: string;
  readonly lockPath: string;
  /** true when falling back to the 3.1.19 cache shipped inside the adcp-codegen package */
  readonly embedded: boolean;
}

/**
 * `--schemas DIR`, else the project's `schemas/cache`, else the cache shipped in the package, so
 * `npx adcp-codegen generate` works in a project that never synced. The lock sits beside the cache.
 */
export function schemaLocations(options: { schemas?: string; lock?: string }, cwd: string): SchemaLocations {
  let schemasDir: string;
  let embedded = false;
  if (options.schemas !== undefined) schemasDir = resolve(cwd, options.schemas);
  else if (existsSync(join(cwd, 'schemas', 'cache'))) schemasDir = join(cwd, 'schemas', 'cache');
  else {
    schemasDir = join(packageRoot(), 'schemas', 'cache');
    embedded = true;
  }
  const lockPath = options.lock !== undefined ? resolve(cwd, options.lock) : lockPathFor(schemasDir);
  return { schemasDir, lockPath, embedded };
}

export function outputDir(out: string | undefined, cwd: string): string {
  return resolve(cwd, out ?? join('src', 'generated'));
}

/** A path as the user should read it: relative to cwd when inside it. */
export function shownPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === '' ? '.' : rel.startsWith('..') || rel.startsWith(sep) ? path : rel.split(sep).join('/');
}

/**
 * Bad input from the cache, the generator or the output folder → CliError (exit 2) carrying its own
 * one-line message; anything else is rethrown and reported as an internal error.
 */
export async function asCliError(error: unknown): Promise<unknown> {
  if (error instanceof CliError) return error;
  const [{ CacheError }, { OutputError }] = await Promise.all([
    import('../../codegen/cache/cache-error.js'),
    import('../../codegen/output/output-error.js'),
  ]);
  if (error instanceof CacheError || error instanceof OutputError) return new CliError(error.message, 2);
  const { CodegenError } = await import('../../codegen/errors.js');
  if (error instanceof CodegenError) return new CliError(error.message, 2);
  return error;
}

export function assertSchemasDirExists(schemasDir: string, cwd: string): void {
  if (!existsSync(schemasDir)) {
    throw new CliError(`${shownPath(schemasDir, cwd)}: schema cache not found (run \`adcp-codegen sync --version <v>\` or pass --schemas DIR)`);
  }
}
