// `Content-Digest` (RFC 9530) with sha-256, encoded per the AdCP profile: base64url, no padding.
import { createHash } from 'node:crypto';

/** `sha-256=:<base64url-no-padding of SHA-256(body)>:` — the value signers emit. */
export function contentDigestHeader(body: Uint8Array | string): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64url')}:`;
}

export function sha256(body: Uint8Array | string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(body).digest());
}
