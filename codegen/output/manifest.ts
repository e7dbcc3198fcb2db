import { BANNER_FIRST_LINE } from '../emit/banner.js';
import { byCodeUnit, sha256Hex } from '../cache/tree-files.js';
import { assertSafeOutputPath, readOutputFile, type OutputFile } from './output-files.js';
import { OutputError } from './output-error.js';
import { join } from 'node:path';
import type { GenerationInputs } from './generation-inputs.js';

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
  /** what the files were generated from, sealed with the file list (absent when generate recorded none) */
  readonly inputs?: RecordedInputs;
}

/** The generation inputs as recorded, plus `outputs`: the digest of the recorded file list itself. */
export interface RecordedInputs extends GenerationInputs {
  readonly outputs: string;
}

/** Digest of a manifest's `files` listing, so an edited list is never mistaken for what generate wrote. */
export function filesDigest(listed: Readonly<Record<string, string>>): string {
  return sha256Hex(JSON.stringify(listed));
}

/** The manifest file describing `files`, serialised deterministically (sorted, no timestamps). */
export function manifestFileFor(files: readonly OutputFile[], inputs?: GenerationInputs): OutputFile {
  const sorted = [...files].sort((a, b) => byCodeUnit(a.path, b.path));
  const listed: Record<string, string> = Object.fromEntries(sorted.map((file) => [file.path, sha256Hex(file.contents)]));
  const recorded = inputs === undefined ? {} : { inputs: { schemas: inputs.schemas, generator: inputs.generator, outputs: filesDigest(listed) } };
  const body = { generator: MANIFEST_GENERATOR, banner: BANNER_FIRST_LINE, ...recorded, files: listed };
  return { path: MANIFEST_NAME, contents: `${JSON.stringify(body, null, 2)}\n` };
}

/** The manifest in `outDir`, undefined when there is none; a file of that name that is not ours is an error. */
export async function readManifest(outDir: string): Promise<OutputManifest | undefined> {
  const text = await readOutputFile(outDir, MANIFEST_NAME);
  if (text === undefined) return undefined;
  const body = parseManifest(text);
  if (body === undefined) {
    throw new OutputError(`${join(outDir, MANIFEST_NAME)}: exists but is not an adcp-codegen output manifest; move it or choose another --out`);
  }
  return body;
}

function parseManifest(text: string): OutputManifest | undefined {
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
  const inputs = recordedInputs(body.inputs);
  return inputs === undefined ? { files } : { files, inputs };
}

const HEX_DIGEST = /^[0-9a-f]{64}$/;

function recordedInputs(value: unknown): RecordedInputs | undefined {
  if (!isRecord(value)) return undefined;
  const { schemas, generator, outputs } = value;
  const digests = [schemas, generator, outputs];
  if (!digests.every((digest) => typeof digest === 'string' && HEX_DIGEST.test(digest))) return undefined;
  return { schemas: schemas as string, generator: generator as string, outputs: outputs as string };
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
