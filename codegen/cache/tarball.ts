import { Parser, type ReadEntry } from 'tar';
import { CacheError } from './cache-error.js';

// A release tarball is a few MB; refuse archives that inflate past this (a decompression bomb).
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;
const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);

/** Called with the number of files read so far, as extraction goes. */
export type ExtractProgress = (files: number) => void;

/**
 * Reads every regular file of a (gzipped) tarball into memory without touching the disk. The archive is
 * rejected as a whole, naming the entry, if any entry has an absolute path, a `..` segment, or is a
 * link or special file: a schema archive holds plain files and directories only.
 */
export function parseTarball(archive: Buffer, label: string, onProgress?: ExtractProgress): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const files = new Map<string, Buffer>();
    let unpacked = 0;
    let failed = false;
    const fail = (error: CacheError): void => {
      if (failed) return;
      failed = true;
      parser.abort(error);
      reject(error);
    };
    const parser = new Parser({
      strict: true,
      onReadEntry: (entry: ReadEntry) => {
        const problem = entryProblem(entry);
        if (problem !== undefined) {
          entry.resume();
          fail(new CacheError(`${label}: rejected tarball entry ${JSON.stringify(entry.path)} (${problem})`));
          return;
        }
        if (!FILE_TYPES.has(entry.type)) {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => {
          unpacked += chunk.byteLength;
          if (unpacked > MAX_UNPACKED_BYTES) fail(new CacheError(`${label}: tarball unpacks to more than 512 MB`));
          chunks.push(chunk);
        });
        entry.on('end', () => {
          files.set(normalizeEntryPath(entry.path), Buffer.concat(chunks));
          onProgress?.(files.size);
        });
      },
    });
    parser.on('error', (error: Error) => {
      if (!failed) fail(new CacheError(`${label}: not a readable tarball (${error.message})`, { cause: error }));
    });
    parser.on('end', () => {
      if (!failed) resolve(files);
    });
    parser.end(archive);
  });
}

function entryProblem(entry: ReadEntry): string | undefined {
  const path = entry.path;
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return 'absolute path';
  if (path.split(/[\\/]/).includes('..')) return '".." path segment';
  if (entry.type === 'SymbolicLink' || entry.type === 'Link') return `${entry.type === 'Link' ? 'hard' : 'symbolic'} link`;
  if (!FILE_TYPES.has(entry.type) && entry.type !== 'Directory') return `unsupported entry type ${entry.type}`;
  return undefined;
}

function normalizeEntryPath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .join('/');
}
