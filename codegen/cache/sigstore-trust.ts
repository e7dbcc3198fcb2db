// The Sigstore trust root `sync` checks release certificates against: the Fulcio CA chains of a
// Sigstore trusted root (the `trusted_root.json` format cosign's `--trusted-root` reads), offline.
import { readFile } from 'node:fs/promises';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { CacheError } from './cache-error.js';
import { SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT } from './sigstore-public-good-root.js';

/** A Fulcio CA chain (issuing CA first, self-signed root last) and the period it may issue in. */
export type SigningAuthority = TrustMaterial['certificateAuthorities'][number];

/** The CAs a signing certificate must chain to, and where they were read from (for messages). */
export interface SigstoreTrust {
  readonly authorities: readonly SigningAuthority[];
  readonly label: string;
}

/**
 * The trust root: the Sigstore public-good instance's (embedded, the issuer of the AdCP release
 * certificates — "Verifying protocol tarballs", Trust model, step 3) unless `path` names a trusted-root
 * JSON file (a private Sigstore deployment, a mirror, a test CA). Refused when it holds no CA.
 */
export async function loadSigstoreTrust(path?: string): Promise<SigstoreTrust> {
  if (path === undefined) return parseSigstoreTrust(SIGSTORE_PUBLIC_GOOD_TRUSTED_ROOT, 'the Sigstore public-good trust root');
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new CacheError(`${path}: cannot read trusted root (${error.code ?? error.message})`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CacheError(`${path}: trusted root is not valid JSON`);
  }
  return parseSigstoreTrust(json, path);
}

/** A trusted-root JSON value → its signing authorities; `label` names it in errors. */
export function parseSigstoreTrust(json: unknown, label: string): SigstoreTrust {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new CacheError(`${label}: not a Sigstore trusted root (expected a JSON object)`);
  let authorities: SigningAuthority[];
  try {
    authorities = toTrustMaterial(TrustedRoot.fromJSON(json)).certificateAuthorities;
  } catch (error) {
    throw new CacheError(`${label}: not a usable Sigstore trusted root (${error instanceof Error ? error.message : String(error)})`);
  }
  const usable = authorities.filter((authority) => authority.certChain.length > 0);
  if (usable.length === 0) throw new CacheError(`${label}: trusted root lists no certificate authority`);
  return { authorities: usable, label };
}
