import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CacheError } from './cache-error.js';
import { byCodeUnit } from './tree-files.js';

export const LOCK_FILE_NAME = 'adcp-schemas.lock.json';
const LOCKFILE_VERSION = 1;

/**
 * `schemas/adcp-schemas.lock.json`: which AdCP release the cache holds, where it came from, and the
 * sha256 of every cached file. Serialized deterministically so a re-sync of the same bytes is a no-op.
 */
export interface SchemaLock {
  readonly lockfileVersion: 1;
  readonly adcpVersion: string;
  /** `https://…/<v>.tgz`, `tarball:<path>` or `dir:<path>`; never carries a query string or credentials. */
  readonly source: string;
  /** sha256 of the release tarball when the cache came from one. */
  readonly sourceSha256?: string;
  /** posix path relative to the cache dir → sha256 hex of its bytes, sorted by path. */
  readonly sha256: Readonly<Record<string, string>>;
}

/** The lock sits next to the cache dir: `schemas/cache` → `schemas/adcp-schemas.lock.json`. */
export function lockPathFor(cacheDir: string): string {
  return join(dirname(cacheDir), LOCK_FILE_NAME);
}

export function buildLock(fields: {
  adcpVersion: string;
  source: string;
  sourceSha256?: string | undefined;
  hashes: ReadonlyMap<string, string>;
}): SchemaLock {
  const sha256: Record<string, string> = {};
  for (const path of [...fields.hashes.keys()].sort(byCodeUnit)) sha256[path] = fields.hashes.get(path) as string;
  return {
    lockfileVersion: LOCKFILE_VERSION,
    adcpVersion: fields.adcpVersion,
    source: fields.source,
    ...(fields.sourceSha256 === undefined ? {} : { sourceSha256: fields.sourceSha256 }),
    sha256,
  };
}

export function serializeLock(lock: SchemaLock): string {
  const ordered = buildLock({
    adcpVersion: lock.adcpVersion,
    source: lock.source,
    sourceSha256: lock.sourceSha256,
    hashes: new Map(Object.entries(lock.sha256)),
  });
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

export async function readLock(lockPath: string): Promise<SchemaLock> {
  let text: string;
  try {
    text = await readFile(lockPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CacheError(`${lockPath}: ${code === 'ENOENT' ? 'lock file not found' : `cannot read lock file (${code})`}`);
  }
  return parseLock(text, lockPath);
}

export function parseLock(text: string, lockPath: string): SchemaLock {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CacheError(`${lockPath}: lock file is not valid JSON (${(error as Error).message})`);
  }
  const problem = lockShapeProblem(raw);
  if (problem !== undefined) throw new CacheError(`${lockPath}: malformed lock file (${problem})`);
  return raw as SchemaLock;
}

function lockShapeProblem(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'not an object';
  const lock = raw as Record<string, unknown>;
  if (lock.lockfileVersion !== LOCKFILE_VERSION) return `unsupported lockfileVersion ${String(lock.lockfileVersion)}`;
  if (typeof lock.adcpVersion !== 'string') return 'adcpVersion missing';
  if (typeof lock.source !== 'string') return 'source missing';
  if (lock.sourceSha256 !== undefined && !isSha256Hex(lock.sourceSha256)) return 'sourceSha256 is not a sha256 hex';
  const hashes = lock.sha256;
  if (typeof hashes !== 'object' || hashes === null || Array.isArray(hashes)) return 'sha256 map missing';
  for (const [path, hash] of Object.entries(hashes)) {
    if (!isSha256Hex(hash)) return `sha256 of ${path} is not a sha256 hex`;
  }
  return undefined;
}

export function isSha256Hex(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value);
}
