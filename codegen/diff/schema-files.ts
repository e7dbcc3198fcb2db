// Where a snapshot's bytes come from: a directory on disk, or the files of a tarball held in memory.
// Paths are posix and relative to the source's top.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AdcpError } from '../../src/runtime/errors/adcp-error.js';

export interface SchemaFiles {
  /** Where the files live, as it may appear in messages (no credentials, no query string). */
  readonly label: string;
  has(path: string): boolean;
  /** The file's text; throws SnapshotError (naming the file) when it cannot be read. */
  readText(path: string): string;
  /** Names of the top-level folders (an extracted release has one: `adcp-<version>/`). */
  topLevelFolders(): string[];
}

/**
 * Bad input: the snapshot is missing, unreadable or not an AdCP schema tree. The CLI exits 2.
 * Code `ADCP_DIFF_SNAPSHOT_INVALID`.
 */
export class SnapshotError extends AdcpError<'ADCP_DIFF_SNAPSHOT_INVALID'> {
  constructor(message: string) {
    super('ADCP_DIFF_SNAPSHOT_INVALID', message);
  }
}

export function directoryFiles(dir: string, label = dir): SchemaFiles {
  if (!existsSync(dir)) throw new SnapshotError(`${label}: schema snapshot not found`);
  if (!statSync(dir).isDirectory()) throw new SnapshotError(`${label}: not a directory`);
  return {
    label,
    has: (path) => existsSync(join(dir, path)),
    readText: (path) => {
      try {
        return readFileSync(join(dir, path), 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'read error';
        throw new SnapshotError(`${label}: cannot read ${path} (${code})`);
      }
    },
    topLevelFolders: () =>
      readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
        .map((entry) => entry.name),
  };
}

export function memoryFiles(files: ReadonlyMap<string, Buffer>, label: string): SchemaFiles {
  return {
    label,
    has: (path) => files.has(path),
    readText: (path) => {
      const bytes = files.get(path);
      if (bytes === undefined) throw new SnapshotError(`${label}: ${path} is missing`);
      return bytes.toString('utf8');
    },
    topLevelFolders: () => [...new Set([...files.keys()].filter((p) => p.includes('/')).map((p) => p.split('/')[0] as string))],
  };
}
