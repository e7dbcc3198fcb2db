/**
 * A problem with the schema cache, its lock or a sync source. The message names the file (or URL)
 * and the cause in one line; the CLI reports it as-is and exits 2.
 */
export class CacheError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CacheError';
  }
}
