// Sigstore verification of a release tarball from its detached `.sig` + `.crt` sidecars, offline.
//
// The spec ("Verifying protocol tarballs", reference/verifying-protocol-tarballs, Trust model; and
// "Verifying protocol bundle signatures" in building/by-layer/L0/schemas) names the two properties a consumer checks:
// signature authenticity (the `.sig` was made by the key the `.crt` certifies) and identity binding (the
// `.crt` names the AdCP release workflow, issued through GitHub Actions' OIDC provider). Both are checked
// here, plus what makes the `.crt` worth believing: it chains to a Fulcio CA of the trust root
// (sigstore-trust.ts) that was valid when it was issued.
//
// Transparency log and SCTs: the detached pair carries no Rekor entry (the spec's step 4 puts it only in
// Rekor's public log), and reaching Rekor would make `sync` depend on a second online service; so no
// inclusion proof is checked and no SCT is required. Signing time: without a Rekor entry or an RFC 3161
// timestamp there is no trusted time of signing, and a Fulcio certificate lives ten minutes, so judging
// it against the clock would refuse every real release. The chain is therefore judged at the moment
// the certificate was issued (its notBefore): every CA certificate must be valid then, the CA must be
// within its trust-root validity period then, and that moment must not lie in the future.
import { createHash, createVerify, X509Certificate as NodeX509Certificate } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { crypto, X509Certificate } from '@sigstore/core';
import { CacheError } from './cache-error.js';
import type { SigningAuthority, SigstoreTrust } from './sigstore-trust.js';

/**
 * The certificate identity (SAN URI) of an AdCP release signature: the `release.yml` workflow of
 * `adcontextprotocol/adcp` on any branch or tag ("Verifying protocol tarballs", The identity regex).
 */
export const ADCP_RELEASE_IDENTITY = /^https:\/\/github\.com\/adcontextprotocol\/adcp\/\.github\/workflows\/release\.yml@refs\/(heads|tags)\/.*$/;

/** The OIDC issuer an AdCP release certificate must carry: GitHub Actions ("Verifying protocol tarballs"). */
export const ADCP_RELEASE_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** Fulcio's OIDC issuer extensions: v2 (DER UTF8String) is preferred, v1 (raw bytes) is the fallback. */
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_EXT_KEY_USAGE = '2.5.29.37';
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';
const INVALID = 'ADCP_CACHE_SIGNATURE_INVALID';
/** How far a certificate's issuance may lie ahead of this machine's clock. */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The sidecar texts as published, and how messages name them. */
export interface SignatureSidecars {
  readonly signature: string;
  readonly signatureLabel: string;
  readonly certificate: string;
  readonly certificateLabel: string;
}

/** Who signed a verified release. */
export interface VerifiedSigner {
  /** The certificate's SAN URI: the workflow and ref that produced the release. */
  readonly identity: string;
  readonly issuer: string;
}

/**
 * Verifies `archivePath` (the tarball's bytes, streamed) against its `.sig` and `.crt`: the certificate
 * chains to a CA of `trust`, names the AdCP release workflow and GitHub Actions' issuer, and its key made
 * the signature. Any failure → CacheError naming `label` and the cause (a present but invalid signature
 * is a hard failure, never a fallback to checksum-only trust — "Verifying protocol tarballs", When
 * verification is not available).
 */
