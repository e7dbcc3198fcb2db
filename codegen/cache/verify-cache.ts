import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheError } from './cache-error.js';
import type { SchemaLock } from './lock-file.js';
import { byCodeUnit, hashTreeOnDisk, isDirectory } from './tree-files.js';

/** One way the cache differs from its lock. */
export interface CacheMismatch {
  readonly path: string;
  /** changed: bytes differ from the lock; added: not in the lock; removed: in the lock, gone from the cache. */
  readonly kind: 'changed' | 'added' | 'removed' | 'version';
  readonly detail: string;
}

/** Compares every file of `cacheDir` with the sha256 recorded in `lock`. Empty result = in sync. */
export async function verifyCacheAgainstLock(cacheDir: string, lock: SchemaLock): Promise<CacheMismatch[]> {
  if (!(await isDirectory(cacheDir))) throw new CacheError(`${cacheDir}: schema cache directory not found`);
  const onDisk = await hashTreeOnDisk(cacheDir);
  const mismatches: CacheMismatch[] = [];
  for (const [path, hash] of onDisk) {
    const locked = lock.sha256[path];
    if (locked === undefined) mismatches.push({ path, kind: 'added', detail: 'file is not in the lock' });
    else if (locked !== hash) mismatches.push({ path, kind: 'changed', detail: `sha256 ${hash}, lock says ${locked}` });
  }
  for (const path of Object.keys(lock.sha256)) {
    if (!onDisk.has(path)) mismatches.push({ path, kind: 'removed', detail: 'file in the lock is missing from the cache' });
  }
  const versionMismatch = await indexVersionMismatch(cacheDir, lock.adcpVersion);
  if (versionMismatch !== undefined) mismatches.push(versionMismatch);
  return mismatches.sort((a, b) => byCodeUnit(a.path, b.path));
}

async function indexVersionMismatch(cacheDir: string, expected: string): Promise<CacheMismatch | undefined> {
  let declared: unknown;
  try {
    declared = (JSON.parse(await readFile(join(cacheDir, 'index.json'), 'utf8')) as { adcp_version?: unknown }).adcp_version;
  } catch {
    return undefined; // a missing or garbled index.json is the hash check's and the generator's to report
  }
  if (declared === expected) return undefined;
  return { path: 'index.json', kind: 'version', detail: `adcp_version is ${String(declared)}, lock says ${expected}` };
}
