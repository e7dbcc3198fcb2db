import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliOnTty, runCliProcess, runCliProcessAsync, ttyAvailable } from '../helpers/cli.js';
import {
  lockFileName,
  makeProject,
  makeSmallProject,
  makeTempDir,
  rawTarball,
  readJson,
  releaseRoutes,
  releaseTarball,
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

/** The warning of a release published without .sig/.crt (signed releases: tests/cache/sync-signature.test.ts). */
function unsignedWarning(label: string): string {
  return (
    `sync: warning: ${label} has no Sigstore signature (.sig/.crt not published): ` +
    'checksum-only trust, the publisher is NOT verified (pass --require-signature to refuse unsigned releases)'
  );
}

beforeAll(() => {
  releaseTgz = releaseTarball(version);
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
    expect(run.stderr).toBe(`${unsignedWarning(tarball)}\n`);
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

  describe('replaces only a schema cache and a lock: any other target is refused, named, and left as it was', () => {
    function projectWithDocs(): string {
      const project = makeSmallProject();
      mkdirSync(join(project, 'docs'));
      writeFileSync(join(project, 'docs', 'design.md'), '# Design\n');
      writeFileSync(join(project, 'docs', 'schema.json'), '{}\n');
      return project;
    }

    it.each([
      ['a folder of documents as --schemas', ['--schemas', 'docs'], /docs: not a schema cache \(design\.md is not a schema file\)/],
      ['a folder of JSON without an AdCP index as --schemas', ['--schemas', 'docs/json-only'], /json-only: not a schema cache \(no index\.json at its root\)/],
      ['a file as --schemas', ['--schemas', 'docs/design.md'], /design\.md: not a schema cache \(not a directory\)/],
      ['a document as --lock', ['--lock', 'docs/design.md'], /design\.md: not a schema lock file \(not JSON\)/],
      ['a JSON file of another kind as --lock', ['--lock', 'docs/schema.json'], /schema\.json: not a schema lock file \(malformed lock file/],
    ])('%s', (_name, args, message) => {
      const project = projectWithDocs();
      mkdirSync(join(project, 'docs', 'json-only'));
      writeFileSync(join(project, 'docs', 'json-only', 'settings.json'), '{"theme":"dark"}\n');
      const before = snapshotTree(project);
      const run = runCliProcess(['sync', '--version', version, '--from', join(sharedSchemas, version), ...args], { cwd: project });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stdout).toBe('');
      expect(snapshotTree(project)).toEqual(before);
    });

    it('fills an empty or new directory and a new lock path', () => {
      const project = projectWithDocs();
      mkdirSync(join(project, 'empty'));
      for (const [schemas, lock] of [['empty', 'empty.lock.json'], ['brand/new/cache', 'brand/new.lock.json']] as const) {
        const run = runCliProcess(['sync', '--version', version, '--from', join(sharedSchemas, version), '--schemas', schemas, '--lock', lock], { cwd: project });
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        expect(readJson<Lock>(join(project, lock)).adcpVersion).toBe(version);
        expect(readJson(join(project, schemas, 'index.json')).adcp_version).toBe(version);
      }
      expect(readFileSync(join(project, 'docs', 'design.md'), 'utf8')).toBe('# Design\n');
    });
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
    expect(run.stderr).toBe(`${unsignedWarning(`${server.baseUrl}/protocol/${version}.tgz`)}\n`);
    expect(server.requests).toContain(`/protocol/${version}.tgz.sig?token=secret`);
    expect(run.status).toBe(0);
    const lock = expectSyncedTo(project, version);
    expect(lock.source).toBe(`${server.baseUrl}/protocol/${version}.tgz`);
    expect(lock.sourceSha256).toBe(releaseSha);
    expect(run.stdout).not.toContain('secret');
    expect(server.requests).toContain(`/protocol/${version}.tgz.sha256?token=secret`);
  });

  it.skipIf(!ttyAvailable)('draws download and extraction progress on a terminal, and none when CI is set', async () => {
    const args = ['sync', '--version', version, '--from', `${server.baseUrl}/protocol/`];
    const [onTty, underCi] = await Promise.all([
      runCliOnTty(args, { cwd: makeSmallProject() }),
      runCliOnTty(args, { cwd: makeSmallProject(), env: { CI: 'true' } }),
    ]);
    expect(onTty.status).toBe(0);
    expect(onTty.stdout).toMatch(/\r\u001b\[2Kdownloading AdCP release +\d+% \([\d.]+ [kM]?B \/ [\d.]+ [kM]?B\)/);
    expect(onTty.stdout).toMatch(/\r\u001b\[2Kextracting AdCP release: file \d+/);
    expect(onTty.stdout).toContain('sync: AdCP 3.0.26');
    expect(underCi.status).toBe(0);
    expect(underCi.stdout).not.toMatch(/downloading|extracting|\u001b/);
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

describe('adcp-codegen sync --version latest', () => {
  let server: ReleaseServer;
  const pointer = (fields: Record<string, unknown>) => JSON.stringify({ channel: 'stable', ...fields });

  beforeAll(async () => {
    const pointers: Array<[string, string]> = [
      // `latest` names a prerelease the site does not even publish: only latest_stable may be used.
      ['good', pointer({ latest: '3.2.0-beta.5', latest_stable: version, path: `/schemas/${version}/` })],
      ['garbled', '{"latest_stable": "3.0.'],
      ['array', '["3.0.26"]'],
      ['missing', pointer({ latest: version })],
      ['number', pointer({ latest_stable: 3.1 })],
      ['traversal', pointer({ latest_stable: '../../../etc/passwd' })],
      ['sneaky', pointer({ latest_stable: '3.0.26/../../x' })],
    ];
    server = await startReleaseServer(
      new Map<string, Route>([
        ...pointers.map(([base, body]): [string, Route] => [`/${base}/schemas/latest.json`, { kind: 'file', body }]),
        ...releaseRoutes('/good/protocol', version, releaseTgz),
      ]),
    );
  });
  afterAll(() => server.close());

  it('resolves latest_stable from <base>/schemas/latest.json and syncs <base>/protocol/<v>.tgz', async () => {
    const project = makeSmallProject();
    const run = await runCliProcessAsync(['sync', '--version', 'latest', '--base-url', `${server.baseUrl}/good/`], { cwd: project });
    expect(run.stderr).toBe(`${unsignedWarning(`${server.baseUrl}/good/protocol/${version}.tgz`)}\n`);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(`sync: latest stable AdCP release is ${version} (${server.baseUrl}/good/schemas/latest.json)`);
    const lock = expectSyncedTo(project, version);
    expect(lock.source).toBe(`${server.baseUrl}/good/protocol/${version}.tgz`);
  });

  it('takes the release site from ADCP_RELEASE_BASE_URL and keeps its query string out of output and lock', async () => {
    const project = makeSmallProject();
    const env = { ADCP_RELEASE_BASE_URL: `${server.baseUrl}/good?token=hunter4` };
    const run = await runCliProcessAsync(['sync', '--version', 'latest'], { cwd: project, env });
    expect(run.status).toBe(0);
    expect(expectSyncedTo(project, version).source).toBe(`${server.baseUrl}/good/protocol/${version}.tgz`);
    expect(run.stdout + readFileSync(join(project, 'schemas', lockFileName), 'utf8')).not.toContain('hunter4');
    expect(server.requests).toContain('/good/schemas/latest.json?token=hunter4');
  });

  it.concurrent.each([
    ['garbled JSON', 'garbled', /garbled\/schemas\/latest\.json: not valid JSON$/],
    ['a pointer that is not an object', 'array', /array\/schemas\/latest\.json: not a latest-release pointer \(expected a JSON object\)$/],
    ['no latest_stable field', 'missing', /missing\/schemas\/latest\.json: no "latest_stable" field$/],
    ['a latest_stable that is not a string', 'number', /"latest_stable" is 3\.1, not an AdCP release version$/],
    ['a path-traversal latest_stable', 'traversal', /"latest_stable" is "\.\.\/\.\.\/\.\.\/etc\/passwd", not an AdCP release version$/],
    ['a version followed by a path', 'sneaky', /"latest_stable" is "3\.0\.26\/\.\.\/\.\.\/x", not an AdCP release version$/],
    ['no pointer published', 'nowhere', /nowhere\/schemas\/latest\.json: not found \(HTTP 404\): no latest-release pointer published there$/],
  ])('fails on %s with exit 2, one line, and changes nothing', async (_name, base, message) => {
    const project = makeSmallProject();
    const before = schemasState(project);
    const run = await runCliProcessAsync(['sync', '--version', 'latest', '--base-url', `${server.baseUrl}/${base}`], { cwd: project });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr.trim()).toMatch(message);
    expect(schemasState(project)).toEqual(before);
    expect(server.requests.some((request) => request.startsWith(`/${base}/protocol/`))).toBe(false);
  });

  it.each([
    ['--base-url', ['--base-url', 'ftp://mirror.example/adcp'], {}, /--base-url: not an http\(s\) URL/],
    ['ADCP_RELEASE_BASE_URL', [], { ADCP_RELEASE_BASE_URL: 'not a url' }, /ADCP_RELEASE_BASE_URL: not a valid URL/],
  ])('refuses a bad release site from %s with exit 2', (_name, args, env, message) => {
    const project = makeSmallProject();
    const run = runCliProcess(['sync', '--version', 'latest', ...args], { cwd: project, env: { ...process.env, NO_COLOR: '1', ...env } });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(message);
  });
});
