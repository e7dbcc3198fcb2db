import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, runCliProcessAsync } from '../helpers/cli.js';
import {
  lockFileName,
  makeProject,
  makeSmallProject,
  makeTempDir,
  rawTarball,
  readJson,
  removeTempDirs,
  sha256,
  sharedSchemas,
  snapshotTree,
  stageSchemaTree,
} from '../cache/fixtures.js';
import { startReleaseServer, type ReleaseServer, type Route } from '../cache/release-server.js';

interface Lock {
  adcpVersion: string;
  source: string;
  sourceSha256?: string;
  sha256: Record<string, string>;
}

const version = '3.0.26';
let releaseTgz: Buffer;
let releaseSha: string;

/** A release tarball laid out as published: adcp-<v>/{README.md, manifest.json, schemas/{…, bundled/}}. */
function buildReleaseTarball(): Buffer {
  const staging = stageSchemaTree(makeTempDir(), version, `adcp-${version}/schemas`);
  const root = join(staging, `adcp-${version}`);
  writeFileSync(join(root, 'README.md'), '# AdCP release\n');
  writeFileSync(join(root, 'manifest.json'), readFileSync(join(sharedSchemas, version, 'manifest.json')));
  mkdirSync(join(root, 'schemas', 'bundled', 'core'), { recursive: true });
  writeFileSync(join(root, 'schemas', 'bundled', 'core', 'x.json'), '{"$id":"/schemas/3.0.26/bundled/core/x.json"}');
  const file = join(staging, `${version}.tgz`);
  createTar({ gzip: true, file, cwd: staging, sync: true, portable: true }, [`adcp-${version}`]);
  return readFileSync(file);
}

/** The project's cache + lock: the sync must leave exactly this in place when it fails. */
function schemasState(project: string): Record<string, string> {
  return snapshotTree(join(project, 'schemas'));
}

function expectSyncedTo(project: string, expectedVersion: string): Lock {
  const lock = readJson<Lock>(join(project, 'schemas', lockFileName));
  expect(lock.adcpVersion).toBe(expectedVersion);
  const cached = snapshotTree(join(project, 'schemas', 'cache'));
  const files = Object.fromEntries(Object.entries(cached).filter(([path]) => !path.endsWith('/')));
  expect(files).toEqual(lock.sha256);
  expect(Object.keys(files).some((path) => path.startsWith('bundled/'))).toBe(false);
  expect(readJson(join(project, 'schemas', 'cache', 'index.json')).adcp_version).toBe(expectedVersion);
  return lock;
}

beforeAll(() => {
  releaseTgz = buildReleaseTarball();
  releaseSha = sha256(releaseTgz);
});
afterAll(removeTempDirs);

