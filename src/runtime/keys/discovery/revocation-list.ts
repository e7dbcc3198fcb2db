// The signed revocation list (security.mdx "Revocation" for the format and signature, "Transport
// revocation" for request- and webhook-signing keys): a JWS (general or flattened JSON
// serialization, or compact) whose protected header carries `kid`, `alg` and
// `typ: "adcp-gov-revocation+jws"`, signed by a key in the signer's JWKS, over a payload
// `{ version: 1, issuer, updated, next_update, revoked_kids, revoked_jtis }`.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { decodeBase64UrlStrict } from '../../signing/base64.js';
import type { PublicJwk } from '../jwk.js';
import { isRecord, parseStrictJson, parseTimestamp } from './documents.js';

/** `typ` of a revocation-list JWS. */
export const REVOCATION_LIST_TYP = 'adcp-gov-revocation+jws';

/** Polling bounds (security.mdx "Revocation" → Polling cadence): floor 1 min, ceiling 30 min. */
export const REVOCATION_POLL_FLOOR_SECONDS = 60;
export const REVOCATION_POLL_CEILING_SECONDS = 1_800;
/** Fetch-failure safe-default: grace = 4 × the previous polling interval. */
export const REVOCATION_GRACE_FACTOR = 4;

/** A verified revocation list. */
export interface RevocationList {
  readonly issuer: string;
  /** `updated`, unix seconds. */
  readonly updated: number;
  /** `next_update`, unix seconds. */
  readonly nextUpdate: number;
  readonly revokedKids: ReadonlySet<string>;
}

export type RevocationListRead = { readonly ok: true; readonly list: RevocationList } | { readonly ok: false; readonly reason: string };

/** The `kid` a revocation-list JWS is signed under, read before its signer's key is looked up. */
export function revocationListSignerKid(body: Uint8Array): string | undefined {
  const jws = splitJws(body);
  const header = jws === undefined ? undefined : decodeJsonSegment(jws.protected);
  return isRecord(header) && typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
}

/**
 * Verifies and reads a revocation-list document. `signerKey` is the published key named by the
 * JWS `kid` (undefined when the signer's JWKS has none); `acceptedIssuers` the origins whose list
 * this may be (the `issuer` member must equal one).
 */
export function readRevocationList(
  body: Uint8Array,
  signerKey: PublicJwk | undefined,
  acceptedIssuers: readonly string[],
): RevocationListRead {
  const jws = splitJws(body);
  if (jws === undefined) return { ok: false, reason: 'not a JWS' };
  const header = decodeJsonSegment(jws.protected);
  if (!isRecord(header)) return { ok: false, reason: 'protected header is not a JSON object' };
  if (header.typ !== REVOCATION_LIST_TYP) return { ok: false, reason: `typ is not ${REVOCATION_LIST_TYP}` };
  if (Array.isArray(header.crit)) return { ok: false, reason: 'unrecognized crit header' };
  const kid = header.kid;
  if (typeof kid !== 'string' || signerKey === undefined || kid !== signerKey.kid) {
    return { ok: false, reason: 'signed under a kid not in the signer JWKS' };
  }
  if (!signatureVerifies(jws, header.alg, signerKey)) return { ok: false, reason: 'signature does not verify' };
  const list = readPayload(decodeJsonSegment(jws.payload), acceptedIssuers);
  if (typeof list === 'string') return { ok: false, reason: list };
  if (list.revokedKids.has(kid)) return { ok: false, reason: 'signed under a kid the list itself revokes' };
  return { ok: true, list };
}

interface JwsParts {
  readonly protected: string;
  readonly payload: string;
  readonly signature: string;
}

