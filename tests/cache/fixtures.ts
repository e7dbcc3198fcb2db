// Temp projects and tree snapshots shared by the cache and codegen CLI tests.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { create as createTar, Header } from 'tar';
import { repoRoot, runCliProcess } from '../helpers/cli.js';
import type { Route } from './release-server.js';

import { sharedSchemasRoot as sharedSchemas } from '../helpers/shared.js';

export { sharedSchemas };
export const lockFileName = 'adcp-schemas.lock.json';

const created: string[] = [];

/** A throwaway project dir holding copies of the repo's schema cache + lock (and generated code if asked). */
export function makeProject(options: { cache?: boolean; generated?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-codegen-test-'));
  created.push(dir);
  if (options.cache !== false) {
    cpSync(join(repoRoot, 'schemas', 'cache'), join(dir, 'schemas', 'cache'), { recursive: true });
    cpSync(join(repoRoot, 'schemas', lockFileName), join(dir, 'schemas', lockFileName));
  }
  if (options.generated === true) {
    cpSync(userProjectOutput(), join(dir, 'src', 'generated'), { recursive: true });
  }
  return dir;
}

let userOutput: string | undefined;

/**
 * What `generate` writes into a project outside this repository from the repo's cache: the repo's own
 * src/generated except that the generated code imports the package (`adcp-codegen/binding`) instead of
 * ../runtime. Generated once per test file and copied.
 */
export function userProjectOutput(): string {
  if (userOutput !== undefined) return userOutput;
  const project = makeTempDir();
  cpSync(join(repoRoot, 'schemas', 'cache'), join(project, 'schemas', 'cache'), { recursive: true });
  cpSync(join(repoRoot, 'schemas', lockFileName), join(project, 'schemas', lockFileName));
  const run = runCliProcess(['generate'], { cwd: project });
  if (run.status !== 0) throw new Error(`generate in a fresh project failed: ${run.stderr}`);
  userOutput = join(project, 'src', 'generated');
  return userOutput;
}

/**
 * A project whose cache is a two-file stand-in (with a matching lock): enough to prove a failed sync
 * leaves cache and lock alone, without copying the whole 3.1.19 tree for every case.
 */
export function makeSmallProject(): string {
  const dir = makeTempDir();
  const index = '{"adcp_version":"0.0.1"}\n';
  const enumFile = '{"$id":"/schemas/0.0.1/enums/e.json","enum":["a"]}\n';
  mkdirSync(join(dir, 'schemas', 'cache', 'enums'), { recursive: true });
  writeFileSync(join(dir, 'schemas', 'cache', 'index.json'), index);
  writeFileSync(join(dir, 'schemas', 'cache', 'enums', 'e.json'), enumFile);
  const lock = { lockfileVersion: 1, adcpVersion: '0.0.1', source: 'dir:/fixture', sha256: { 'enums/e.json': sha256(enumFile), 'index.json': sha256(index) } };
  writeFileSync(join(dir, 'schemas', lockFileName), `${JSON.stringify(lock, null, 2)}\n`);
  return dir;
}

export function makeTempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-codegen-test-'));
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** path → sha256 of every file under `dir` (directories included as entries, so leftovers show up). */
export function snapshotTree(dir: string): Record<string, string> {
  const snapshot: Record<string, string> = {};
  const walk = (prefix: string): void => {
    for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
      const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory()) {
        snapshot[`${rel}/`] = 'dir';
        walk(rel);
      } else {
        snapshot[rel] = sha256(readFileSync(join(dir, rel)));
      }
    }
  };
  walk('');
  return snapshot;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Rewrites one cached file and records its new sha256 in the lock, as a legitimate sync would. */
export function rewriteCachedFile(project: string, rel: string, contents: string): void {
  writeFileSync(join(project, 'schemas', 'cache', rel), contents);
  const lockPath = join(project, 'schemas', lockFileName);
  const lock = readJson<{ sha256: Record<string, string> }>(lockPath);
  lock.sha256[rel] = sha256(contents);
  writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
}

/** Copies a shared schema version into `<dir>/<layout>` and returns `dir`. */
export function stageSchemaTree(dir: string, version: string, layout: string): string {
  const target = join(dir, layout);
  mkdirSync(target, { recursive: true });
  cpSync(join(sharedSchemas, version), target, { recursive: true });
  return dir;
}

/**
 * A gzipped tar built entry by entry, for archives no well-behaved tool would write (`..` paths,
 * absolute paths, links). tar's own Header encodes each entry verbatim.
 */
export function rawTarball(entries: ReadonlyArray<{ path: string; body?: string; type?: 'File' | 'SymbolicLink' | 'Link'; linkpath?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = Buffer.alloc(512);
    new Header({
      path: entry.path,
      mode: 0o644,
      size: entry.type === undefined || entry.type === 'File' ? body.length : 0,
      mtime: new Date(0),
      type: entry.type ?? 'File',
      ...(entry.linkpath === undefined ? {} : { linkpath: entry.linkpath }),
    }).encode(header);
    blocks.push(header);
    if (entry.type === undefined || entry.type === 'File') {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/**
 * A release tarball laid out as published: adcp-<v>/{README.md, manifest.json, schemas/{…, bundled/}},
 * from the shared schema tree of `version`.
 */
export function releaseTarball(version: string): Buffer {
  const staging = stageSchemaTree(makeTempDir(), version, `adcp-${version}/schemas`);
  const root = join(staging, `adcp-${version}`);
  writeFileSync(join(root, 'README.md'), '# AdCP release\n');
  writeFileSync(join(root, 'manifest.json'), readFileSync(join(sharedSchemas, version, 'manifest.json')));
  mkdirSync(join(root, 'schemas', 'bundled', 'core'), { recursive: true });
  writeFileSync(join(root, 'schemas', 'bundled', 'core', 'x.json'), `{"$id":"/schemas/${version}/bundled/core/x.json"}`);
  const file = join(staging, `${version}.tgz`);
  createTar({ gzip: true, file, cwd: staging, sync: true, portable: true }, [`adcp-${version}`]);
  return readFileSync(file);
}

/** The loopback routes publishing `tarball` as release `version` under `prefix`, with its `.sha256`. */
export function releaseRoutes(prefix: string, version: string, tarball: Buffer): Array<[string, Route]> {
  return [
    [`${prefix}/${version}.tgz`, { kind: 'file', body: tarball }],
    [`${prefix}/${version}.tgz.sha256`, { kind: 'file', body: `${sha256(tarball)}  ${version}.tgz\n` }],
  ];
}

/** `/schemas/latest.json` as AdCP publishes it: `stable` as latest_stable, a newer prerelease as latest (never to be used). */
export function latestPointerRoute(stable: string): [string, Route] {
  const body = JSON.stringify({ latest: '9.9.9-beta.1', latest_stable: stable, channel: 'stable', path: `/schemas/${stable}/` });
  return ['/schemas/latest.json', { kind: 'file', body }];
}

export const manifestName = '.adcp-codegen-manifest.json';

/**
 * Writes `contents` at `path` under a generated-output dir and lists it in that dir's manifest, as if
 * an earlier `generate` had written it.
 */
export function writeAsGenerated(outDir: string, path: string, contents: string): void {
  mkdirSync(join(outDir, path, '..'), { recursive: true });
  writeFileSync(join(outDir, path), contents);
  const manifestPath = join(outDir, manifestName);
  const manifest = readJson<{ files: Record<string, string> }>(manifestPath);
  manifest.files[path] = sha256(contents);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}