describe('adcp-codegen sync from local sources', () => {
  it('replaces the cache and lock from a schema directory', () => {
    const project = makeProject();
    const run = runCliProcess(['sync', '--version', version, '--from', join(sharedSchemas, version)], { cwd: project });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/sync: AdCP 3\.0\.26 .* 506 files/);
    const lock = expectSyncedTo(project, version);
    expect(lock.source).toBe(`dir:${join(sharedSchemas, version)}`);
    expect(Object.keys(snapshotTree(join(project, 'schemas'))).filter((path) => !path.startsWith('cache'))).toEqual([lockFileName]);
  });

  it('finds the version inside a folder of versions, and is a no-op when re-run', () => {
    const project = makeProject({ cache: false });
    const first = runCliProcess(['sync', '--version', version, '--from', sharedSchemas], { cwd: project });
    expect(first.status).toBe(0);
    const before = schemasState(project);
    const second = runCliProcess(['sync', '--version', version, '--from', sharedSchemas], { cwd: project });
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('0 added, 0 removed, 0 changed');
    expect(schemasState(project)).toEqual(before);
  });

  it('reads a release tarball (adcp-<v>/schemas), drops bundled/ and records the tarball sha256', () => {
    const project = makeProject();
    const tarball = join(makeTempDir(), `${version}.tgz`);
    writeFileSync(tarball, releaseTgz);
    const run = runCliProcess(['sync', '--version', version, '--from', tarball], { cwd: project });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lock = expectSyncedTo(project, version);
    expect(lock.sourceSha256).toBe(releaseSha);
    expect(lock.source).toBe(`tarball:${tarball}`);
  });

  it('verifies a local tarball against --sha256 or a <tarball>.sha256 beside it', () => {
    const tarball = join(makeTempDir(), `${version}.tgz`);
    writeFileSync(tarball, releaseTgz);
    const project = makeSmallProject();
    const before = schemasState(project);
    const wrongFlag = runCliProcess(['sync', '--version', version, '--from', tarball, '--sha256', 'f'.repeat(64)], { cwd: project });
    expect(wrongFlag.status).toBe(2);
    expect(wrongFlag.stderr).toContain(`${tarball}: sha256 mismatch (tarball is ${releaseSha}, expected ${'f'.repeat(64)})`);
    writeFileSync(`${tarball}.sha256`, `${'e'.repeat(64)}  ${version}.tgz\n`);
    const wrongFile = runCliProcess(['sync', '--version', version, '--from', tarball], { cwd: project });
    expect(wrongFile.status).toBe(2);
    expect(wrongFile.stderr).toContain('sha256 mismatch');
    expect(schemasState(project)).toEqual(before);
    const right = runCliProcess(['sync', '--version', version, '--from', tarball, '--sha256', releaseSha.toUpperCase()], { cwd: project });
    expect(right.status).toBe(0);
    expect(expectSyncedTo(project, version).sourceSha256).toBe(releaseSha);
  });

  it('reads a tarball whose root is the schema tree', () => {
    const staging = stageSchemaTree(makeTempDir(), version, 'tree');
    const tarball = join(staging, 'tree.tgz');
    createTar({ gzip: true, file: tarball, cwd: join(staging, 'tree'), sync: true }, ['.']);
    const project = makeProject();
    const run = runCliProcess(['sync', '--version', version, '--from', tarball], { cwd: project });
    expect(run.status).toBe(0);
    expectSyncedTo(project, version);
  });

  it.each([
    ['a ".." entry', [{ path: 'adcp-3.0.26/schemas/index.json', body: '{}' }, { path: 'adcp-3.0.26/../../evil.json', body: '{}' }], /"adcp-3\.0\.26\/\.\.\/\.\.\/evil\.json" \("\.\." path segment\)/],
    ['an absolute entry', [{ path: '/tmp/evil.json', body: '{}' }], /"\/tmp\/evil\.json" \(absolute path\)/],
    ['a symlink entry', [{ path: 'schemas/core', type: 'SymbolicLink' as const, linkpath: '/etc' }], /"schemas\/core" \(symbolic link\)/],
    ['a hard link entry', [{ path: 'schemas/index.json', type: 'Link' as const, linkpath: '../../etc/passwd' }], /"schemas\/index\.json" \(hard link\)/],
  ])('rejects a tarball with %s and changes nothing', (_name, entries, message) => {
    const project = makeSmallProject();
    const tarball = join(makeTempDir(), 'evil.tgz');
    writeFileSync(tarball, rawTarball(entries));
    const before = schemasState(project);
    const run = runCliProcess(['sync', '--version', version, '--from', tarball], { cwd: project });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain(tarball);
    expect(schemasState(project)).toEqual(before);
  });

  it.each([
    ['a version missing from a folder of versions', ['--version', '9.9.9', '--from', sharedSchemas], /AdCP 9\.9\.9 not found/],
    ['a tree of another version', ['--version', '3.1.19', '--from', join(sharedSchemas, version)], /index\.json: adcp_version is "3\.0\.26", expected "3\.1\.19"/],
    ['a malformed version', ['--version', '3.1/../x'], /not an AdCP release version/],
    ['a missing source', ['--version', version, '--from', '/nonexistent/adcp'], /\/nonexistent\/adcp: sync source not found/],
  ])('fails on %s with exit 2 and changes nothing', (_name, args, message) => {
    const project = makeSmallProject();
    const before = schemasState(project);
    const run = runCliProcess(['sync', ...args], { cwd: project });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(schemasState(project)).toEqual(before);
  });

  it('rejects a tree whose $ref does not resolve', () => {
    const staging = stageSchemaTree(makeTempDir(), version, 'tree');
    const payload = join(staging, 'tree', 'core', 'mcp-webhook-payload.json');
    writeFileSync(payload, readFileSync(payload, 'utf8').replace('/schemas/3.0.26/enums/task-type.json', '/schemas/3.0.26/enums/nope.json'));
    const project = makeSmallProject();
    const before = schemasState(project);
    const run = runCliProcess(['sync', '--version', version, '--from', join(staging, 'tree')], { cwd: project });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('core/mcp-webhook-payload.json: $ref "/schemas/3.0.26/enums/nope.json" does not resolve');
    expect(schemasState(project)).toEqual(before);
  });

  it('rejects a truncated local tarball', () => {
    const tarball = join(makeTempDir(), `${version}.tgz`);
    writeFileSync(tarball, releaseTgz.subarray(0, Math.floor(releaseTgz.length / 2)));
    const project = makeSmallProject();
    const before = schemasState(project);
    const run = runCliProcess(['sync', '--version', version, '--from', tarball], { cwd: project });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/not a readable tarball \(zlib: unexpected end of file\)/);
    expect(schemasState(project)).toEqual(before);
  });
});

