import { BANNER_FIRST_LINE } from '../emit/banner.js';
import { byCodeUnit, sha256Hex } from '../cache/tree-files.js';
import { assertSafeOutputPath, readOutputFile, type OutputFile } from './output-files.js';
import { OutputError } from './output-error.js';
import { join } from 'node:path';

/**
 * The ownership record `generate` keeps in the output directory: every file it wrote, with the
 * sha-256 of the bytes it wrote. Only a file listed here, still holding exactly those bytes, is ever
 * removed; nothing else in the directory is ours, whatever its text.
 */
export const MANIFEST_NAME = '.adcp-codegen-manifest.json';

const MANIFEST_GENERATOR = 'adcp-codegen';

export interface OutputManifest {
  /** posix relative path → sha-256 (hex) of the contents generate wrote */
  readonly files: ReadonlyMap<string, string>;
}

/** The manifest file describing `files`, serialised deterministically (sorted, no timestamps). */
export function manifestFileFor(files: readonly OutputFile[]): OutputFile {
  const sorted = [...files].sort((a, b) => byCodeUnit(a.path, b.path));
  const listed = Object.fromEntries(sorted.map((file) => [file.path, sha256Hex(file.contents)]));
  const body = { generator: MANIFEST_GENERATOR, banner: BANNER_FIRST_LINE, files: listed };
  return { path: MANIFEST_NAME, contents: `${JSON.stringify(body, null, 2)}\n` };
}

/** The manifest in `outDir`, undefined when there is none; a file of that name that is not ours is an error. */
export async function readManifest(outDir: string): Promise<OutputManifest | undefined> {
  const text = await readOutputFile(outDir, MANIFEST_NAME);
  if (text === undefined) return undefined;
  const files = parseManifest(text);
  if (files === undefined) {
    throw new OutputError(`${join(outDir, MANIFEST_NAME)}: exists but is not an adcp-codegen output manifest; move it or choose another --out`);
  }
  return { files };
}

function parseManifest(text: string): Map<string, string> | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(body) || body.generator !== MANIFEST_GENERATOR || !isRecord(body.files)) return undefined;
  const files = new Map<string, string>();
  for (const [path, hash] of Object.entries(body.files)) {
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash) || !isSafePath(path) || path === MANIFEST_NAME) return undefined;
    files.set(path, hash);
  }
  return files;
}

function isSafePath(path: string): boolean {
  try {
    assertSafeOutputPath(path);
    return true;
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `contents` starts with the exact banner line this generator writes. */
export function carriesOwnBanner(contents: string): boolean {
  return contents.startsWith(`${BANNER_FIRST_LINE}\n`);
}
