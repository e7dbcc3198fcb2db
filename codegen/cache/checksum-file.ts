import { CacheError } from './cache-error.js';

/**
 * Parses a `<v>.tgz.sha256` file (`<hex>  <file name>`, as written by sha256sum) and returns the hex.
 * When the file names a tarball, it must be the one being verified.
 */
export function parseChecksumFile(text: string, expectedName: string, label: string): string {
  const match = /^([0-9a-fA-F]{64})(?:[ \t]+\*?([^\r\n]+))?\s*$/.exec(text.trim());
  if (match === null) throw new CacheError(`${label}: not a sha256 checksum file (expected "<hex>  <file>")`);
  const named = match[2]?.trim().split("/").pop();
  if (named !== undefined && named !== expectedName) {
    throw new CacheError(`${label}: checksum is for ${named}, not ${expectedName}`);
  }
  return (match[1] as string).toLowerCase();
}
