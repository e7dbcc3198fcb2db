// `adcp-codegen diff` reading tarballs: a local release tarball and the same tarball over HTTP on loopback.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../cache/fixtures.js';
import { startReleaseServer } from '../cache/release-server.js';
import { runCliProcess, runCliProcessAsync } from '../helpers/cli.js';
import { sharedSchemasRoot } from '../helpers/shared.js';

const shared = sharedSchemasRoot;
const work = mkdtempSync(join(tmpdir(), 'adcp-diff-cli-'));
const tarball = join(work, '3.1.19.tgz');

beforeAll(async () => {
  // The layout of a published release tarball's schema folder: adcp-<v>/schemas/…
  const release = join(shared, '3.1.19');
  await create({ gzip: true, cwd: release, file: tarball, portable: true, prefix: 'adcp-3.1.19/schemas' }, readdirSync(release));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('adcp-codegen diff with tarball sources', () => {
  it('diffs a local tarball against a directory', () => {
    const run = runCliProcess(['diff', '--from', tarball, '--to', `${shared}/3.2.0-beta.5`, '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as { from: { source: string; adcpVersion: string }; taskTypes: { added: string[] } };
    expect(report.from).toEqual({ source: tarball, adcpVersion: '3.1.19' });
    expect(report.taskTypes.added).toHaveLength(9);
  });

  it('downloads a tarball URL (quietly: not a TTY) and finds no change against the same release on disk', async () => {
    const archive = readFileSync(tarball);
    const server = await startReleaseServer(
      new Map([
        ['/protocol/3.1.19.tgz', { kind: 'file', body: archive }],
        ['/protocol/3.1.19.tgz.sha256', { kind: 'file', body: `${sha256(archive)}  3.1.19.tgz\n` }],
      ]),
    );
    try {
      const run = await runCliProcessAsync(['diff', '--from', `${shared}/3.1.19`, '--to', `${server.baseUrl}/protocol/3.1.19.tgz`]);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`to   ${server.baseUrl}/protocol/3.1.19.tgz`);
      expect(run.stdout).toContain('Verdict: no changes');
    } finally {
      await server.close();
    }
  });
});
