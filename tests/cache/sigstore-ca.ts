// A Fulcio stand-in minted offline for the signature tests: a root + intermediate CA published in a
// Sigstore trusted-root JSON, short-lived signing certificates carrying an OIDC identity and issuer,
// and cosign-style detached signatures (`.sig`: base64 DER ECDSA over the blob; `.crt`: PEM).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { KeyObject, randomBytes, sign, webcrypto } from 'node:crypto';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const HOUR = 3_600_000;

export const RELEASE_IDENTITY = 'https://github.com/adcontextprotocol/adcp/.github/workflows/release.yml@refs/heads/3.0.x';
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

export interface TestCa {
  readonly name: string;
  readonly root: x509.X509Certificate;
  readonly intermediate: x509.X509Certificate;
  readonly intermediateKey: CryptoKey;
  /** The period the trusted root says this CA may issue in. */
  readonly validFor: { readonly start: Date; readonly end?: Date | undefined };
}

export interface CaOptions {
  /** Validity of the intermediate certificate (default: a year around now). */
  readonly intermediate?: { readonly notBefore: Date; readonly notAfter: Date };
  readonly validFor?: { readonly start: Date; readonly end?: Date };
}

export async function mintCa(name: string, options: CaOptions = {}): Promise<TestCa> {
  const now = Date.now();
  const rootKeys = await generateKeys();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `O=test, CN=${name}-root`,
    notBefore: new Date(now - 10 * 365 * 24 * HOUR),
    notAfter: new Date(now + 10 * 365 * 24 * HOUR),
    keys: rootKeys,
    signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(true, 1, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const intermediateKeys = await generateKeys();
  const validity = options.intermediate ?? { notBefore: new Date(now - 365 * 24 * HOUR), notAfter: new Date(now + 365 * 24 * HOUR) };
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `O=test, CN=${name}-intermediate`,
    issuer: root.subject,
    ...validity,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const validFor = options.validFor ?? { start: new Date(now - 10 * 365 * 24 * HOUR) };
  return { name, root, intermediate, intermediateKey: intermediateKeys.privateKey, validFor };
}

/** A trusted-root JSON (the format of Sigstore's trusted_root.json) listing `cas`. */
export function trustedRootJson(cas: readonly TestCa[]): string {
  const certificateAuthorities = cas.map((ca) => ({
    subject: { organization: 'test', commonName: ca.name },
    uri: `https://${ca.name}.fulcio.test`,
    certChain: { certificates: [ca.intermediate, ca.root].map((cert) => ({ rawBytes: Buffer.from(cert.rawData).toString('base64') })) },
    validFor: { start: ca.validFor.start.toISOString(), ...(ca.validFor.end === undefined ? {} : { end: ca.validFor.end.toISOString() }) },
  }));
  const root = { mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1', tlogs: [], certificateAuthorities, ctlogs: [], timestampAuthorities: [] };
  return `${JSON.stringify(root, null, 2)}\n`;
}

export interface SigningCertOptions {
  readonly identity?: string;
  /** The OIDC issuer, written in both Fulcio extensions (v1 raw, v2 DER UTF8String). */
  readonly issuer?: string;
  readonly notBefore?: Date;
  /** Default: ten minutes after notBefore, as Fulcio issues them. */
  readonly notAfter?: Date;
  readonly extendedKeyUsage?: readonly string[];
}

export interface Signer {
  /** The certificate as PEM (what `.crt` holds). */
  readonly certificatePem: string;
  /** cosign's `.sig` for `blob`: base64 of a DER ECDSA P-256 / SHA-256 signature. */
  sign(blob: Uint8Array): string;
}

export async function mintSigner(ca: TestCa, options: SigningCertOptions = {}): Promise<Signer> {
  const keys = await generateKeys();
  const notBefore = options.notBefore ?? new Date(Date.now() - 60_000);
  const issuer = Buffer.from(options.issuer ?? GITHUB_ISSUER, 'utf8');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: '',
    issuer: ca.intermediate.subject,
    notBefore,
    notAfter: options.notAfter ?? new Date(notBefore.getTime() + 10 * 60_000),
    publicKey: keys.publicKey,
    signingKey: ca.intermediateKey,
    signingAlgorithm: EC,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([...(options.extendedKeyUsage ?? ['1.3.6.1.5.5.7.3.3'])]),
      new x509.SubjectAlternativeNameExtension([{ type: 'url', value: options.identity ?? RELEASE_IDENTITY }], true),
      new x509.Extension('1.3.6.1.4.1.57264.1.1', false, issuer),
      new x509.Extension('1.3.6.1.4.1.57264.1.8', false, Buffer.concat([Buffer.from([0x0c, issuer.length]), issuer])),
    ],
  });
  const privateKey = KeyObject.from(keys.privateKey);
  return {
    certificatePem: cert.toString('pem'),
    sign: (blob) => sign('sha256', blob, privateKey).toString('base64'),
  };
}

function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
}

function serial(): string {
  return `01${randomBytes(8).toString('hex')}`;
}
