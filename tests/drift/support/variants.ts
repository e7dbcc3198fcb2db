// Builds compile variants of the runtime for the drift tests: a temp copy of src/runtime next to a
// src/generated regenerated (with the real generator) from a schema release, optionally mutated,
// then type-checks them with the real tsc, several variants per tsc process, two processes at once.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFiles } from '../../../codegen/pipeline.js';
import { sharedSchemasRoot } from '../../helpers/shared.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHARED_SCHEMAS = sharedSchemasRoot;
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

export interface Diagnostic {
  /** Path relative to the variant, e.g. `src/runtime/webhooks/task-kinds.ts`. */
  readonly file: string;
  readonly code: string;
  readonly message: string;
}

export interface VariantSpec {
  readonly name: string;
  /** A schema release directory; ignored when `useRepoGenerated` is set. */
  readonly schemasDir?: string;
  /** Edits a private copy of `schemasDir` before generation. */
  readonly mutate?: (schemasCopy: string) => void;
  /** Use the committed src/generated (the pinned 3.1.19 output) instead of regenerating. */
  readonly useRepoGenerated?: boolean;
  /** Extra files, by path relative to the repo root (e.g. tests/drift/fixtures/x.ts), type-checked with the variant. */
  readonly extraSources?: Readonly<Record<string, string>>;
}

export interface DriftWorkspace {
  readonly root: string;
  dispose(): void;
}

export function createWorkspace(): DriftWorkspace {
  const root = mkdtempSync(join(tmpdir(), 'adcp-drift-'));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  writeFileSync(join(root, 'package.json'), '{ "type": "module", "private": true }\n');
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export async function buildVariant(workspace: DriftWorkspace, spec: VariantSpec): Promise<void> {
  const dir = join(workspace.root, spec.name);
  const generatedDir = join(dir, 'src/generated');
  if (spec.useRepoGenerated) {
    cpSync(join(REPO, 'src/generated'), generatedDir, { recursive: true });
  } else {
    const schemasDir = spec.mutate ? copyAndMutate(spec.schemasDir!, join(dir, 'schemas'), spec.mutate) : spec.schemasDir!;
    for (const file of await generateFiles({ schemasDir })) writeFile(join(generatedDir, file.path), file.contents);
  }
  cpSync(join(REPO, 'src/runtime'), join(dir, 'src/runtime'), { recursive: true });
  for (const [path, contents] of Object.entries(spec.extraSources ?? {})) writeFile(join(dir, path), contents);
}

function copyAndMutate(from: string, to: string, mutate: (dir: string) => void): string {
  cpSync(from, to, { recursive: true });
  mutate(to);
  return to;
}

function writeFile(path: string, contents: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
}

/** Type-checks the variants (src/runtime plus extra sources of each); diagnostics keyed by variant name. */
export async function compileVariants(workspace: DriftWorkspace, names: readonly string[], processes = 2): Promise<Map<string, Diagnostic[]>> {
  const groups = Array.from({ length: Math.min(processes, names.length) }, (_, i) => names.filter((_, j) => j % processes === i));
  const outputs = await Promise.all(groups.map((group, i) => runTsc(workspace, group, i)));
  const byVariant = new Map<string, Diagnostic[]>(names.map((name) => [name, []]));
  for (const output of outputs) {
    for (const { variant, diagnostic } of parseTscOutput(output)) byVariant.get(variant)?.push(diagnostic);
  }
  return byVariant;
}

const COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2023'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  skipLibCheck: true,
  resolveJsonModule: true,
  noEmit: true,
  types: ['node'],
  // Full union types in messages, so each diagnostic names every member involved.
  noErrorTruncation: true,
  pretty: false,
};

function runTsc(workspace: DriftWorkspace, variants: readonly string[], index: number): Promise<string> {
  const project = join(workspace.root, `tsconfig.group-${index}.json`);
  const include = variants.flatMap((name) => [`${name}/src/runtime`, `${name}/tests`]);
  writeFileSync(project, JSON.stringify({ compilerOptions: COMPILER_OPTIONS, include }, null, 2));
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [TSC, '-p', project], { cwd: workspace.root, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // Exit 2 means "diagnostics reported"; anything else without output is a real failure.
      if (error && error.code !== 2) reject(new Error(`tsc failed (${String(error.code)}): ${stderr || stdout}`));
      else resolvePromise(stdout);
    });
  });
}

/** `variant/src/x.ts(12,3): error TS2322: message` plus indented continuation lines. */
function parseTscOutput(output: string): { variant: string; diagnostic: Diagnostic }[] {
  const found: { variant: string; diagnostic: Diagnostic }[] = [];
  for (const line of output.split('\n')) {
    const match = /^([^/(]+)\/(.+?)\(\d+,\d+\): error (TS\d+): (.*)$/.exec(line);
    if (match) {
      found.push({ variant: match[1]!, diagnostic: { file: match[2]!, code: match[3]!, message: match[4]! } });
    } else if (line.startsWith(' ') && found.length > 0) {
      const last = found[found.length - 1]!;
      found[found.length - 1] = { ...last, diagnostic: { ...last.diagnostic, message: `${last.diagnostic.message}\n${line.trim()}` } };
    } else if (line.trim() !== '') {
      found.push({ variant: '?', diagnostic: { file: '?', code: '?', message: line } });
    }
  }
  return found;
}

/** Edits one JSON schema file of a mutated cache copy. */
export function editJson(path: string, edit: (json: Record<string, unknown>) => void): void {
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
}
