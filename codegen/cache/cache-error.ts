/**
 * A problem with the schema cache, its lock or a sync source. The message names the file (or URL)
 * and the cause in one line; the CLI reports it as-is and exits 2.
 */
export class CacheError extends Error {
  /** The HTTP status when a download was refused (404: not published). */
  readonly httpStatus: number | undefined;

  constructor(message: string, options?: { cause?: unknown; httpStatus?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CacheError';
    this.httpStatus = options?.httpStatus;
  }
}
