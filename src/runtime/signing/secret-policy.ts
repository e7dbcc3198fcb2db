// Legacy shared secrets and bearer tokens are refused at configuration time when they are empty,
// shorter than 32 bytes, or one character repeated (security.mdx "Minimum secret length";
// webhook-hmac-sha256.json secret_rejection_vectors). Messages describe the defect, never the value.
import { SigningConfigError } from './errors.js';

export const MIN_SECRET_BYTES = 32;

/** Throws `SigningConfigError` when `secret` is unfit; `what` names it in the message (e.g. "HMAC secret"). */
export function assertStrongSecret(secret: string, what: string): void {
  if (typeof secret !== 'string' || secret.length === 0) throw new SigningConfigError(`${what} is empty`);
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes < MIN_SECRET_BYTES) {
    throw new SigningConfigError(`${what} is ${bytes} bytes; at least ${MIN_SECRET_BYTES} are required`);
  }
  if (isOneCharacterRepeated(secret)) throw new SigningConfigError(`${what} repeats a single character (no entropy)`);
}

function isOneCharacterRepeated(secret: string): boolean {
  const [first] = secret;
  return [...secret].every((char) => char === first);
}
