// `--from`/`--to` sources: directory layouts, local tarballs (strict entries, optional .sha256), tarball URLs
// served on loopback, and the bad-input errors for each.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { openSnapshot, resolveSnapshotSource, SnapshotError } from '../../codegen/diff/index.js';
import { rawTarball, sha256 } from '../cache/fixtures.js';
import { startReleaseServer } from '../cache/release-server.js';
import { sharedSchemasRoot } from '../helpers/shared.js';

const shared = sharedSchemasRoot;
const work = mkdtempSync(join(tmpdir(), 'adcp-diff-sources-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A release-shaped tarball: adcp-<v>/manifest.json beside adcp-<v>/schemas/ (only the files the diff needs). */
async function releaseTarball(version: string): Promise<Buffer> {
  const stage = join(work, `stage-${version}`);
  const root = join(stage, `adcp-${version}`);
  for (const dir of ['core', 'enums']) {
    mkdirSync(join(root, 'schemas', dir), { recursive: true });
  }
  for (const file of ['core/mcp-webhook-payload.json', 'core/push-notification-config.json', 'enums/task-type.json']) {
    cpSync(join(shared, version, file), join(root, 'schemas', file));
  }
  cpSync(join(shared, version, 'manifest.json'), join(root, 'manifest.json'));
  const path = join(work, `${version}.tgz`);
  await create({ gzip: true, cwd: stage, file: path, portable: true }, [`adcp-${version}`]);
  return (await import('node:fs')).readFileSync(path);
}

async function expectBadInput(promise: Promise<unknown>, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SnapshotError);
  expect((error as Error).message).toMatch(message);
}

describe('directories', () => {
  it('opens a version root, a folder holding schemas/, and a folder holding one release folder', async () => {
    const direct = await openSnapshot(join(shared, '3.1.19'));
    expect(direct.adcpVersion).toBe('3.1.19');
    const nested = join(work, 'nested');
    cpSync(join(shared, '3.0.26'), join(nested, 'adcp-3.0.26', 'schemas'), { recursive: true });
    expect((await openSnapshot(nested)).adcpVersion).toBe('3.0.26');
    expect((await openSnapshot('adcp-3.0.26', { cwd: nested })).adcpVersion).toBe('3.0.26');
  });

  it('rejects a missing path and a directory that is not a schema tree, naming it', async () => {
    await expectBadInput(openSnapshot(join(work, 'no-such-dir')), /no-such-dir: schema source not found/);
    mkdirSync(join(work, 'empty'));
    await expectBadInput(openSnapshot(join(work, 'empty')), /empty: not an AdCP schema snapshot/);
  });

  it('rejects a snapshot whose envelope is not JSON, naming the file', async () => {
    const broken = join(work, 'broken');
    cpSync(join(shared, '3.1.19'), broken, { recursive: true });
    writeFileSync(join(broken, 'core', 'mcp-webhook-payload.json'), '{ not json');
    await expectBadInput(openSnapshot(broken), /core\/mcp-webhook-payload\.json is not valid JSON/);
  });
});

describe('local tarballs', () => {
  it('reads a release tarball in memory, with manifest.json beside schemas/', async () => {
    writeFileSync(join(work, 'local-3.1.19.tgz'), await releaseTarball('3.1.19'));
    const snapshot = await openSnapshot(join(work, 'local-3.1.19.tgz'));
    expect(snapshot.adcpVersion).toBe('3.1.19');
    expect(snapshot.has('core/mcp-webhook-payload.json')).toBe(true);
  });

  it('checks a .sha256 published beside the tarball', async () => {
    const archive = await releaseTarball('3.0.26');
    const path = join(work, 'checked-3.0.26.tgz');
    writeFileSync(path, archive);
    writeFileSync(`${path}.sha256`, `${sha256(archive)}  checked-3.0.26.tgz\n`);
    expect((await openSnapshot(path)).adcpVersion).toBe('3.0.26');
    writeFileSync(`${path}.sha256`, `${'0'.repeat(64)}  checked-3.0.26.tgz\n`);
    await expectBadInput(openSnapshot(path), /sha256 mismatch/);
  });

  it('rejects archives with `..` paths or links, and files that are not tarballs', async () => {
    const escaping = join(work, 'escaping.tgz');
    writeFileSync(escaping, rawTarball([{ path: '../evil.json', body: '{}' }]));
    await expectBadInput(openSnapshot(escaping), /rejected tarball entry "\.\.\/evil\.json"/);
    const linked = join(work, 'linked.tgz');
    writeFileSync(linked, rawTarball([{ path: 'enums', type: 'SymbolicLink', linkpath: '/etc' }]));
    await expectBadInput(openSnapshot(linked), /symbolic link/);
    const text = join(work, 'not-a-tarball.tgz');
    writeFileSync(text, 'hello');
    await expectBadInput(openSnapshot(text), /not-a-tarball\.tgz/);
  });
});

describe('URLs', () => {
  it('downloads a tarball URL, verifies the published .sha256, and keeps the query string out of the label', async () => {
    const archive = await releaseTarball('3.2.0-beta.5');
    const server = await startReleaseServer(
      new Map([
        ['/protocol/3.2.0-beta.5.tgz', { kind: 'file', body: archive }],
        ['/protocol/3.2.0-beta.5.tgz.sha256', { kind: 'file', body: `${sha256(archive)}  3.2.0-beta.5.tgz\n` }],
        ['/bad/3.2.0-beta.5.tgz', { kind: 'file', body: archive }],
        ['/bad/3.2.0-beta.5.tgz.sha256', { kind: 'file', body: `${'f'.repeat(64)}  3.2.0-beta.5.tgz\n` }],
      ]),
    );
    try {
      const snapshot = await openSnapshot(`${server.baseUrl}/protocol/3.2.0-beta.5.tgz?token=secret-value`);
      expect(snapshot.adcpVersion).toBe('3.2.0-beta.5');
      expect(snapshot.label).toBe(`${server.baseUrl}/protocol/3.2.0-beta.5.tgz`);
      expect(server.requests).toContain('/protocol/3.2.0-beta.5.tgz.sha256?token=secret-value');
      await expectBadInput(openSnapshot(`${server.baseUrl}/bad/3.2.0-beta.5.tgz`), /sha256 mismatch/);
      await expectBadInput(openSnapshot(`${server.baseUrl}/missing/3.1.19.tgz?token=secret-value`), /HTTP 404/);
      await expectBadInput(openSnapshot(`${server.baseUrl}/protocol/`), /must name a release tarball/);
    } finally {
      await server.close();
    }
  });

  it('keeps secrets out of download errors', async () => {
    const server = await startReleaseServer(new Map());
    try {
      const error = await openSnapshot(`${server.baseUrl}/x/3.1.19.tgz?token=secret-value`).catch((e: unknown) => e);
      expect(String((error as Error).message)).not.toContain('secret-value');
    } finally {
      await server.close();
    }
  });

  it('reads a bare release version that is not a path as the published release tarball (no request made here)', async () => {
    const source = await resolveSnapshotSource('3.2.0-beta.5', work);
    expect(source).toEqual({ kind: 'url', url: new URL('https://adcontextprotocol.org/protocol/3.2.0-beta.5.tgz') });
  });
});
