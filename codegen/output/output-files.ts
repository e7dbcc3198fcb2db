import { lstat, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { OutputError } from './output-error.js';

/** One file the generator produced, as the pipeline returns it. */
export interface OutputFile {
  /** posix, relative to the output directory */
  readonly path: string;
  readonly contents: string;
}

/** Rejects a generated path that would land outside the output directory. */
export function assertSafeOutputPath(path: string): void {
  const normalized = posix.normalize(path);
  if (path === '' || path.startsWith('/') || normalized.startsWith('../') || normalized !== path || path.includes('\\')) {
    throw new OutputError(`generator produced an unsafe output path ${JSON.stringify(path)}`);
  }
}

/**
 * The current contents of one output file, or undefined when it does not exist. A symlink or special
 * file at that path is an error: the generator writes plain files only, so such an entry is not ours.
 */
export async function readOutputFile(outDir: string, path: string): Promise<string | undefined> {
  const target = join(outDir, path);
  try {
    if (!(await lstat(target)).isFile()) throw new OutputError(`${target}: exists and is not a regular file; move it or choose another --out`);
    return await readFile(target, 'utf8');
  } catch (error) {
    if (error instanceof OutputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new OutputError(`${target}: cannot read (${code ?? String(error)})`);
  }
}