export async function verifyReleaseSignature(
  archivePath: string,
  label: string,
  sidecars: SignatureSidecars,
  trust: SigstoreTrust,
  options: VerifyOptions = {},
): Promise<VerifiedSigner> {
  const refuse = (cause: string) => new CacheError(`${label}: Sigstore signature refused: ${cause}`, { code: INVALID });
  const now = options.now ?? new Date();
  const leaf = parseCertificate(sidecars.certificate, sidecars.certificateLabel);
  const signature = parseSignature(sidecars.signature, sidecars.signatureLabel);
  const malformed = () => refuse(`${sidecars.certificateLabel}: malformed certificate`);
  const problem = orThrow(() => chainProblem(leaf, trust, now) ?? usageProblem(leaf), malformed);
  if (problem !== undefined) throw refuse(problem);
  const signer = orThrow(() => signerOf(leaf), malformed);
  if (!ADCP_RELEASE_IDENTITY.test(signer.identity)) {
    throw refuse(`certificate identity ${JSON.stringify(signer.identity)} is not the AdCP release workflow (expected ${ADCP_RELEASE_IDENTITY.source})`);
  }
  if (signer.issuer !== ADCP_RELEASE_OIDC_ISSUER) {
    throw refuse(`certificate OIDC issuer ${JSON.stringify(signer.issuer)} is not ${ADCP_RELEASE_OIDC_ISSUER}`);
  }
  const verified = await signatureOver(archivePath, leaf, signature);
  if (options.sha256 !== undefined && verified.sha256 !== options.sha256) {
    throw refuse(`tarball changed while it was being read (sha256 ${verified.sha256}, was ${options.sha256})`);
  }
  if (!verified.matches) throw refuse(`${sidecars.signatureLabel} does not match the tarball's bytes`);
  return signer;
}

/** Options of verifyReleaseSignature. */
export interface VerifyOptions {
  /** The sha256 the tarball was checked against: the signed bytes must be those bytes. */
  readonly sha256?: string | undefined;
  /** The clock a certificate's issuance may not lie ahead of (default: now). */
  readonly now?: Date | undefined;
}


/** `read()`, or `refusal()` when a hostile certificate makes the parser throw: verification fails closed. */
function orThrow<T>(read: () => T, refusal: () => CacheError): T {
  try {
    return read();
  } catch {
    throw refusal();
  }
}

/** `.crt` as cosign writes it (base64 of a PEM certificate) or as plain PEM / base64 DER; the first certificate is the leaf. */
export function parseCertificate(text: string, label: string): X509Certificate {
  const trimmed = text.trim();
  const pem = trimmed.includes('-----BEGIN CERTIFICATE-----') ? trimmed : decodeBase64(trimmed, label).toString('latin1');
  const block = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/.exec(pem)?.[0];
  try {
    return X509Certificate.parse(block ?? decodeBase64(trimmed, label));
  } catch (error) {
    if (error instanceof CacheError) throw error;
    throw new CacheError(`${label}: not an X.509 certificate`, { code: INVALID });
  }
}

/** `.sig`: base64 of the signature over the tarball's bytes. */
function parseSignature(text: string, label: string): Buffer {
  return decodeBase64(text.trim(), label);
}

function decodeBase64(text: string, label: string) {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 !== 0) throw new CacheError(`${label}: not base64`, { code: INVALID });
  return Buffer.from(compact, 'base64');
}

/** Why `leaf` does not chain to a CA of `trust` at its issuance; undefined when it does. */
function chainProblem(leaf: X509Certificate, trust: SigstoreTrust, now: Date): string | undefined {
  const issuedAt = leaf.notBefore;
  if (leaf.notAfter < issuedAt) return 'certificate validity period is empty';
  if (issuedAt.getTime() > now.getTime() + CLOCK_SKEW_MS) return `certificate is not valid before ${issuedAt.toISOString()} (in the future)`;
  if (leaf.isCA) return 'signing certificate is a CA certificate';
  const issuers = trust.authorities
    .map((authority) => ({ authority, problem: pathProblem(leaf, authority, issuedAt) }))
    .filter(({ problem }) => problem !== NO_PATH);
  if (issuers.length === 0) return `certificate is not issued by a CA of ${trust.label}`;
  const inPeriod = ({ authority }: (typeof issuers)[number]) => authority.validFor.start <= issuedAt && issuedAt <= authority.validFor.end;
  if (issuers.some((issuer) => issuer.problem === undefined && inPeriod(issuer))) return undefined;
  const issued = `certificate issued ${issuedAt.toISOString()}`;
  const expired = issuers.find(({ problem }) => problem !== undefined);
  if (expired !== undefined) return `${issued}: ${expired.problem}`;
  const { start, end } = issuers[0]!.authority.validFor;
  return `${issued}, outside the period its CA is trusted for by ${trust.label} (${start.toISOString()} to ${end.toISOString()})`;
}

