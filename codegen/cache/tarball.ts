import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { CacheError } from './cache-error.js';

/**
 * Bounds on what a release tarball may unpack to. A release is a few MB packed and 10–20 MB
 * unpacked; anything past these is refused as a decompression bomb, with the cap named, before it
 * is held in memory.
 */
export interface TarballLimits {
  /** Total bytes of the uncompressed tar stream (headers, padding and every entry). Default 48 MiB. */
  readonly maxUnpackedBytes?: number;
  /** Bytes of any one entry, as its header declares them. Default 16 MiB. */
  readonly maxEntryBytes?: number;
}

export const TARBALL_LIMITS = Object.freeze({
  maxUnpackedBytes: 48 * 1024 * 1024,
  maxEntryBytes: 16 * 1024 * 1024,
});

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const READ_CHUNK_BYTES = 64 * 1024;

/** Called with the number of files read so far, as extraction goes. */
export type ExtractProgress = (files: number) => void;

export interface ExtractedTarball {
  /** posix path relative to the archive's top → bytes. */
  readonly files: Map<string, Buffer>;
  /** sha256 of the archive bytes this extraction read (hex). */
  readonly sha256: string;
}

/**
 * Reads every regular file of a (gzipped) tarball on disk into memory, streaming: the file is read and
 * inflated in small chunks, and each entry is refused at its header when it (or the running total)
 * would pass a cap, so a decompression bomb costs no more memory than the caps. Nothing is written.
 * The archive is rejected as a whole, naming the entry, if any entry has an absolute path, a `..`
 * segment, or is a link or special file: a schema archive holds plain files and directories only.
 * The sha256 of the bytes read is returned, so a caller that checked the file before can tell it
 * is still the same file.
 */
export async function extractTarballFile(
  path: string,
  label: string,
  options: { readonly limits?: TarballLimits | undefined; readonly onProgress?: ExtractProgress | undefined } = {},
): Promise<ExtractedTarball> {
  const limits = { ...TARBALL_LIMITS, ...options.limits };
  const extraction = new Extraction(label, limits, options.onProgress);
  const gzipped = await startsWith(path, GZIP_MAGIC).catch((error: NodeJS.ErrnoException) => {
    throw new CacheError(`${label}: cannot read tarball (${error.code ?? error.message})`);
  });
  const hash = createHash('sha256');
  const source = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const stream = gzipped ? source.pipe(createGunzip({ chunkSize: READ_CHUNK_BYTES })) : source;
  if (gzipped) {
    source.on('data', (chunk) => hash.update(chunk)); // beside pipe's own listener
    source.on('error', (error) => stream.destroy(error));
  }
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (!gzipped) hash.update(chunk);
      await extraction.write(chunk);
    }
  } catch (error) {
    throw extraction.failure ?? (error instanceof CacheError ? error : notReadable(label, error));
  } finally {
    source.destroy();
    stream.destroy();
  }
  return { files: await extraction.finish(), sha256: hash.digest('hex') };
}

/** Feeds the uncompressed tar stream to tar's parser, counting against the caps. */
class Extraction {
  readonly #files = new Map<string, Buffer>();
  readonly #parser: Parser;
  readonly #label: string;
  readonly #limits: Required<TarballLimits>;
  readonly #onProgress: ExtractProgress | undefined;
  #streamBytes = 0;
  #declaredBytes = 0;
  #head = Buffer.alloc(0);
  /** The archive's end-of-archive blocks were read; what follows is only counted, not parsed. */
  #sawEof = false;
  failure: CacheError | undefined;

