// Code comments cite the AdCP specification (page + section, or a schema path), never a notes file
// outside the repository, and carry no project history. This scans the shipped sources.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';

const REPO = join(import.meta.dirname, '../..');
const DIRS = ['src', 'codegen', 'bin'];

const FORBIDDEN: readonly [string, RegExp][] = [
  ['a notes file outside the repository', /SPEC-NOTES|shared\/adcp|\.\.\/shared\//],
  ['project history', /\bported from|originating PR|anchor defects?|\bissue \d+|issue \d+ acceptance|\bPR #?\d+|adcp-client-python #/i],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return /\.(?:ts|mts|cts|js|mjs)$/.test(name) ? [full] : [];
  });
}

it('no comment in src/, codegen/ or bin/ cites repository-external notes or project history', () => {
  const found: string[] = [];
  for (const file of DIRS.flatMap((dir) => sources(join(REPO, dir)))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, index) => {
        for (const [what, pattern] of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${relative(REPO, file)}:${index + 1}: ${what}: ${line.trim()}`);
        }
      });
  }
  expect(found).toEqual([]);
});

it('the patterns catch what they are meant to', () => {
  const hits = (line: string) => FORBIDDEN.some(([, pattern]) => pattern.test(line));
  expect(hits('// see SPEC-NOTES §2.6')).toBe(true);
  expect(hits('// ported from the originating PR')).toBe(true);
  expect(hits('// Issue 3 acceptance')).toBe(true);
  expect(hits('// (security.mdx "Webhook URL validation (SSRF)")')).toBe(false);
});
