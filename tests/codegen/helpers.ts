// Shared helpers of the generator tests: schema locations, temp dirs inside the repo (so generated
// code resolves ajv/@types from node_modules), writing generated files, and one real tsc run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateFiles, type GeneratedFile } from '../../codegen/pipeline.js';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
import { sharedSchemasRoot } from '../helpers/shared.js';

export { sharedSchemasRoot };
export const VERSIONS = ['3.0.26', '3.1.19', '3.2.0-beta.5'] as const;
export type Version = (typeof VERSIONS)[number];

/** 3.1.19 comes from the repo's own cache (byte-identical to the shared copy), so output matches src/generated. */
export function schemaDir(version: Version): string {
  return version === '3.1.19' ? path.join(repoRoot, 'schemas', 'cache') : path.join(sharedSchemasRoot, version);
}

export function makeTempDir(prefix: string): string {
  const base = path.join(repoRoot, '.tmp');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, `${prefix}-`));
}

export function writeFiles(dir: string, files: readonly GeneratedFile[]): void {
  for (const file of files) {
    const target = path.join(dir, ...file.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
}

/** A private, editable copy of a schema release. */
export function copySchemas(version: Version, into: string): string {
  cpSync(schemaDir(version), into, { recursive: true });
  return into;
}

export function editJson(file: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
}

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly code: number;
  readonly text: string;
}

/** Runs the repo's tsc (strict, noEmit) over every .ts file under `dir`; returns its diagnostics. */
export function runTsc(dir: string): Diagnostic[] {
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        noUncheckedIndexedAccess: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['**/*.ts'],
    }),
  );
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', '.', '--pretty', 'false'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  const diagnostics: Diagnostic[] = [];
  for (const block of run.stdout.split(/\n(?=\S)/)) {
    const match = /^(.+?)\((\d+),\d+\): error TS(\d+): ([\s\S]*)$/.exec(block.trim());
    if (match) diagnostics.push({ file: path.resolve(dir, match[1]!), line: Number(match[2]), code: Number(match[3]), text: match[4]! });
  }
  if (run.status !== 0 && diagnostics.length === 0) throw new Error(`tsc failed without diagnostics: ${run.stderr}${run.stdout}`);
  return diagnostics;
}

/** The runtime's binding entry as generated code written to `dir` (inside the repo) imports it. */
export function bindingEntryFrom(dir: string): string {
  return path.relative(dir, path.join(repoRoot, 'src', 'runtime', 'binding', 'index.js')).split(path.sep).join('/');
}

/** The runtime surface of one release's generated output (the shape of src/generated/index.ts). */
export type GeneratedApi = typeof import('../../src/generated/index.js');

/**
 * The bundled 3.1.19 output and every other release generated (by the real generator) into a temp
 * dir named after `label`, each imported; `workDir` is removed by the caller.
 */
export async function generatedApis(label: string): Promise<{ readonly apis: Map<Version, GeneratedApi>; readonly workDir: string }> {
  const workDir = makeTempDir(label);
  const apis = new Map<Version, GeneratedApi>([['3.1.19', await import('../../src/generated/index.js')]]);
  for (const version of VERSIONS.filter((v) => v !== '3.1.19')) {
    const dir = path.join(workDir, `v${version}`);
    writeFiles(dir, await generateFiles({ schemasDir: schemaDir(version), bindingEntry: bindingEntryFrom(dir) }));
    apis.set(version, (await import(pathToFileURL(path.join(dir, 'index.ts')).href)) as GeneratedApi);
  }
  return { apis, workDir };
}
