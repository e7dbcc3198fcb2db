// Legacy shared secrets and bearer tokens are refused when they are empty, shorter than 32 bytes,
// or one character repeated (security.mdx "Minimum secret length"; webhook-hmac-sha256.json
// secret_rejection_vectors). Signers refuse them at configuration; verifiers refuse to verify under
// them. Messages describe the defect, never the value.
import { SigningConfigError } from './errors.js';

/** Shortest accepted HMAC-SHA256 secret: 32 bytes (security.mdx "Legacy HMAC-SHA256 fallback"). */
export const MIN_SECRET_BYTES = 32;

/**
 * Throws `SigningConfigError` when `secret` is unfit; `what` names it in the message (e.g. "HMAC secret").
 * Implements building/by-layer/L1/security.mdx — Legacy HMAC-SHA256 fallback, "Minimum secret length".
 */
export function assertStrongSecret(secret: string, what: string): void {
  const defect = secretDefect(secret);
  if (defect !== undefined) throw new SigningConfigError(`${what} ${defect}`);
}

/**
 * Why `secret` is unfit as a legacy HMAC secret or bearer token (a phrase such as "is empty"), or
 * `undefined` when it meets the policy. Never throws, whatever the value.
 * Implements building/by-layer/L1/security.mdx — Legacy HMAC-SHA256 fallback, "Minimum secret length".
 */
export function secretDefect(secret: unknown): string | undefined {
  if (typeof secret !== 'string') return 'is not a string';
  if (secret.length === 0) return 'is empty';
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) return `is ${bytes} bytes; at least ${MIN_SECRET_BYTES} are required`;
  if (isOneCharacterRepeated(secret)) return 'repeats a single character (no entropy)';
  return undefined;
}

function isOneCharacterRepeated(secret: string): boolean {
  const [first] = secret;
  return [...secret].every((char) => char === first);
}
