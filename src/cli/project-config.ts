// The project config file: `adcp-codegen.config.json` in the directory the CLI runs in (or the file
// given with `--config`). It records what would otherwise be repeated on every command — where the
// schema cache and its lock live, where the generated code goes, which AdCP release is pinned — so
// `generate`, `check`, `diff` and `sync` run without flags. A flag always overrides the file. With
// `versions` it lists several such targets, one AdCP release each (see version-targets.ts).
// JSON, not a script: reading it runs no code, and the same file gives the same result everywhere.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, isAbsolute } from 'node:path';
import { lockPathFor } from '../../codegen/cache/lock-file.js';
import { isReleaseVersion } from '../../codegen/cache/release-version.js';
import { AdcpError } from '../runtime/errors/adcp-error.js';

/** The file name looked up in the working directory. */
export const PROJECT_CONFIG_FILE = 'adcp-codegen.config.json';

/** What `adcp-codegen.config.json` may hold; every key is optional, paths are relative to the file. */
export interface ProjectConfig {
  /** Schema cache directory (what `--schemas` names). */
  readonly schemas?: string;
  /** Lock file of the cache (what `--lock` names); default `adcp-schemas.lock.json` beside the cache. */
  readonly lock?: string;
  /** Generated output directory (what `--out` names). */
  readonly out?: string;
  /** AdCP release the project pins (what `sync --version` names), e.g. `3.1.19` or `latest`. */
  readonly version?: string;
  /**
   * Several AdCP releases side by side, each with its own cache and output folder; excludes the
   * top-level `schemas`, `lock`, `out` and `version`.
   */
  readonly versions?: readonly ProjectVersionEntry[];
}

/** One entry of `versions`: `schemas` and `out` required, `lock` and `version` optional. */
export interface ProjectVersionEntry {
  readonly schemas: string;
  readonly out: string;
  readonly lock?: string;
  readonly version?: string;
}

/** A config file that was found, with its paths already resolved against its directory. */
export interface LoadedProjectConfig {
  readonly path: string;
  readonly schemas?: string;
  readonly lock?: string;
  readonly out?: string;
  readonly version?: string;
  /** The `versions` entries, paths resolved; `lock` defaults to the file beside the cache. */
  readonly versions?: readonly LoadedVersionEntry[];
}

/** A `versions` entry with its paths resolved and its lock defaulted. */
export interface LoadedVersionEntry {
  readonly schemas: string;
  readonly lock: string;
  readonly out: string;
  readonly version?: string;
}

/** The config file is unreadable or malformed. Code `ADCP_CONFIG_INVALID`; the CLI exits 2. */
export class ProjectConfigError extends AdcpError<'ADCP_CONFIG_INVALID'> {
  constructor(message: string) {
    super('ADCP_CONFIG_INVALID', message);
  }
}

const PATH_KEYS = ['schemas', 'lock', 'out'] as const;
const SINGLE_TARGET_KEYS = [...PATH_KEYS, 'version'] as const;
const KNOWN_KEYS = new Set<string>(['$schema', ...SINGLE_TARGET_KEYS, 'versions']);
const ENTRY_KEYS = new Set<string>(SINGLE_TARGET_KEYS);

/**
 * Reads `explicit` (a `--config` value, which must exist) or else `adcp-codegen.config.json` in
 * `cwd` (absent: `undefined`). Throws ProjectConfigError naming the file and the problem.
 */
export function loadProjectConfig(cwd: string, explicit?: string): LoadedProjectConfig | undefined {
  const path = resolve(cwd, explicit ?? PROJECT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && explicit === undefined) return undefined;
    throw new ProjectConfigError(`${path}: cannot read the config file (${code ?? 'unreadable'})`);
  }
  return parseProjectConfig(text, path);
}

function parseProjectConfig(text: string, path: string): LoadedProjectConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ProjectConfigError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProjectConfigError(`${path}: expected a JSON object with "schemas", "lock", "out" and/or "version"`);
  }
  const entries = value as Record<string, unknown>;
  const unknown = Object.keys(entries).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) {
    throw new ProjectConfigError(`${path}: unknown key ${JSON.stringify(unknown[0])} (known: schemas, lock, out, version, versions)`);
  }
  const base = dirname(path);
  if (entries['versions'] !== undefined) return { path, versions: parseVersions(entries, base, path) };
  const config: { path: string; schemas?: string; lock?: string; out?: string; version?: string } = { path };
  for (const key of PATH_KEYS) {
    const raw = stringField(entries, key, path, `"${key}"`);
    if (raw !== undefined) config[key] = resolve(base, raw);
  }
  const version = releaseField(entries, path, '"version"');
  if (version !== undefined) config.version = version;
  return config;
}

