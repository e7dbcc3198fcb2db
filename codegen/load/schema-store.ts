// Reads files of one schema release from disk: JSON parsing with errors naming the file, a sha256
// per file read (SCHEMA_SOURCE_HASHES), and the keyword check on every schema file.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CodegenError } from '../errors.js';
import { scanSchema, type RefSite } from './schema-scan.js';
import type { JsonValue } from './json.js';

interface LoadedFile {
  readonly json: JsonValue;
  readonly sha256: string;
}

export class SchemaStore {
  private readonly loaded = new Map<string, LoadedFile>();
  private readonly refs = new Map<string, readonly RefSite[]>();
  private readonly existing = new Map<string, boolean>();

  constructor(readonly dir: string) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new CodegenError('schema cache directory does not exist (run `adcp-codegen sync` first)', dir);
    }
  }

  /** Path of `file` (posix, relative to the schema dir) as shown in error messages. */
  display(file: string): string {
    return path.join(this.dir, ...file.split('/'));
  }

  exists(file: string): boolean {
    let exists = this.existing.get(file);
    if (exists === undefined) {
      exists = this.loaded.has(file) || existsSync(this.display(file));
      this.existing.set(file, exists);
    }
    return exists;
  }

  /** Parsed JSON of any file (manifest.json, index.json, schemas). */
  readJson(file: string): JsonValue {
    const cached = this.loaded.get(file);
    if (cached) return cached.json;
    const bytes = this.readBytes(file);
    const json = this.parse(bytes, file);
    this.loaded.set(file, { json, sha256: createHash('sha256').update(bytes).digest('hex') });
    return json;
  }

  /** Parsed JSON of a schema file, after checking every keyword it uses is known. */
  readSchema(file: string): JsonValue {
    this.refsOf(file);
    return this.readJson(file);
  }

  /** The `$ref`s of a schema file (scanning it, with the keyword check, on first use). */
  refsOf(file: string): readonly RefSite[] {
    let refs = this.refs.get(file);
    if (!refs) {
      refs = scanSchema(this.readJson(file), this.display(file));
      this.refs.set(file, refs);
    }
    return refs;
  }

  /** sha256 of every file read so far, sorted by path. */
  sourceHashes(): ReadonlyArray<readonly [string, string]> {
    return [...this.loaded.entries()]
      .map(([file, loaded]) => [file, loaded.sha256] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private readBytes(file: string): Buffer {
    try {
      return readFileSync(this.display(file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CodegenError(code === 'ENOENT' ? 'file not found in the schema cache' : `cannot read file (${code ?? 'error'})`, this.display(file));
    }
  }

  private parse(bytes: Buffer, file: string): JsonValue {
    try {
      return JSON.parse(bytes.toString('utf8')) as JsonValue;
    } catch (error) {
      throw new CodegenError(`invalid JSON: ${(error as Error).message}`, this.display(file));
    }
  }
}
