// The CommonJS build of the library entry (tsconfig.cjs.json → dist/cjs): what `require('adcp-codegen')`
// and CommonJS-consuming TypeScript get. Every file src/index.ts reaches must be CommonJS-compilable:
// no import.meta, no top-level await (tsc misses both in @ts-nocheck files), no ESM-only dependency.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commonJsBlockers, esmOnlyDependencies, libraryGraph } from './library-graph.js';
import { repoRoot } from './packed-project.js';

const graph = libraryGraph(repoRoot);

describe('the library entry graph is CommonJS-compilable', () => {
  it('reaches the generated code and every runtime area', () => {
    const files = graph.map((file) => file.fileName);
    for (const area of ['src/generated/', 'src/runtime/signing/', 'src/runtime/delivery/', 'src/runtime/ssrf/', 'src/runtime/store/', 'src/runtime/webhooks/']) {
      expect(files.some((file) => file.includes(area)), area).toBe(true);
    }
    expect(files.some((file) => file.includes('/src/cli/') || file.includes('/codegen/'))).toBe(false);
  });

  it('uses no import.meta and no top-level await', () => {
    expect(commonJsBlockers(graph, repoRoot)).toEqual([]);
  });

  it('imports no ES-module-only package at run time', () => {
    expect(esmOnlyDependencies(graph, repoRoot)).toEqual([]);
  });

  it('compiles with tsconfig.cjs.json without errors', () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json', '--noEmit'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);
});

describe('the built dist/cjs', () => {
  it('loads under require() and exports the same names as the ES module build', () => {
    const script = `
      const cjs = Object.keys(require('./dist/cjs/src/index.js')).filter((k) => k !== '__esModule').sort();
      import('./dist/src/index.js').then((esm) => {
        process.stdout.write(JSON.stringify({ cjs, esm: Object.keys(esm).sort() }));
      });`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
    expect(result.stderr).toBe('');
    const { cjs, esm } = JSON.parse(result.stdout) as { cjs: string[]; esm: string[] };
    expect(cjs.length).toBeGreaterThan(50);
    expect(cjs).toEqual(esm);
  });
});
