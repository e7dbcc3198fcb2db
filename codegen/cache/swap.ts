import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { SchemaTree } from './tree-files.js';

/**
 * Replaces `cacheDir` with `tree` and `lockPath` with `lockText` so that a failure at any point leaves
 * the old cache and lock in place. Everything is written to a staging folder beside the cache first
 * (same filesystem, so the swap itself is a pair of renames); the old copies are only deleted once
 * both new ones are in place.
 */
export async function swapInCache(cacheDir: string, lockPath: string, tree: SchemaTree, lockText: string): Promise<void> {
  const parent = dirname(cacheDir);
  await mkdir(parent, { recursive: true });
  await mkdir(dirname(lockPath), { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(cacheDir)}-sync-`));
  const stagedLock = `${lockPath}.sync-${process.pid}`;
  try {
    await writeTree(join(staging, 'new'), tree);
    await writeFile(stagedLock, lockText);
    await renameBoth(cacheDir, lockPath, join(staging, 'new'), stagedLock, staging);
  } finally {
    await rm(stagedLock, { force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

async function writeTree(root: string, tree: SchemaTree): Promise<void> {
  const dirs = new Set([...tree.keys()].map((path) => join(root, dirname(path))));
  for (const dir of [...dirs].sort()) await mkdir(dir, { recursive: true });
  await Promise.all([...tree].map(([path, bytes]) => writeFile(join(root, path), bytes)));
}

async function renameBoth(
  cacheDir: string,
  lockPath: string,
  newCache: string,
  newLock: string,
  staging: string,
): Promise<void> {
  const oldCache = join(staging, 'old');
  const oldLock = join(staging, 'old.lock.json');
  const hadCache = await moveIfPresent(cacheDir, oldCache);
  try {
    await rename(newCache, cacheDir);
    const hadLock = await moveIfPresent(lockPath, oldLock);
    try {
      await rename(newLock, lockPath);
    } catch (error) {
      if (hadLock) await rename(oldLock, lockPath);
      throw error;
    }
  } catch (error) {
    await rm(cacheDir, { recursive: true, force: true });
    if (hadCache) await rename(oldCache, cacheDir);
    throw error;
  }
}

async function moveIfPresent(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