/** `versions`: a non-empty array of entries whose caches, locks and output folders are all distinct. */
function parseVersions(entries: Record<string, unknown>, base: string, path: string): LoadedVersionEntry[] {
  const clash = SINGLE_TARGET_KEYS.find((key) => entries[key] !== undefined);
  if (clash !== undefined) {
    throw new ProjectConfigError(`${path}: "versions" and top-level "${clash}" exclude each other (move "${clash}" into each entry of "versions")`);
  }
  const list = entries['versions'];
  if (!Array.isArray(list)) throw new ProjectConfigError(`${path}: versions: must be an array of { "schemas", "out", "lock"?, "version"? }`);
  if (list.length === 0) throw new ProjectConfigError(`${path}: versions: must hold at least one entry`);
  const parsed = list.map((entry: unknown, index) => parseVersionEntry(entry, `versions[${index}]`, base, path));
  assertDistinctTargets(parsed, path);
  return parsed;
}

function parseVersionEntry(entry: unknown, where: string, base: string, path: string): LoadedVersionEntry {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new ProjectConfigError(`${path}: ${where}: must be an object with "schemas", "out", "lock"? and "version"?`);
  }
  const fields = entry as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !ENTRY_KEYS.has(key));
  if (unknown !== undefined) throw new ProjectConfigError(`${path}: ${where}: unknown key ${JSON.stringify(unknown)} (known: schemas, lock, out, version)`);
  const required = (key: 'schemas' | 'out'): string => {
    const raw = stringField(fields, key, path, `${where}.${key}:`);
    if (raw === undefined) throw new ProjectConfigError(`${path}: ${where}.${key}: must be a non-empty string`);
    return resolve(base, raw);
  };
  const schemas = required('schemas');
  const out = required('out');
  const lock = stringField(fields, 'lock', path, `${where}.lock:`);
  const version = releaseField(fields, path, `${where}.version:`);
  return { schemas, out, lock: lock === undefined ? lockPathFor(schemas) : resolve(base, lock), ...(version === undefined ? {} : { version }) };
}

/** No two entries share a cache, a lock or an output folder, and no output folder lies inside another. */
function assertDistinctTargets(entries: readonly LoadedVersionEntry[], path: string): void {
  entries.forEach((entry, index) => {
    for (let other = 0; other < index; other += 1) {
      const earlier = entries[other] as LoadedVersionEntry;
      const pair = `versions[${index}] and versions[${other}]`;
      if (entry.out === earlier.out) throw new ProjectConfigError(`${path}: ${pair}: same "out"; each version needs its own output folder`);
      if (entry.schemas === earlier.schemas) throw new ProjectConfigError(`${path}: ${pair}: same "schemas"; each version needs its own cache`);
      if (entry.lock === earlier.lock) {
        throw new ProjectConfigError(`${path}: ${pair}: same lock file ${JSON.stringify(entry.lock)}; set "lock" in one of them`);
      }
      if (isInside(entry.out, earlier.out)) throw new ProjectConfigError(`${path}: versions[${index}].out: lies inside versions[${other}].out`);
      if (isInside(earlier.out, entry.out)) throw new ProjectConfigError(`${path}: versions[${other}].out: lies inside versions[${index}].out`);
    }
  });
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function stringField(entries: Record<string, unknown>, key: string, path: string, shown: string): string | undefined {
  const value = entries[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new ProjectConfigError(`${path}: ${shown} must be a non-empty string`);
  return value;
}

function releaseField(entries: Record<string, unknown>, path: string, shown: string): string | undefined {
  const version = stringField(entries, 'version', path, shown);
  if (version === undefined || version === 'latest' || isReleaseVersion(version)) return version;
  throw new ProjectConfigError(`${path}: ${shown} ${JSON.stringify(version)} is not an AdCP release version (expected e.g. 3.1.19, or latest)`);
}