function splitJws(body: Uint8Array): JwsParts | undefined {
  const text = Buffer.from(body).toString('utf8').trim();
  if (!text.startsWith('{')) {
    const parts = text.split('.');
    return parts.length === 3 ? { protected: parts[0]!, payload: parts[1]!, signature: parts[2]! } : undefined;
  }
  const parsed = parseStrictJson(body);
  if (!parsed.ok || !isRecord(parsed.value) || typeof parsed.value.payload !== 'string') return undefined;
  const { payload } = parsed.value;
  // General serialization carries `signatures[]`; the list is signed once, so exactly one is read.
  const signed = Array.isArray(parsed.value.signatures) ? parsed.value.signatures : [parsed.value];
  if (signed.length !== 1 || !isRecord(signed[0])) return undefined;
  const only = signed[0];
  if (typeof only.protected !== 'string' || typeof only.signature !== 'string') return undefined;
  return { protected: only.protected, payload, signature: only.signature };
}

function decodeJsonSegment(segment: string): unknown {
  const decoded = decodeBase64UrlStrict(segment);
  if (!decoded.ok) return undefined;
  const parsed = parseStrictJson(decoded.bytes);
  return parsed.ok ? parsed.value : undefined;
}

function signatureVerifies(jws: JwsParts, alg: unknown, jwk: PublicJwk): boolean {
  const signature = decodeBase64UrlStrict(jws.signature);
  const key = importVerifyKey(jwk);
  if (!signature.ok || key === undefined || signature.bytes.byteLength !== 64) return false;
  const signingInput = Buffer.from(`${jws.protected}.${jws.payload}`, 'ascii');
  try {
    if (alg === 'EdDSA' && jwk.kty === 'OKP') return verify(null, signingInput, key, signature.bytes);
    if (alg === 'ES256' && jwk.kty === 'EC') {
      return verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature.bytes);
    }
    return false;
  } catch {
    return false;
  }
}

function importVerifyKey(jwk: PublicJwk): KeyObject | undefined {
  const keyOps = jwk.key_ops;
  if (keyOps !== undefined && !keyOps.includes('verify')) return undefined;
  try {
    const members = jwk.kty === 'EC' ? { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } : { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
    return createPublicKey({ key: members, format: 'jwk' });
  } catch {
    return undefined;
  }
}

function readPayload(payload: unknown, acceptedIssuers: readonly string[]): RevocationList | string {
  if (!isRecord(payload)) return 'payload is not a JSON object';
  if (payload.version !== 1) return 'version is not 1';
  if (typeof payload.issuer !== 'string' || !acceptedIssuers.includes(originOf(payload.issuer) ?? '')) {
    return 'issuer does not match the signer origin';
  }
  const updated = parseTimestamp(payload.updated);
  const nextUpdate = parseTimestamp(payload.next_update);
  if (updated === undefined || nextUpdate === undefined) return 'updated or next_update is not an RFC 3339 timestamp';
  const revokedKids = payload.revoked_kids ?? [];
  if (!Array.isArray(revokedKids) || !revokedKids.every((kid) => typeof kid === 'string')) return 'revoked_kids is not a string array';
  return { issuer: payload.issuer, updated, nextUpdate, revokedKids: new Set(revokedKids as string[]) };
}

/** `scheme://host[:port]` of a URL, or undefined. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? undefined : parsed.origin;
  } catch {
    return undefined;
  }
}

/** When to poll next and when the list goes stale, from a list accepted at `fetchedAt` (unix seconds). */
export function revocationSchedule(list: RevocationList, fetchedAt: number): { pollIntervalSeconds: number; nextPollAt: number; staleAt: number } {
  const declared = list.nextUpdate - fetchedAt;
  const pollIntervalSeconds = Math.min(REVOCATION_POLL_CEILING_SECONDS, Math.max(REVOCATION_POLL_FLOOR_SECONDS, declared));
  const nextPollAt = fetchedAt + pollIntervalSeconds;
  return { pollIntervalSeconds, nextPollAt, staleAt: nextPollAt + REVOCATION_GRACE_FACTOR * pollIntervalSeconds };
}