  constructor(label: string, limits: Required<TarballLimits>, onProgress: ExtractProgress | undefined) {
    this.#label = label;
    this.#limits = limits;
    this.#onProgress = onProgress;
    // brotli/zstd off: the stream handed over is already inflated (a nested archive is refused below).
    this.#parser = new Parser({ strict: true, brotli: false, zstd: false, onReadEntry: (entry) => this.#onEntry(entry) });
    this.#parser.on('error', (error: Error) => this.#fail(notReadable(label, error)));
    this.#parser.on('eof', () => {
      this.#sawEof = true;
    });
  }

  async write(chunk: Buffer): Promise<void> {
    this.#streamBytes += chunk.byteLength;
    if (this.#streamBytes > this.#limits.maxUnpackedBytes) this.#fail(unpackedTooLarge(this.#label, this.#limits));
    if (this.#head.byteLength < ZSTD_MAGIC.byteLength) this.#checkHead(chunk);
    if (this.failure !== undefined) throw this.failure;
    if (this.#sawEof) return; // trailing blocks: the parser would only buffer them
    const waiting = this.#until('drain');
    if (!this.#parser.write(chunk)) await waiting.promise;
    waiting.cancel();
    if (this.failure !== undefined) throw this.failure;
  }

  async finish(): Promise<Map<string, Buffer>> {
    if (this.failure === undefined) {
      const ended = this.#until('end');
      this.#parser.end();
      if (this.failure === undefined) await ended.promise;
      ended.cancel();
    }
    if (this.failure !== undefined) throw this.failure;
    return this.#files;
  }

  /** Resolves on the parser's `event`, or as soon as the extraction fails. */
  #until(event: 'drain' | 'end'): { readonly promise: Promise<void>; cancel(): void } {
    let done = (): void => undefined;
    const promise = new Promise<void>((resolve) => {
      done = () => {
        this.#parser.off(event, done);
        this.#parser.off('abort', done);
        resolve();
      };
    });
    this.#parser.on(event, done);
    this.#parser.on('abort', done);
    return { promise, cancel: done };
  }

  /** A tar stream starts with a header, never with another compression layer (inflated out of our sight). */
  #checkHead(chunk: Buffer): void {
    this.#head = Buffer.concat([this.#head, chunk.subarray(0, ZSTD_MAGIC.byteLength)]).subarray(0, ZSTD_MAGIC.byteLength);
    const nested = this.#head.subarray(0, 2).equals(GZIP_MAGIC) || this.#head.equals(ZSTD_MAGIC);
    if (nested) this.#fail(new CacheError(`${this.#label}: not a tarball (a compressed stream inside the compressed stream)`));
  }

  #onEntry(entry: ReadEntry): void {
    const problem = entryProblem(entry) ?? this.#sizeProblem(entry);
    if (problem !== undefined) {
      entry.resume();
      this.#fail(problem instanceof CacheError ? problem : new CacheError(`${this.#label}: rejected tarball entry ${JSON.stringify(entry.path)} (${problem})`));
      return;
    }
    if (!FILE_TYPES.has(entry.type)) {
      entry.resume();
      return;
    }
    const bytes = Buffer.allocUnsafe(entry.size);
    let filled = 0;
    entry.on('data', (chunk: Buffer) => {
      filled += chunk.copy(bytes, filled);
    });
    entry.on('end', () => {
      this.#files.set(normalizeEntryPath(entry.path), filled === bytes.byteLength ? bytes : bytes.subarray(0, filled));
      this.#onProgress?.(this.#files.size);
    });
  }

  /** Refuses an entry at its header, before any of its bytes are held. */
  #sizeProblem(entry: ReadEntry): CacheError | undefined {
    const { maxEntryBytes } = this.#limits;
    if (entry.size > maxEntryBytes) {
      return new CacheError(
        `${this.#label}: tarball entry ${JSON.stringify(entry.path)} is ${entry.size} bytes, over the per-entry cap of ${describeBytes(maxEntryBytes)}`,
        { code: 'ADCP_CACHE_ENTRY_TOO_LARGE' },
      );
    }
    this.#declaredBytes += entry.size;
    if (this.#declaredBytes > this.#limits.maxUnpackedBytes) return unpackedTooLarge(this.#label, this.#limits);
    return undefined;
  }

  #fail(error: CacheError): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.#parser.abort(error);
  }
}

function unpackedTooLarge(label: string, limits: Required<TarballLimits>): CacheError {
  return new CacheError(`${label}: tarball unpacks to more than the total unpacked cap of ${describeBytes(limits.maxUnpackedBytes)}`, {
    code: 'ADCP_CACHE_UNPACKED_TOO_LARGE',
  });
}

function notReadable(label: string, error: unknown): CacheError {
  const message = error instanceof Error ? error.message : String(error);
  const fromZlib = /^Z_/.test(String((error as { code?: unknown } | null)?.code));
  const reason = fromZlib ? `zlib: ${message}` : message;
  return new CacheError(`${label}: not a readable tarball (${reason})`, { cause: error });
}

/** `64 MiB` for whole mebibytes, else the byte count. */
export function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB` : `${bytes} bytes`;
}

async function startsWith(path: string, magic: Buffer): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(magic.byteLength);
    const { bytesRead } = await file.read(head, 0, head.byteLength, 0);
    return bytesRead === magic.byteLength && head.equals(magic);
  } finally {
    await file.close();
  }
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
