// A read-only view of one AdCP schema snapshot (a version root such as `schemas/3.1.19/`), addressed by
// version-independent paths. Minimal reader owned by the diff; it resolves both AdCP `$ref` spellings.
import { readPointer, type SchemaAddress } from './schema-ref.js';
import { directoryFiles, SnapshotError, type SchemaFiles } from './schema-files.js';

export { SnapshotError };
export const TASK_TYPE_FILE = 'enums/task-type.json';
export const ENVELOPE_FILE = 'core/mcp-webhook-payload.json';
export const PUSH_CONFIG_FILE = 'core/push-notification-config.json';
const REQUIRED_FILES = [TASK_TYPE_FILE, ENVELOPE_FILE, PUSH_CONFIG_FILE] as const;

export type JsonObject = { readonly [key: string]: unknown };

export class SchemaSnapshot {
  private readonly cache = new Map<string, unknown>();
  /** `manifest.json` if the snapshot has one (3.0.4+), else undefined. */
  readonly manifest: JsonObject | undefined;
  /** `adcp_version` declared by the manifest or index.json, else undefined. */
  readonly adcpVersion: string | undefined;

  private constructor(
    private readonly files: SchemaFiles,
    /** Prefix of the version root inside `files` (`''`, `schemas/`, `adcp-3.1.19/schemas/`…). */
    private readonly prefix: string,
  ) {
    for (const file of REQUIRED_FILES) this.readObject(file);
    this.manifest = this.readBesideRoot('manifest.json');
    const index = this.readBesideRoot('index.json');
    this.adcpVersion = stringField(this.manifest, 'adcp_version') ?? stringField(index, 'adcp_version');
  }

  /** Opens a snapshot directory: the version root itself, or a folder holding it as `schemas/` or as its only subfolder. */
  static open(dir: string): SchemaSnapshot {
    return SchemaSnapshot.fromFiles(directoryFiles(dir));
  }

  static fromFiles(files: SchemaFiles): SchemaSnapshot {
    return new SchemaSnapshot(files, locateVersionRoot(files));
  }

  get label(): string {
    return this.files.label;
  }

  has(file: string): boolean {
    return this.files.has(this.prefix + file);
  }

  /** Parsed JSON of a file under the version root; throws SnapshotError if it is missing or not JSON. */
  read(file: string): unknown {
    if (!this.cache.has(file)) this.cache.set(file, this.parse(this.prefix + file));
    return this.cache.get(file);
  }

  readObject(file: string): JsonObject {
    const value = this.read(file);
    if (!isObject(value)) throw new SnapshotError(`${this.files.label}: ${file} is not a JSON object`);
    return value;
  }

  /** The node at an address, or undefined when the file or pointer does not exist in this snapshot. */
  lookup(address: SchemaAddress): unknown {
    if (!this.has(address.file)) return undefined;
    return readPointer(this.read(address.file), address.pointer);
  }

  /** A release tarball keeps manifest.json beside `schemas/`, not inside it. */
  private readBesideRoot(file: string): JsonObject | undefined {
    const parent = this.prefix.replace(/[^/]+\/$/, '');
    for (const path of new Set([this.prefix + file, parent + file])) {
      if (this.files.has(path)) {
        const value = this.parse(path);
        return isObject(value) ? value : undefined;
      }
    }
    return undefined;
  }

  private parse(path: string): unknown {
    if (!this.files.has(path)) throw new SnapshotError(`${this.files.label}: ${path} is missing`);
    const text = this.files.readText(path);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new SnapshotError(`${this.files.label}: ${path} is not valid JSON`);
    }
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function locateVersionRoot(files: SchemaFiles): string {
  const candidates = ['', 'schemas/'];
  const folders = files.topLevelFolders();
  if (folders.length === 1) candidates.push(`${folders[0]}/`, `${folders[0]}/schemas/`);
  const root = candidates.find((prefix) => files.has(prefix + TASK_TYPE_FILE));
  if (root === undefined) {
    throw new SnapshotError(`${files.label}: not an AdCP schema snapshot (no ${TASK_TYPE_FILE}, nor schemas/${TASK_TYPE_FILE})`);
  }
  return root;
}

function stringField(object: JsonObject | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' ? value : undefined;
}
