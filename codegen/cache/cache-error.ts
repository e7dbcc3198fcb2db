/** Stable codes of the refusals a caller may want to branch on (the caps on what `sync` reads, its signature check). */
export type CacheErrorCode =
  /** A download (or a local tarball) is larger than the download size cap. */
  | 'ADCP_CACHE_DOWNLOAD_TOO_LARGE'
  /** A tarball unpacks to more than the total unpacked cap. */
  | 'ADCP_CACHE_UNPACKED_TOO_LARGE'
  /** One tarball entry is larger than the per-entry cap. */
  | 'ADCP_CACHE_ENTRY_TOO_LARGE'
  /** A release's Sigstore signature or certificate is present but does not verify (or only one of the two is). */
  | 'ADCP_CACHE_SIGNATURE_INVALID'
  /** A release carries no Sigstore signature and one is required (`sync --require-signature`). */
  | 'ADCP_CACHE_SIGNATURE_MISSING';

/**
 * A problem with the schema cache, its lock or a sync source. The message names the file (or URL)
 * and the cause in one line; the CLI reports it as-is and exits 2.
 */
export class CacheError extends Error {
  /** The HTTP status when a download was refused (404: not published). */
  readonly httpStatus: number | undefined;
  /** Set for the refusals listed in CacheErrorCode; undefined for other cache problems. */
  readonly code: CacheErrorCode | undefined;

  constructor(message: string, options?: { cause?: unknown; httpStatus?: number; code?: CacheErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CacheError';
    this.httpStatus = options?.httpStatus;
    this.code = options?.code;
  }
}
