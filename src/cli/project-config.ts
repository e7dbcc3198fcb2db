// The project config file: `adcp-codegen.config.json` in the directory the CLI runs in (or the file
// given with `--config`). It records what would otherwise be repeated on every command — where the
// schema cache and its lock live, where the generated code goes, which AdCP release is pinned — so
// `generate`, `check`, `diff` and `sync` run without flags. A flag always overrides the file.
// JSON, not a script: reading it runs no code, and the same file gives the same result everywhere.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
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
}

/** A config file that was found, with its paths already resolved against its directory. */
export interface LoadedProjectConfig {
  readonly path: string;
  readonly schemas?: string;
  readonly lock?: string;
  readonly out?: string;
  readonly version?: string;
}

/** The config file is unreadable or malformed. Code `ADCP_CONFIG_INVALID`; the CLI exits 2. */
export class ProjectConfigError extends AdcpError<'ADCP_CONFIG_INVALID'> {
  constructor(message: string) {
    super('ADCP_CONFIG_INVALID', message);
  }
}

const PATH_KEYS = ['schemas', 'lock', 'out'] as const;
const KNOWN_KEYS = new Set<string>(['$schema', ...PATH_KEYS, 'version']);

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
    throw new ProjectConfigError(`${path}: unknown key ${JSON.stringify(unknown[0])} (known: schemas, lock, out, version)`);
  }
  const base = dirname(path);
  const config: { path: string; schemas?: string; lock?: string; out?: string; version?: string } = { path };
  for (const key of PATH_KEYS) {
    const raw = stringField(entries, key, path);
    if (raw !== undefined) config[key] = resolve(base, raw);
  }
  const version = stringField(entries, 'version', path);
  if (version !== undefined) {
    if (version !== 'latest' && !isReleaseVersion(version)) {
      throw new ProjectConfigError(`${path}: "version" ${JSON.stringify(version)} is not an AdCP release version (expected e.g. 3.1.19, or latest)`);
    }
    config.version = version;
  }
  return config;
}

function stringField(entries: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = entries[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new ProjectConfigError(`${path}: "${key}" must be a non-empty string`);
  return value;
}
