import { AdcpError } from '../../src/runtime/errors/adcp-error.js';

/** Stable codes of the refusals a caller may want to branch on (the caps on what `sync` reads, its signature check). */
export type CacheRefusalCode =
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

/** Every code a CacheError carries: the general two and the refusals of {@link CacheRefusalCode}. */
export type CacheErrorCode = 'ADCP_CACHE_INVALID' | 'ADCP_CACHE_DOWNLOAD_FAILED' | CacheRefusalCode;

/**
 * A problem with the schema cache, its lock or a sync source. The message names the file (or URL)
 * and the cause in one line; the CLI reports it as-is and exits 2. Its code is the refusal given
 * (a cap or the signature check), else `ADCP_CACHE_DOWNLOAD_FAILED` when a download was refused with
 * an HTTP status, else `ADCP_CACHE_INVALID`.
 */
export class CacheError extends AdcpError<CacheErrorCode> {
  /** The HTTP status when a download was refused (404: not published). */
  readonly httpStatus: number | undefined;

  constructor(message: string, options?: { cause?: unknown; httpStatus?: number; code?: CacheRefusalCode }) {
    super(
      options?.code ?? (options?.httpStatus === undefined ? 'ADCP_CACHE_INVALID' : 'ADCP_CACHE_DOWNLOAD_FAILED'),
      message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.httpStatus = options?.httpStatus;
  }
}
