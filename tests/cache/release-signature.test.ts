// The verifier against a real AdCP release certificate (3.0.26's .crt and .sig as published in
// dist/protocol/ of adcontextprotocol/adcp) and the embedded Sigstore public-good trust root.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheError } from '../../codegen/cache/cache-error.js';
import { parseCertificate, verifyReleaseSignature, type SignatureSidecars } from '../../codegen/cache/release-signature.js';
import { loadSigstoreTrust, parseSigstoreTrust } from '../../codegen/cache/sigstore-trust.js';
import { makeTempDir, removeTempDirs } from './fixtures.js';
import { mintCa, trustedRootJson } from './sigstore-ca.js';

const fixture = (name: string) => readFileSync(new URL(`./sigstore/${name}`, import.meta.url), 'utf8');
const real: SignatureSidecars = {
  signature: fixture('real-3.0.26.tgz.sig'),
  signatureLabel: '3.0.26.tgz.sig',
  certificate: fixture('real-3.0.26.tgz.crt'),
  certificateLabel: '3.0.26.tgz.crt',
};

afterAll(removeTempDirs);

describe('a real AdCP release certificate', () => {
  it('chains to the embedded public-good root and names the release workflow; only the bytes are wrong', async () => {
    // Chain, usage, identity and issuer are checked before the signature: reaching the signature check
    // with the real .crt proves the first four accept what AdCP actually publishes.
    const notTheTarball = join(makeTempDir(), '3.0.26.tgz');
    writeFileSync(notTheTarball, 'not the 3.0.26 tarball');
    const verifying = verifyReleaseSignature(notTheTarball, '3.0.26.tgz', real, await loadSigstoreTrust());
    await expect(verifying).rejects.toThrow(CacheError);
    await expect(verifying).rejects.toMatchObject({ code: 'ADCP_CACHE_SIGNATURE_INVALID' });
    await expect(verifying).rejects.toThrow(/^3\.0\.26\.tgz: Sigstore signature refused: 3\.0\.26\.tgz\.sig does not match the tarball's bytes$/);
  });

  it('refuses bytes other than the ones whose sha256 was checked', async () => {
    const file = join(makeTempDir(), '3.0.26.tgz');
    writeFileSync(file, 'swapped after the checksum');
    const verifying = verifyReleaseSignature(file, '3.0.26.tgz', real, await loadSigstoreTrust(), { sha256: '0'.repeat(64) });
    await expect(verifying).rejects.toThrow(/: tarball changed while it was being read \(sha256 [0-9a-f]{64}, was 0{64}\)$/);
  });

  it('is refused against a trust root that does not hold the Fulcio CA', async () => {
    const file = join(makeTempDir(), 'x.tgz');
    writeFileSync(file, 'x');
    const trust = parseSigstoreTrust(JSON.parse(trustedRootJson([await mintCa('other')])), 'test root');
    await expect(verifyReleaseSignature(file, 'x.tgz', real, trust)).rejects.toThrow(/certificate is not issued by a CA of test root$/);
  });

  it('reads the certificate as PEM, base64 of PEM (cosign sign-blob) and base64 of DER', () => {
    const pem = parseCertificate(real.certificate, 'crt');
    const der = pem.root.toDER();
    expect(parseCertificate(Buffer.from(real.certificate).toString('base64'), 'crt').equals(pem)).toBe(true);
    expect(parseCertificate(der.toString('base64'), 'crt').equals(pem)).toBe(true);
    expect(() => parseCertificate('', 'crt')).toThrow(/^crt: not base64$/);
    expect(() => parseCertificate('AAAA', 'crt')).toThrow(expect.objectContaining({ code: 'ADCP_CACHE_SIGNATURE_INVALID' }));
  });
});
