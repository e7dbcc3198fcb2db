// Producing the signed revocation list an operator serves at its brand.json origin (security.mdx
// "Transport revocation": one combined list for request-signing and webhook keys, format and
// signature as in "Revocation"): a JWS, protected header `{ alg, kid, typ: "adcp-gov-revocation+jws" }`,
// signed by a key in the same JWKS, over `{ version: 1, issuer, updated, next_update,
// revoked_kids, revoked_jtis }`. `next_update` lies 1 to 30 minutes after `updated` (polling floor
// and ceiling).
import { sign } from 'node:crypto';
import { loadPrivateSigningKey, toLowS } from '../signing/signing-keys.js';
import type { ExternalSignFunction } from '../signing/external-signer.js';
import { derToP1363 } from '../signing/external-signer.js';
import { importPublicJwk, verifyBytes } from '../signing/signing-keys.js';
import { REVOCATION_LIST_TYP, REVOCATION_POLL_CEILING_SECONDS, REVOCATION_POLL_FLOOR_SECONDS } from './discovery/revocation-list.js';
import type { PrivateJwk, PublicJwk } from './jwk.js';
import { KeyManagementError } from './key-errors.js';

/** Default `next_update - updated`: 5 minutes, inside the 1 min floor and 30 min ceiling. */
export const DEFAULT_REVOCATION_NEXT_UPDATE_SECONDS = 300;

/** The key that signs the list: a private JWK, or a published key with an external signing hook. */
export type RevocationListSigningKey = PrivateJwk | { readonly publicJwk: PublicJwk; readonly sign: ExternalSignFunction };

/** Options of `signRevocationList`: issuer, revoked ids, signing key and `next_update` (security.mdx "Transport revocation"). */
export interface RevocationListOptions {
  /** The brand.json origin the list governs (`https://host[:port]`, no path). */
  readonly issuer: string;
  /** Key ids revoked: every signature ever made under them is invalid. */
  readonly revokedKids: readonly string[];
  /** Token ids revoked (governance tokens only; request and webhook signatures have none). */
  readonly revokedJtis?: readonly string[];
  /** A key published in the same JWKS and not itself revoked. */
  readonly signingKey: RevocationListSigningKey;
  /** `updated`, unix seconds; default now. */
  readonly updatedAt?: number;
  /** `next_update - updated`, 60..1800 seconds; default 300. Verifiers poll on this cadence. */
  readonly nextUpdateInSeconds?: number;
}

/** A signed revocation list: the document to serve and what it says. */
export interface SignedRevocationList {
  /** The JWS (general JSON serialization), as served. */
  readonly document: string;
  readonly issuer: string;
  /** unix seconds */
  readonly updated: number;
  /** unix seconds */
  readonly nextUpdate: number;
  readonly revokedKids: readonly string[];
}

/**
 * Signs a revocation list (security.mdx "Transport revocation" / "Revocation"). Throws
 * `KeyManagementError` (`ADCP_KEYS_INVALID_OPTION`) for an issuer that is not an https origin, a
 * `next_update` outside the polling bounds, or a signing key the list itself revokes.
 */
export async function signRevocationList(options: RevocationListOptions): Promise<SignedRevocationList> {
  const issuer = checkIssuer(options.issuer);
  const updated = Math.floor(options.updatedAt ?? Date.now() / 1000);
  const interval = options.nextUpdateInSeconds ?? DEFAULT_REVOCATION_NEXT_UPDATE_SECONDS;
  if (!Number.isInteger(interval) || interval < REVOCATION_POLL_FLOOR_SECONDS || interval > REVOCATION_POLL_CEILING_SECONDS) {
    throw new KeyManagementError(
      'ADCP_KEYS_INVALID_OPTION',
      `nextUpdateInSeconds must be an integer from ${REVOCATION_POLL_FLOOR_SECONDS} to ${REVOCATION_POLL_CEILING_SECONDS} (security.mdx polling floor and ceiling)`,
    );
  }
  const revokedKids = [...new Set(options.revokedKids)].sort();
  const signer = listSigner(options.signingKey);
  if (revokedKids.includes(signer.kid)) {
    throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `the list cannot be signed by "${signer.kid}", a key it revokes`);
  }
  const nextUpdate = updated + interval;
  const payload = {
    version: 1,
    issuer,
    updated: rfc3339(updated),
    next_update: rfc3339(nextUpdate),
    revoked_kids: revokedKids,
    revoked_jtis: [...new Set(options.revokedJtis ?? [])].sort(),
  };
  const protectedHeader = b64(JSON.stringify({ alg: signer.jose, kid: signer.kid, typ: REVOCATION_LIST_TYP }));
  const encodedPayload = b64(JSON.stringify(payload));
  const signature = await signer.sign(Buffer.from(`${protectedHeader}.${encodedPayload}`, 'ascii'));
  const document = JSON.stringify({ payload: encodedPayload, signatures: [{ protected: protectedHeader, signature }] });
  return { document, issuer, updated, nextUpdate, revokedKids };
}

interface ListSigner {
  readonly kid: string;
  readonly jose: 'EdDSA' | 'ES256';
  sign(data: Buffer): Promise<string>;
}

function listSigner(key: RevocationListSigningKey): ListSigner {
  if (typeof key === 'object' && key !== null && 'sign' in key && typeof key.sign === 'function') {
    const published = importPublicJwk(key.publicJwk);
    const kid = key.publicJwk.kid;
    if (published === undefined || typeof kid !== 'string') throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', 'signingKey.publicJwk is not a usable public JWK with a kid');
    const hook = key.sign;
    return {
      kid,
      jose: published.alg === 'ed25519' ? 'EdDSA' : 'ES256',
      async sign(data) {
        const raw = await hook(data);
        const signature = published.alg === 'ed25519' ? raw : toLowS(raw.byteLength === 64 ? raw : derToP1363(raw));
        if (!verifyBytes(published.alg, published.publicKey, data, signature)) {
          throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', `the external signature does not verify under "${kid}"`);
        }
        return Buffer.from(signature).toString('base64url');
      },
    };
  }
  const loaded = loadPrivateSigningKey(key as PrivateJwk);
  return {
    kid: loaded.keyId,
    jose: loaded.alg === 'ed25519' ? 'EdDSA' : 'ES256',
    sign: async (data) =>
      loaded.alg === 'ed25519'
        ? sign(null, data, loaded.privateKey).toString('base64url')
        : Buffer.from(toLowS(sign('sha256', data, { key: loaded.privateKey, dsaEncoding: 'ieee-p1363' }))).toString('base64url'),
  };
}

function checkIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', 'issuer must be an https origin, e.g. https://seller.example');
  }
  if (url.protocol !== 'https:' || url.origin !== issuer.replace(/\/$/, '')) {
    throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', 'issuer must be an https origin (scheme and host, no path), e.g. https://seller.example');
  }
  return url.origin;
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}