describe('adcp-codegen sync from a URL', () => {
  let server: ReleaseServer;

  beforeAll(async () => {
    const evilTgz = rawTarball([{ path: `adcp-${version}/schemas/../../../evil.json`, body: '{}' }]);
    const cut: Route = { kind: 'cut', body: releaseTgz, sent: Math.floor(releaseTgz.length / 3) };
    server = await startReleaseServer(
      new Map<string, Route>([
        [`/protocol/${version}.tgz`, { kind: 'file', body: releaseTgz }],
        [`/protocol/${version}.tgz.sha256`, { kind: 'file', body: `${releaseSha}  ${version}.tgz\n` }],
        [`/tampered/${version}.tgz`, { kind: 'file', body: releaseTgz }],
        [`/tampered/${version}.tgz.sha256`, { kind: 'file', body: `${'0'.repeat(64)}  ${version}.tgz\n` }],
        [`/cut/${version}.tgz`, cut],
        [`/cut/${version}.tgz.sha256`, { kind: 'file', body: `${releaseSha}  ${version}.tgz\n` }],
        [`/nosum/${version}.tgz`, { kind: 'file', body: releaseTgz }],
        [`/evil/${version}.tgz`, { kind: 'file', body: evilTgz }],
        [`/evil/${version}.tgz.sha256`, { kind: 'file', body: `${sha256(evilTgz)}  ${version}.tgz\n` }],
      ]),
    );
  });
  afterAll(() => server.close());

  it('downloads <base>/<v>.tgz, verifies it against <v>.tgz.sha256 and swaps it in', async () => {
    const project = makeProject();
    const run = await runCliProcessAsync(['sync', '--version', version, '--from', `${server.baseUrl}/protocol/?token=secret`], {
      cwd: project,
      env: { CI: 'true' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lock = expectSyncedTo(project, version);
    expect(lock.source).toBe(`${server.baseUrl}/protocol/${version}.tgz`);
    expect(lock.sourceSha256).toBe(releaseSha);
    expect(run.stdout).not.toContain('secret');
    expect(server.requests).toContain(`/protocol/${version}.tgz.sha256?token=secret`);
  });

  it.concurrent.each([
    ['a checksum mismatch', 'tampered', /sha256 mismatch \(downloaded [0-9a-f]{64}, checksum file says 0{64}\)/],
    ['a download cut short', 'cut', /tgz: download cut short after \d+ of \d+ bytes/],
    ['a release that does not exist', 'missing', /missing\/3\.0\.26\.tgz: not found \(HTTP 404\)/],
    ['a missing checksum file', 'nosum', /3\.0\.26\.tgz\.sha256: not found \(HTTP 404\)/],
    ['a path-traversal entry', 'evil', /evil\/3\.0\.26\.tgz: rejected tarball entry ".*\.\.\/evil\.json" \("\.\." path segment\)/],
  ])('fails on %s with exit 2 and changes nothing', async (_name, prefix, message) => {
    const project = makeSmallProject();
    const before = schemasState(project);
    const from = `http://reader:hunter2@${server.baseUrl.slice('http://'.length)}/${prefix}/${version}.tgz?token=hunter3`;
    const run = await runCliProcessAsync(['sync', '--version', version, '--from', from], { cwd: project });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/hunter[23]/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(schemasState(project)).toEqual(before);
  });
});
