import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheError } from './cache-error.js';
import { parseLock } from './lock-file.js';
import { listTreeFiles } from './tree-files.js';

/**
 * Refuses a sync target that is not the tool's own: `sync` replaces the whole cache directory and the
 * lock file, so each must be absent, empty, or already what sync writes (a schema tree of JSON files
 * rooted at an AdCP `index.json`, and a parseable lock). Called before anything is downloaded or written.
 */
export async function assertReplaceableTargets(cacheDir: string, lockPath: string): Promise<void> {
  const cacheProblem = await cacheDirProblem(cacheDir);
  if (cacheProblem !== undefined) {
    throw new CacheError(`${cacheDir}: not a schema cache (${cacheProblem}); sync replaces the whole directory, so it refuses — pass --schemas with an existing cache, an empty or a new directory`);
  }
  const lockProblem = await lockFileProblem(lockPath);
  if (lockProblem !== undefined) {
    throw new CacheError(`${lockPath}: not a schema lock file (${lockProblem}); sync refuses to replace it — pass --lock with an existing lock or a new path`);
  }
}

async function cacheDirProblem(cacheDir: string): Promise<string | undefined> {
  const kind = await entryKind(cacheDir);
  if (kind === 'missing') return undefined;
  if (kind !== 'directory') return 'not a directory';
  let files: string[];
  try {
    files = await listTreeFiles(cacheDir);
  } catch (error) {
    return error instanceof CacheError ? error.message.replace(`${cacheDir}/`, '') : `cannot list it (${(error as NodeJS.ErrnoException).code})`;
  }
  if (files.length === 0) return undefined;
  const foreign = files.find((path) => !path.endsWith('.json'));
  if (foreign !== undefined) return `${foreign} is not a schema file`;
  if (!files.includes('index.json')) return 'no index.json at its root';
  if (!(await holdsAdcpIndex(join(cacheDir, 'index.json')))) return 'index.json is not an AdCP schema index (no adcp_version)';
  return undefined;
}

async function holdsAdcpIndex(path: string): Promise<boolean> {
  try {
    const index: unknown = JSON.parse(await readFile(path, 'utf8'));
    return typeof index === 'object' && index !== null && typeof (index as { adcp_version?: unknown }).adcp_version === 'string';
  } catch {
    return false;
  }
}

async function lockFileProblem(lockPath: string): Promise<string | undefined> {
  const kind = await entryKind(lockPath);
  if (kind === 'missing') return undefined;
  if (kind !== 'file') return 'not a regular file';
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
    JSON.parse(text);
  } catch (error) {
    return error instanceof SyntaxError ? 'not JSON' : `cannot read it (${(error as NodeJS.ErrnoException).code})`;
  }
  try {
    parseLock(text, lockPath);
    return undefined;
  } catch (error) {
    return error instanceof CacheError ? error.message.replace(`${lockPath}: `, '') : String(error);
  }
}

async function entryKind(path: string): Promise<'missing' | 'directory' | 'file' | 'other'> {
  try {
    const stats = await lstat(path);
    return stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new CacheError(`${path}: cannot inspect it (${(error as NodeJS.ErrnoException).code})`);
  }
}
