// What `sync` does about a release's Sigstore signature: find the `.sig` + `.crt` sidecars beside the
// tarball (published beside a URL, or beside a local file), verify them when present, and otherwise fall
// back to checksum-only trust — or refuse, when a signature is required.
import { readFile } from 'node:fs/promises';
import { CacheError } from './cache-error.js';
import { downloadText } from './download.js';
import type { ReleaseSource } from './release-source.js';
import { describeUrl } from './release-site.js';
import { verifyReleaseSignature, type SignatureSidecars, type VerifiedSigner } from './release-signature.js';
import { loadSigstoreTrust, type SigstoreTrust } from './sigstore-trust.js';

/** How `sync` treats release signatures. */
export interface SignaturePolicy {
  /** Refuse a release without `.sig`/`.crt` (and a schema directory, which carries none). Default: false. */
  readonly require?: boolean | undefined;
  /** A Sigstore trusted-root JSON file; default: the embedded Sigstore public-good trust root. */
  readonly trustedRoot?: string | undefined;
}

/** The trust a synced release earned. */
export type SignatureOutcome =
  | ({ readonly status: 'verified' } & VerifiedSigner)
  /** No `.sig`/`.crt` beside the tarball: checksum-only trust (publisher not proven). */
  | { readonly status: 'absent'; readonly label: string }
  /** A schema directory: nothing to sign. */
  | { readonly status: 'not-applicable' };

/** Verifies one release tarball and remembers the outcome. */
export interface ReleaseSigning {
  /** Called with the tarball's file and its checked sha256, before anything is extracted from it. */
  readonly verifyArchive: (archivePath: string, sha256: string) => Promise<void>;
  outcome(): SignatureOutcome;
}

/**
 * The signature check for `source` under `policy`. Sidecars absent → checksum-only trust, the spec's
 * degrade for releases that predate signing or were republished out of band ("Verifying protocol
 * tarballs", When verification is not available), refused when `policy.require`; only one of the two
 * present, or both present but not verifying → refused. The trust root is read up front, so a bad
 * `trustedRoot` is reported before any download.
 */
export async function releaseSigning(source: ReleaseSource, policy: SignaturePolicy = {}): Promise<ReleaseSigning> {
  if (source.kind === 'dir') {
    if (policy.require === true) {
      const message = `${source.path}: a schema directory carries no Sigstore signature (--require-signature needs a signed release tarball)`;
      throw new CacheError(message, { code: 'ADCP_CACHE_SIGNATURE_MISSING' });
    }
    return { verifyArchive: async () => undefined, outcome: () => ({ status: 'not-applicable' }) };
  }
  const trust = await loadSigstoreTrust(policy.trustedRoot);
  const label = source.kind === 'url' ? describeUrl(source.url) : source.path;
  let outcome: SignatureOutcome | undefined;
  const verifyArchive = async (archivePath: string, sha256: string): Promise<void> => {
    const sidecars = source.kind === 'url' ? await publishedSidecars(source.url, label) : await sidecarsBeside(source.path);
    outcome = sidecars === undefined ? unsigned(label, policy) : await verified(archivePath, label, sidecars, trust, sha256);
  };
  return {
    verifyArchive,
    outcome: () => {
      if (outcome === undefined) throw new Error('release signature not checked');
      return outcome;
    },
  };
}

function unsigned(label: string, policy: SignaturePolicy): SignatureOutcome {
  if (policy.require === true) {
    const message = `${label}: no Sigstore signature published (${label}.sig and ${label}.crt not found); --require-signature refuses checksum-only trust`;
    throw new CacheError(message, { code: 'ADCP_CACHE_SIGNATURE_MISSING' });
  }
  return { status: 'absent', label };
}

async function verified(archivePath: string, label: string, sidecars: SignatureSidecars, trust: SigstoreTrust, sha256: string): Promise<SignatureOutcome> {
  return { status: 'verified', ...(await verifyReleaseSignature(archivePath, label, sidecars, trust, { sha256 })) };
}

/** `<url>.sig` and `<url>.crt` (keeping the URL's query string); undefined when neither is published. */
async function publishedSidecars(url: URL, label: string): Promise<SignatureSidecars | undefined> {
  const fetchSidecar = async (suffix: string): Promise<string | undefined> => {
    try {
      return await downloadText(new URL(`${url.pathname}${suffix}${url.search}`, url), `${label}${suffix}`, 'not published');
    } catch (error) {
      if (error instanceof CacheError && error.httpStatus === 404) return undefined;
      throw error;
    }
  };
  const [signature, certificate] = await Promise.all([fetchSidecar('.sig'), fetchSidecar('.crt')]);
  return pairOf(label, signature, certificate);
}

/** `<path>.sig` and `<path>.crt` beside a local tarball; undefined when neither is there. */
async function sidecarsBeside(path: string): Promise<SignatureSidecars | undefined> {
  const readSidecar = (suffix: string): Promise<string | undefined> =>
    readFile(`${path}${suffix}`, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw new CacheError(`${path}${suffix}: cannot read (${error.code ?? error.message})`);
    });
  const [signature, certificate] = await Promise.all([readSidecar('.sig'), readSidecar('.crt')]);
  return pairOf(path, signature, certificate);
}

function pairOf(label: string, signature: string | undefined, certificate: string | undefined): SignatureSidecars | undefined {
  if (signature === undefined && certificate === undefined) return undefined;
  if (signature === undefined || certificate === undefined) {
    const [present, missing] = signature === undefined ? ['.crt', '.sig'] : ['.sig', '.crt'];
    const message = `${label}: Sigstore signature refused: ${label}${present} is published without ${label}${missing}`;
    throw new CacheError(message, { code: 'ADCP_CACHE_SIGNATURE_INVALID' });
  }
  return { signature, signatureLabel: `${label}.sig`, certificate, certificateLabel: `${label}.crt` };
}
