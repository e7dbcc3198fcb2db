// `adcp-codegen diff` reading tarballs: a local release tarball and the same tarball over HTTP on loopback.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestPointerRoute, releaseRoutes } from '../cache/fixtures.js';
import { startReleaseServer, type ReleaseServer, type Route } from '../cache/release-server.js';
import { runCliOnTty, runCliProcess, runCliProcessAsync, ttyAvailable } from '../helpers/cli.js';
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

  describe('from a release site on loopback', () => {
    let server: ReleaseServer;

    beforeAll(async () => {
      server = await startReleaseServer(new Map<string, Route>([latestPointerRoute('3.1.19'), ...releaseRoutes('/protocol', '3.1.19', readFileSync(tarball))]));
    });
    afterAll(() => server.close());

    it('downloads a tarball URL (quietly: not a TTY) and finds no change against the same release on disk', async () => {
      const run = await runCliProcessAsync(['diff', '--from', `${shared}/3.1.19`, '--to', `${server.baseUrl}/protocol/3.1.19.tgz`]);
      expect(run.status).toBe(0);
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`to   ${server.baseUrl}/protocol/3.1.19.tgz`);
      expect(run.stdout).toContain('Verdict: no changes');
    });

    it('reads a bare version and "latest" from the site named by --base-url', async () => {
      const run = await runCliProcessAsync(['diff', '--from', '3.1.19', '--to', 'latest', '--base-url', server.baseUrl, '--json']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as { verdict: string; to: { source: string; adcpVersion: string } };
      expect(report.verdict).toBe('no changes');
      expect(report.to).toEqual({ source: `${server.baseUrl}/protocol/3.1.19.tgz`, adcpVersion: '3.1.19' });
      expect(server.requests).toContain('/schemas/latest.json');
    });

    it.skipIf(!ttyAvailable)('draws download and extraction progress on a terminal, and none when CI is set', async () => {
      const args = ['diff', '--from', `${shared}/3.1.19`, '--to', `${server.baseUrl}/protocol/3.1.19.tgz`];
      const [onTty, underCi] = await Promise.all([runCliOnTty(args), runCliOnTty(args, { env: { CI: 'true', NO_COLOR: '1' } })]);
      expect(onTty.status).toBe(0);
      expect(onTty.stdout).toMatch(/\r\u001b\[2Kdownloading release +\d+%/);
      expect(onTty.stdout).toMatch(/\r\u001b\[2Kextracting release: file \d+/);
      expect(underCi.status).toBe(0);
      expect(underCi.stdout).toContain('Verdict: no changes');
      expect(underCi.stdout).not.toMatch(/downloading|extracting|\u001b/);
    });
  });
});
