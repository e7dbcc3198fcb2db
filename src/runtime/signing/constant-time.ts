// Constant-time comparisons for secrets received on the wire (tokens, HMAC digests).
import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * True when `a` and `b` are the same string. Both sides are hashed first so the comparison takes
 * the same time whatever the inputs' lengths or contents.
 */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/** Constant-time equality of two byte strings of possibly different length. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const sameLength = a.byteLength === b.byteLength;
  return timingSafeEqual(digest(a), digest(b)) && sameLength;
}

function digest(value: string | Uint8Array): Buffer {
  return createHash('sha256').update(value).digest();
}
