// `sync` verifies a release's Sigstore signature (.sig + .crt) before trusting it: real CLI child
// processes against a loopback release server, with a Fulcio stand-in CA minted offline and handed to
// the CLI as a trusted-root file.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, runCliProcessAsync } from '../helpers/cli.js';
import { lockFileName, makeSmallProject, makeTempDir, readJson, releaseTarball, removeTempDirs, sha256, sharedSchemas, snapshotTree } from './fixtures.js';
import { startReleaseServer, type ReleaseServer, type Route } from './release-server.js';
import { GITHUB_ISSUER, mintCa, mintSigner, RELEASE_IDENTITY, trustedRootJson, type Signer } from './sigstore-ca.js';

const version = '3.0.26';
const YEAR = 365 * 24 * 3_600_000;
let server: ReleaseServer;
let trustedRoot: string;
let releaseTgz: Buffer;
let goodSigner: Signer;

/** cache + lock of a project: a refused sync must leave exactly this in place. */
const schemasState = (project: string) => snapshotTree(join(project, 'schemas'));

interface Published {
  readonly tarball?: Buffer;
  readonly sig?: string;
  readonly crt?: string;
}

function releaseRoutes(prefix: string, release: Published): Array<[string, Route]> {
  const tarball = release.tarball ?? releaseTgz;
  const routes: Array<[string, Route]> = [
    [`/${prefix}/${version}.tgz`, { kind: 'file', body: tarball }],
    [`/${prefix}/${version}.tgz.sha256`, { kind: 'file', body: `${sha256(tarball)}  ${version}.tgz\n` }],
  ];
  if (release.sig !== undefined) routes.push([`/${prefix}/${version}.tgz.sig`, { kind: 'file', body: release.sig }]);
  if (release.crt !== undefined) routes.push([`/${prefix}/${version}.tgz.crt`, { kind: 'file', body: release.crt }]);
  return routes;
}

/** cosign's `sign-blob --output-certificate` form of a certificate: base64 of its PEM. */
const cosignCrt = (signer: Signer) => Buffer.from(signer.certificatePem).toString('base64');
const signed = (signer: Signer, tarball = releaseTgz): Published => ({ sig: signer.sign(tarball), crt: cosignCrt(signer) });

function sync(prefix: string, project: string, extra: readonly string[] = ['--trusted-root', trustedRoot]) {
  return runCliProcessAsync(['sync', '--version', version, '--from', `${server.baseUrl}/${prefix}/`, ...extra], { cwd: project });
}

beforeAll(async () => {
  releaseTgz = releaseTarball(version);
  const now = Date.now();
  const [good, rogue, lapsed, retired] = await Promise.all([
    mintCa('good'),
    mintCa('rogue'),
    mintCa('lapsed', { intermediate: { notBefore: new Date(now - 3 * YEAR), notAfter: new Date(now - 2 * YEAR) } }),
    mintCa('retired', { validFor: { start: new Date(now - 3 * YEAR), end: new Date(now - 2 * YEAR) } }),
  ]);
  trustedRoot = join(makeTempDir(), 'trusted_root.json');
  writeFileSync(trustedRoot, trustedRootJson([good, lapsed, retired]));
  goodSigner = await mintSigner(good);
  const signers = {
    otherRepo: await mintSigner(good, { identity: 'https://github.com/attacker/adcp/.github/workflows/release.yml@refs/heads/main' }),
    otherWorkflow: await mintSigner(good, { identity: 'https://github.com/adcontextprotocol/adcp/.github/workflows/ci.yml@refs/heads/main' }),
    prefixed: await mintSigner(good, { identity: `${RELEASE_IDENTITY.replace('https://', 'https://evil.test/')}` }),
    wrongIssuer: await mintSigner(good, { issuer: 'https://accounts.google.com' }),
    rogue: await mintSigner(rogue),
    lapsed: await mintSigner(lapsed),
    retired: await mintSigner(retired),
    future: await mintSigner(good, { notBefore: new Date(now + 24 * 3_600_000) }),
    serverAuth: await mintSigner(good, { extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] }),
    old: await mintSigner(good, { notBefore: new Date(now - 2 * 3_600_000) }),
  };
  // Same archive contents, different bytes (recompressed), with a matching .sha256: only the signature can tell.
  const tampered = gzipSync(gunzipSync(releaseTgz), { level: 1 });
  server = await startReleaseServer(
    new Map<string, Route>([
      ...releaseRoutes('signed', signed(goodSigner)),
      ...releaseRoutes('old', signed(signers.old)),
      ...releaseRoutes('unsigned', {}),
      ...releaseRoutes('tampered', { tarball: tampered, ...signed(goodSigner) }),
      ...releaseRoutes('other-repo', signed(signers.otherRepo)),
      ...releaseRoutes('other-workflow', signed(signers.otherWorkflow)),
      ...releaseRoutes('prefixed', signed(signers.prefixed)),
      ...releaseRoutes('wrong-issuer', signed(signers.wrongIssuer)),
      ...releaseRoutes('rogue', signed(signers.rogue)),
      ...releaseRoutes('lapsed', signed(signers.lapsed)),
      ...releaseRoutes('retired', signed(signers.retired)),
      ...releaseRoutes('future', signed(signers.future)),
      ...releaseRoutes('server-auth', signed(signers.serverAuth)),
      ...releaseRoutes('swapped-key', { sig: signers.old.sign(releaseTgz), crt: cosignCrt(goodSigner) }),
      ...releaseRoutes('sig-only', { sig: goodSigner.sign(releaseTgz) }),
      ...releaseRoutes('crt-only', { crt: cosignCrt(goodSigner) }),
      ...releaseRoutes('cut-crt', { sig: goodSigner.sign(releaseTgz) }),
      [`/cut-crt/${version}.tgz.crt`, { kind: 'cut', body: Buffer.from(cosignCrt(goodSigner)), sent: 100 }],
      ...releaseRoutes('garbled-sig', { sig: 'not base64 at all!', crt: cosignCrt(goodSigner) }),
      ...releaseRoutes('garbled-crt', { sig: goodSigner.sign(releaseTgz), crt: Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('base64') }),
    ]),
  );
}, 60_000);

