import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { OutputError } from './output-error.js';

/** One file the generator produced, as the pipeline returns it. */
export interface OutputFile {
  /** posix, relative to the output directory */
  readonly path: string;
  readonly contents: string;
}

// The generator stamps every file with a banner near its top ("generated — do not edit"); only files
// carrying it are ever treated as ours when cleaning up, so user files in the same folder are safe.
const BANNER = /generated\b.{0,40}\bdo not edit/i;
const BANNER_WINDOW = 600;

export function carriesGeneratedBanner(contents: string): boolean {
  return BANNER.test(contents.slice(0, BANNER_WINDOW));
}

/** Rejects a generated path that would land outside the output directory. */
export function assertSafeOutputPath(path: string): void {
  const normalized = posix.normalize(path);
  if (path === '' || path.startsWith('/') || normalized.startsWith('../') || normalized !== path || path.includes('\\')) {
    throw new OutputError(`generator produced an unsafe output path ${JSON.stringify(path)}`);
  }
}

/** Every file under `outDir` that carries the generated banner, keyed by posix relative path. */
export async function readGeneratedOnDisk(outDir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const path of await listFiles(outDir, '')) {
    const contents = await readFile(join(outDir, path), 'utf8');
    if (carriesGeneratedBanner(contents)) found.set(path, contents);
  }
  return found;
}

/** The current contents of one output file, or undefined when it does not exist. */
export async function readOutputFile(outDir: string, path: string): Promise<string | undefined> {
  try {
    return await readFile(join(outDir, path), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new OutputError(`${join(outDir, path)}: cannot read (${(error as NodeJS.ErrnoException).code})`);
  }
}

async function listFiles(root: string, prefix: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(root, prefix), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new OutputError(`${join(root, prefix)}: cannot list output directory (${(error as NodeJS.ErrnoException).code})`);
  }
  const files: string[] = [];
  for (const entry of entries) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...(await listFiles(root, rel)));
    else if (entry.isFile()) files.push(rel);
  }
  return files;
}