const NO_PATH = 'no path';

/** Why `leaf` does not chain through `authority`'s CA certificates at `at` (NO_PATH: not issued by it); undefined when it does. */
function pathProblem(leaf: X509Certificate, authority: SigningAuthority, at: Date): string | undefined {
  const path = [leaf, ...authority.certChain];
  for (let i = 0; i + 1 < path.length; i += 1) {
    if (!issuedBy(path[i]!, path[i + 1]!)) return NO_PATH;
  }
  const root = path[path.length - 1]!;
  if (!issuedBy(root, root)) return NO_PATH;
  for (const [depth, ca] of authority.certChain.entries()) {
    if (!ca.isCA) return NO_PATH;
    const limit = ca.extBasicConstraints?.pathLenConstraint;
    if (limit !== undefined && limit < BigInt(depth)) return NO_PATH;
    if (!ca.validForDate(at)) {
      const state = at > ca.notAfter ? `had expired (${ca.notAfter.toISOString()})` : `was not yet valid (${ca.notBefore.toISOString()})`;
      return `its CA certificate ${describeName(ca)} ${state}`;
    }
  }
  return undefined;
}

/** A CA certificate as messages name it: its subject's common name when it has one. */
function describeName(ca: X509Certificate): string {
  const cn = /^CN=(.*)$/m.exec(new NodeX509Certificate(ca.root.toDER()).subject)?.[1];
  return cn === undefined ? 'in the chain' : JSON.stringify(cn);
}

function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (!cert.issuer.equals(issuer.subject)) return false;
  try {
    return cert.verify(issuer);
  } catch {
    return false;
  }
}

/** Fulcio signing certificates are issued for code signing; one for another purpose cannot sign a release. */
function usageProblem(leaf: X509Certificate): string | undefined {
  if (leaf.extKeyUsage !== undefined && !leaf.extKeyUsage.digitalSignature) return 'certificate key usage does not allow digital signatures';
  const eku = leaf.extension(OID_EXT_KEY_USAGE);
  const purposes = eku?.valueObj.subs[0]?.subs.map((purpose) => purpose.toOID()) ?? [];
  if (!purposes.includes(OID_CODE_SIGNING)) return 'certificate is not issued for code signing (extended key usage)';
  return undefined;
}

function signerOf(leaf: X509Certificate): VerifiedSigner {
  const identity = leaf.extSubjectAltName?.uri ?? '';
  const v2 = leaf.extension(OID_ISSUER_V2)?.valueObj.subs[0]?.value.toString('utf8');
  const issuer = v2 ?? leaf.extension(OID_ISSUER_V1)?.value.toString('utf8') ?? '';
  return { identity, issuer };
}

/**
 * cosign's `sign-blob` signs the blob itself with the certificate's key (SHA-256 digest). The file is
 * streamed once, hashed as it is verified, so the caller can tell the signed bytes are the checked ones.
 */
async function signatureOver(archivePath: string, leaf: X509Certificate, signature: Buffer): Promise<{ matches: boolean; sha256: string }> {
  const verifier = createVerify('sha256');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(archivePath)) {
    verifier.update(chunk as Buffer);
    hash.update(chunk as Buffer);
  }
  let matches: boolean;
  try {
    matches = verifier.verify(crypto.createPublicKey(leaf.publicKey), signature);
  } catch {
    matches = false;
  }
  return { matches, sha256: hash.digest('hex') };
}