afterAll(async () => {
  await server?.close();
  removeTempDirs();
});

describe('sync verifies a published Sigstore signature', () => {
  it('accepts a release signed by the AdCP release workflow, and says who signed it', async () => {
    const project = makeSmallProject();
    const run = await sync('signed', project);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`sync: Sigstore signature verified: ${RELEASE_IDENTITY} (issuer ${GITHUB_ISSUER})`);
    expect(readJson(join(project, 'schemas', lockFileName)).adcpVersion).toBe(version);
    expect(server.requests).toEqual(expect.arrayContaining([`/signed/${version}.tgz.sig`, `/signed/${version}.tgz.crt`]));
  });

  it('judges a long-expired ten-minute certificate at its issuance (no trusted signing time offline)', async () => {
    const run = await sync('old', makeSmallProject());
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it.concurrent.each([
    ['a tampered tarball (matching .sha256)', 'tampered', /tampered\/3\.0\.26\.tgz: Sigstore signature refused: .*tampered\/3\.0\.26\.tgz\.sig does not match the tarball's bytes$/],
    ['a signature by another key', 'swapped-key', /Sigstore signature refused: .*\.sig does not match the tarball's bytes$/],
    ['another repository', 'other-repo', /certificate identity "https:\/\/github\.com\/attacker\/adcp\/.*" is not the AdCP release workflow/],
    ['another workflow', 'other-workflow', /certificate identity ".*\/workflows\/ci\.yml@refs\/heads\/main" is not the AdCP release workflow/],
    ['an identity that merely contains the workflow URL', 'prefixed', /certificate identity "https:\/\/evil\.test\/github\.com\/.*" is not the AdCP release workflow/],
    ['another OIDC issuer', 'wrong-issuer', /certificate OIDC issuer "https:\/\/accounts\.google\.com" is not https:\/\/token\.actions\.githubusercontent\.com$/],
    ['a certificate from an untrusted CA', 'rogue', /Sigstore signature refused: certificate is not issued by a CA of .*trusted_root\.json$/],
    ['a certificate from an expired CA certificate', 'lapsed', /certificate issued .*: its CA certificate "lapsed-intermediate" had expired \(/],
    ['a CA used outside its trust-root period', 'retired', /certificate issued .*, outside the period its CA is trusted for by .*trusted_root\.json/],
    ['a certificate not yet valid', 'future', /Sigstore signature refused: certificate is not valid before .* \(in the future\)$/],
    ['a certificate not issued for code signing', 'server-auth', /certificate is not issued for code signing/],
    ['a .sig without its .crt', 'sig-only', /Sigstore signature refused: .*\.tgz\.sig is published without .*\.tgz\.crt$/],
    ['a .crt without its .sig', 'crt-only', /Sigstore signature refused: .*\.tgz\.crt is published without .*\.tgz\.sig$/],
    ['a .crt that cannot be downloaded (not the same as unpublished)', 'cut-crt', /cut-crt\/3\.0\.26\.tgz\.crt: download cut short after 100 of \d+ bytes/],
    ['a .sig that is not base64', 'garbled-sig', /garbled-sig\/3\.0\.26\.tgz\.sig: not base64$/],
    ['a .crt that is not a certificate', 'garbled-crt', /garbled-crt\/3\.0\.26\.tgz\.crt: not an X\.509 certificate$/],
  ])('refuses %s with exit 2, one line, and the cache untouched', async (_name, prefix, message) => {
    const project = makeSmallProject();
    const before = schemasState(project);
    const run = await sync(prefix, project);
    expect(run.stderr.trim()).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(schemasState(project)).toEqual(before);
  });

  it('checks against the Sigstore public-good root by default, which did not issue the test certificates', async () => {
    const project = makeSmallProject();
    const before = schemasState(project);
    const run = await sync('signed', project, []);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/certificate is not issued by a CA of the Sigstore public-good trust root$/);
    expect(schemasState(project)).toEqual(before);
  });
});

describe('sync without a published signature', () => {
  it('accepts checksum-only trust with one loud warning on stderr', async () => {
    const project = makeSmallProject();
    const run = await sync('unsigned', project);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe(
      `sync: warning: ${server.baseUrl}/unsigned/${version}.tgz has no Sigstore signature (.sig/.crt not published): ` +
        'checksum-only trust, the publisher is NOT verified (pass --require-signature to refuse unsigned releases)\n',
    );
    expect(run.stdout).not.toContain('signature verified');
    expect(readJson(join(project, 'schemas', lockFileName)).adcpVersion).toBe(version);
  });

  it('refuses it under --require-signature with exit 2 and the cache untouched', async () => {
    const project = makeSmallProject();
    const before = schemasState(project);
    const run = await sync('unsigned', project, ['--require-signature', '--trusted-root', trustedRoot]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      `adcp-codegen: ${server.baseUrl}/unsigned/${version}.tgz: no Sigstore signature published (${server.baseUrl}/unsigned/${version}.tgz.sig and ` +
        `${server.baseUrl}/unsigned/${version}.tgz.crt not found); --require-signature refuses checksum-only trust`,
    );
    expect(schemasState(project)).toEqual(before);
  });

  it('accepts a signed release under --require-signature', async () => {
    const run = await sync('signed', makeSmallProject(), ['--require-signature', '--trusted-root', trustedRoot]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('sync from local sources', () => {
  it('verifies <tarball>.sig and <tarball>.crt (plain PEM, as AdCP publishes it) beside a local tarball', () => {
    const dir = makeTempDir();
    const tarball = join(dir, `${version}.tgz`);
    writeFileSync(tarball, releaseTgz);
    writeFileSync(`${tarball}.sig`, `${goodSigner.sign(releaseTgz)}\n`);
    writeFileSync(`${tarball}.crt`, goodSigner.certificatePem);
    const ok = runCliProcess(['sync', '--version', version, '--from', tarball, '--trusted-root', trustedRoot], { cwd: makeSmallProject() });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Sigstore signature verified');

    writeFileSync(tarball, gzipSync(gunzipSync(releaseTgz), { level: 9 }));
    const project = makeSmallProject();
    const before = schemasState(project);
    const tampered = runCliProcess(['sync', '--version', version, '--from', tarball, '--trusted-root', trustedRoot], { cwd: project });
    expect(tampered.status).toBe(2);
    expect(tampered.stderr.trim()).toBe(`adcp-codegen: ${tarball}: Sigstore signature refused: ${tarball}.sig does not match the tarball's bytes`);
    expect(schemasState(project)).toEqual(before);
  });

  it('refuses a schema directory under --require-signature (it carries no signature)', () => {
    const project = makeSmallProject();
    const before = schemasState(project);
    const run = runCliProcess(['sync', '--version', version, '--from', join(sharedSchemas, version), '--require-signature'], { cwd: project });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toMatch(/a schema directory carries no Sigstore signature \(--require-signature needs a signed release tarball\)$/);
    expect(schemasState(project)).toEqual(before);
  });

  it('refuses an unreadable or malformed --trusted-root before downloading anything', async () => {
    const garbled = join(makeTempDir(), 'root.json');
    writeFileSync(garbled, '{"certificateAuthorities": []}');
    const missing = await sync('signed', makeSmallProject(), ['--trusted-root', '/nonexistent/root.json']);
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim()).toBe('adcp-codegen: /nonexistent/root.json: cannot read trusted root (ENOENT)');
    const empty = await sync('signed', makeSmallProject(), ['--trusted-root', garbled]);
    expect(empty.status).toBe(2);
    expect(empty.stderr.trim()).toBe(`adcp-codegen: ${garbled}: trusted root lists no certificate authority`);
  });
});
