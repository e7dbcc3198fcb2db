import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CacheError } from './cache-error.js';

/** A schema tree held in memory: posix path relative to the tree root → file bytes. */
export type SchemaTree = ReadonlyMap<string, Buffer>;

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 of a file, read as a stream (a tarball is never held whole in memory to hash it). */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** Compares strings by code unit so sorted output never depends on the locale. */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every regular file under `root` as a sorted posix relative path. A symlink or special file is an
 * error: a cache or source tree holds plain files only, so nothing can point outside it.
 */
export async function listTreeFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  await collect(root, '', found);
  return found.sort(byCodeUnit);
}

async function collect(root: string, prefix: string, found: string[]): Promise<void> {
  const entries = await readdir(join(root, prefix), { withFileTypes: true });
  for (const entry of entries) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) await collect(root, rel, found);
    else if (entry.isFile()) found.push(rel);
    else throw new CacheError(`${join(root, rel)}: not a regular file (symlinks and special files are not allowed)`);
  }
}

/** Reads a whole directory tree into memory. */
export async function readTree(root: string): Promise<Map<string, Buffer>> {
  const paths = await listTreeFiles(root);
  const contents = await Promise.all(paths.map((rel) => readFile(join(root, rel))));
  return new Map(paths.map((rel, i) => [rel, contents[i] as Buffer]));
}

/** sha256 of every file under `root`, keyed by sorted posix relative path. */
export async function hashTreeOnDisk(root: string): Promise<Map<string, string>> {
  const paths = await listTreeFiles(root);
  const hashes = await Promise.all(paths.map(async (rel) => sha256Hex(await readFile(join(root, rel)))));
  return new Map(paths.map((rel, i) => [rel, hashes[i] as string]));
}

export function hashTree(tree: SchemaTree): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const rel of [...tree.keys()].sort(byCodeUnit)) hashes.set(rel, sha256Hex(tree.get(rel) as Buffer));
  return hashes;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}
