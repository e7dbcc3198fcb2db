// Entry point of the generator: schema cache dir in, generated TypeScript files out.
// Stages: load (read + resolve the schema cache) → model (IR) → emit (one module per concept) → format.
import { existsSync, statSync } from 'node:fs';
import { CodegenError } from './errors.js';

export { CodegenError } from './errors.js';

/** One generated file; `path` is posix and relative to the output dir (src/generated). */
export interface GeneratedFile {
  path: string;
  contents: string;
}

export interface GenerateOptions {
  /** Directory holding one AdCP schema release (e.g. schemas/cache or …/schemas/3.1.19). */
  schemasDir: string;
}

export async function generateFiles(options: GenerateOptions): Promise<GeneratedFile[]> {
  assertSchemaDir(options.schemasDir);
  throw new CodegenError('generator core not implemented yet', options.schemasDir);
}

function assertSchemaDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CodegenError('schema cache directory does not exist (run `adcp-codegen sync` first)', dir);
  }
}
