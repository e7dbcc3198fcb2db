// No shipped source reaches into another package's internals: every import, require, import() and
// `typeof import()` of a dependency in src/, codegen/ and bin/ names the package or one of its
// documented entry points, never a `dist/`, `lib/`, `src/` or `internal/` subpath — those move
// between releases without notice. The few exceptions are listed below, each with its reason.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const DIRS = ['src', 'codegen', 'bin'];

interface AllowedInternal {
  /** The file (repository-relative) allowed to load it. */
  readonly file: string;
  /** The specifier, or its prefix ending in `/`. */
  readonly specifier: string;
  readonly reason: string;
  /** Another branch removes the import; the entry may then be stale until it is deleted here too. */
  readonly beingRemoved?: true;
}

const ALLOWED: readonly AllowedInternal[] = [
  {
    file: 'codegen/emit/libraries.ts',
    specifier: 'json-schema-to-typescript/dist/src/',
    reason:
      "compile()'s stages (link, normalize, parse, optimize, generate) called without its clone, $ref dereferencing and " +
      'prettier pass (~25 % of generation); json-schema-to-typescript is pinned exactly (16.0.0) and tests compare ' +
      'the stages with compile() on real schemas. Generator only; the runtime never loads it.',
  },
  {
    file: 'codegen/emit/validators.ts',
    specifier: 'ajv/dist/standalone/index.js',
    reason: "Ajv's documented entry for standalone validation code (ajv.js.org \"Standalone validation code\"); ajv has no exports map.",
  },
];

const INTERNAL_SEGMENT = /(?:^|\/)(?:dist|lib|src|internal)\//;
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire(?:\.resolve)?\s*\(\s*|^\s*import\s+|\bdeclare\s+module\s+)(['"])([^'"\n]+)\1/gm;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(?:ts|mts|cts|js|mjs|cjs)$/.test(name) ? [full] : [];
  });
}

/** `pkg/sub/path` → `sub/path`; undefined for relative, absolute, `node:` and own-package specifiers. */
function subpathOfDependency(specifier: string): string | undefined {
  if (/^(?:\.|\/|node:|#)/.test(specifier)) return undefined;
  const parts = specifier.split('/');
  const nameLength = specifier.startsWith('@') ? 2 : 1;
  if (parts.slice(0, nameLength).join('/') === 'adcp-codegen') return undefined;
  const subpath = parts.slice(nameLength).join('/');
  return subpath === '' ? undefined : subpath;
}

/** Every `file: specifier` in `text` that loads a dependency's internal path. */
function internalImports(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const specifier = match[2]!;
    const subpath = subpathOfDependency(specifier);
    if (subpath !== undefined && INTERNAL_SEGMENT.test(`${subpath}/`)) found.push(specifier);
  }
  return found;
}

function isAllowed(file: string, specifier: string): boolean {
  return ALLOWED.some((entry) => entry.file === file && (entry.specifier.endsWith('/') ? specifier.startsWith(entry.specifier) : specifier === entry.specifier));
}

const files = DIRS.flatMap((dir) => sources(join(REPO, dir))).map((full) => ({ file: relative(REPO, full), text: readFileSync(full, 'utf8') }));

it('no file in src/, codegen/ or bin/ imports another package’s internal path outside the allowlist', () => {
  const offending = files.flatMap(({ file, text }) =>
    internalImports(text)
      .filter((specifier) => !isAllowed(file, specifier))
      .map((specifier) => `${file}: ${specifier}`),
  );
  expect(offending).toEqual([]);
});

it('every allowlist entry has a reason and is still used (or is marked as being removed)', () => {
  for (const entry of ALLOWED) {
    expect(entry.reason.length, entry.specifier).toBeGreaterThan(20);
    if (entry.beingRemoved) continue;
    const used = files.some(({ file, text }) => file === entry.file && internalImports(text).some((specifier) => isAllowed(file, specifier)));
    expect(used, `stale allowlist entry ${entry.file}: ${entry.specifier}`).toBe(true);
  }
});

it('the scanner catches each way of naming an internal path, and only those', () => {
  const hits = (line: string) => internalImports(line);
  expect(hits("import AgentClass from 'undici/lib/dispatcher/agent.js';")).toEqual(['undici/lib/dispatcher/agent.js']);
  expect(hits("export { x } from \"@scope/pkg/dist/x.js\";")).toEqual(['@scope/pkg/dist/x.js']);
  expect(hits("const m = require('json-schema-to-typescript/dist/src/utils.js');")).toEqual(['json-schema-to-typescript/dist/src/utils.js']);
  expect(hits("await import('ajv-formats/dist/formats.js')")).toEqual(['ajv-formats/dist/formats.js']);
  expect(hits("require.resolve('pkg/src/a.js')")).toEqual(['pkg/src/a.js']);
  expect(hits("type T = typeof import('pkg/lib/a.js');")).toEqual(['pkg/lib/a.js']);
  expect(hits("declare module 'undici/lib/core/connect.js' {")).toEqual(['undici/lib/core/connect.js']);
  expect(hits("import 'pkg/internal/side-effect.js';")).toEqual(['pkg/internal/side-effect.js']);
  expect(hits("import { Agent } from 'undici';")).toEqual([]);
  expect(hits("import { x } from '@sigstore/verify';")).toEqual([]);
  expect(hits("import { x } from '../lib/local.js';")).toEqual([]);
  expect(hits("import { x } from 'node:fs';")).toEqual([]);
  expect(hits("import { x } from 'ajv/dist2020-ish';")).toEqual([]);
});
