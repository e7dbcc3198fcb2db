// The published artefact, end to end: `npm pack` → install the tarball into an empty project →
// run the CLI there → type-check a consumer against the package and the generated output under
// ESM (node16, nodenext, bundler) and CommonJS (node16) → load it at run time, ESM and CJS, without
// the optional peer drivers (better-sqlite3, pg, ioredis) → publint and attw on the tarball. About a minute; every step has
// its own timeout and fails naming the command and its output.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerTs, consumerTsconfig, runtimeCheckCjs, runtimeCheckMjs } from './consumer-sources.js';
import {
  installIntoFreshProject,
  makeWorkDir,
  packRepository,
  repoRoot,
  step,
  writeJson,
  writeText,
  type PackedTarball,
} from './packed-project.js';

let workDir: string;
let tarball: PackedTarball;
let project: string;

beforeAll(() => {
  workDir = makeWorkDir();
  tarball = packRepository(workDir);
  project = installIntoFreshProject(workDir, tarball.path);
}, 240_000);

afterAll(() => {
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

function cli(args: readonly string[], timeoutMs = 60_000): { stdout: string; stderr: string } {
  return step('npx', ['--no', '--', 'adcp-codegen', ...args], { cwd: project, timeoutMs });
}

function directoryMegabytes(dir: string): string {
  const { stdout } = step('du', ['-sk', dir], { cwd: dir });
  return (Number.parseInt(stdout, 10) / 1024).toFixed(1);
}

function tsc(dir: string, tsconfig: string): void {
  step(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { cwd: dir, timeoutMs: 120_000 });
}

describe('the packed tarball', () => {
  it('ships dist, the pinned schema cache with its lock, README, licences — and no tests, benches or sources', () => {
    const files = new Set(tarball.files);
    for (const wanted of [
      'package.json',
      'README.md',
      'LICENSE',
      'NOTICE',
      'schemas/LICENSE',
      'schemas/adcp-schemas.lock.json',
      'schemas/cache/index.json',
      'dist/bin/adcp-codegen.js',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/cjs/package.json',
      'dist/cjs/src/index.js',
      'dist/cjs/src/index.d.ts',
    ]) {
      expect(files, `${wanted} is missing from the tarball`).toContain(wanted);
    }
    const unwanted = tarball.files.filter(
      (path) =>
        /^(tests|bench|examples|src|codegen|bin|scripts)\//.test(path) ||
        /^dist\/(tests|bench|examples)\//.test(path) ||
        /\.test\.|\.tsbuildinfo$|(^|\/)fixtures\//.test(path),
    );
    expect(unwanted).toEqual([]);
  });

  it('holds every schema file its lock names', () => {
    const lock = JSON.parse(readFileSync(join(repoRoot, 'schemas/adcp-schemas.lock.json'), 'utf8')) as {
      sha256: Record<string, string>;
    };
    const missing = Object.keys(lock.sha256).filter((path) => !tarball.files.includes(`schemas/cache/${path}`));
    expect(missing).toEqual([]);
  });

  it('passes publint (strict)', () => {
    const { stdout } = step(join(repoRoot, 'node_modules/.bin/publint'), ['run', tarball.path, '--strict'], {
      cwd: workDir,
      timeoutMs: 60_000,
    });
    expect(stdout).toContain('All good');
  }, 120_000);

  it('passes attw: types resolve for node10, node16 (CJS and ESM) and bundler', () => {
    const { stdout } = step(
      join(repoRoot, 'node_modules/.bin/attw'),
      [tarball.path, '--format', 'ascii', '--no-color', '--no-emoji', '--no-definitely-typed'],
      { cwd: workDir, timeoutMs: 60_000 },
    );
    expect(stdout).toContain('No problems found');
  }, 120_000);
});

describe('installed into a fresh project', () => {
  it('`npx adcp-codegen --help` lists every command', () => {
    const { stdout } = cli(['--help']);
    expect(stdout).toContain('Usage: adcp-codegen');
    for (const command of ['generate', 'check', 'sync', 'diff', 'webhook', 'deliveries']) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  }, 120_000);

  it('`npx adcp-codegen generate --out src/adcp` writes the 3.1.19 output from the embedded cache', () => {
    const { stdout } = cli(['generate', '--out', 'src/adcp'], 120_000);
    expect(stdout).toMatch(/created/);
    const index = readFileSync(join(project, 'src/adcp/index.ts'), 'utf8');
    expect(index).toContain('generated — do not edit');
    expect(index).toContain('AdCP version: 3.1.19');
    expect(existsSync(join(project, 'schemas'))).toBe(false);
  }, 180_000);

  describe('tsc --noEmit over a file importing the package and the generated output', () => {
    beforeAll(() => {
      writeText(join(project, 'consumer.ts'), consumerTs);
      writeJson(join(project, 'tsconfig.node16.json'), consumerTsconfig('Node16', 'Node16', ['consumer.ts']));
      writeJson(join(project, 'tsconfig.nodenext.json'), consumerTsconfig('NodeNext', 'NodeNext', ['consumer.ts']));
      writeJson(join(project, 'tsconfig.bundler.json'), consumerTsconfig('ESNext', 'Bundler', ['consumer.ts']));
      writeJson(join(project, 'tsconfig.libcheck.json'), consumerTsconfig('NodeNext', 'NodeNext', ['consumer.ts'], false));
      // A CommonJS project: its own package.json makes consumer.ts and its copy of the output CJS.
      const cjs = join(project, 'cjs');
      writeJson(join(cjs, 'package.json'), { name: 'adcp-consumer-cjs', private: true, type: 'commonjs' });
      cpSync(join(project, 'src/adcp'), join(cjs, 'src/adcp'), { recursive: true });
      writeText(join(cjs, 'consumer.ts'), consumerTs);
      writeJson(join(cjs, 'tsconfig.json'), consumerTsconfig('Node16', 'Node16', ['consumer.ts']));
    });

    it('module node16, ESM consumer', () => tsc(project, 'tsconfig.node16.json'), 120_000);
    it('module nodenext, ESM consumer', () => tsc(project, 'tsconfig.nodenext.json'), 120_000);
    it('moduleResolution bundler', () => tsc(project, 'tsconfig.bundler.json'), 120_000);
    it('module node16, CommonJS consumer', () => tsc(join(project, 'cjs'), 'tsconfig.json'), 120_000);
    it('skipLibCheck off: the package .d.ts need no types the user lacks (@types/pg, @types/better-sqlite3)', () =>
      tsc(project, 'tsconfig.libcheck.json'), 120_000);
  });

  describe('at run time, without the optional peer drivers (a buyer installs none of them)', () => {
    beforeAll(() => {
      writeText(join(project, 'runtime-check.mjs'), runtimeCheckMjs);
      writeText(join(project, 'runtime-check.cjs'), runtimeCheckCjs);
    });

    it('better-sqlite3, pg and ioredis are optional peers: installing the tarball brings none of them', () => {
      const manifest = JSON.parse(readFileSync(join(project, 'node_modules/adcp-codegen/package.json'), 'utf8')) as {
        dependencies?: Record<string, string>;
        peerDependenciesMeta?: Record<string, { optional?: boolean }>;
      };
      for (const driver of ['better-sqlite3', 'pg', 'ioredis']) {
        expect(manifest.dependencies?.[driver], `${driver} is a hard dependency`).toBeUndefined();
        expect(manifest.peerDependenciesMeta?.[driver]?.optional, `${driver} is not an optional peer`).toBe(true);
        expect(existsSync(join(project, 'node_modules', driver)), `${driver} was installed`).toBe(false);
      }
      console.log(`node_modules of a consumer with adcp-codegen, typescript and @types/node: ${directoryMegabytes(join(project, 'node_modules'))} MB`);
    });

    for (const file of ['runtime-check.mjs', 'runtime-check.cjs']) {
      it(`${file}: imports, builds and validates a payload, opens memory:, and sqlite: / redis: fail naming their drivers`, () => {
        const { stdout, stderr } = step(process.execPath, [file, join(workDir, 'outbox.db')], { cwd: project, timeoutMs: 30_000 });
        const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { version?: string; exports?: number; problems?: string[] };
        expect(report.problems).toEqual([]);
        expect(report.version).toBe('3.1.19');
        expect(stderr).not.toContain('eagerly loaded');
      }, 60_000);
    }
  });
});
