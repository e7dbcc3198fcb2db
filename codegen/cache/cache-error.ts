import { AdcpError } from '../../src/runtime/errors/adcp-error.js';

/**
 * A problem with the schema cache, its lock or a sync source. The message names the file (or URL)
 * and the cause in one line; the CLI reports it as-is and exits 2. Code `ADCP_CACHE_DOWNLOAD_FAILED`
 * when a download was refused with an HTTP status, `ADCP_CACHE_INVALID` otherwise.
 */
export class CacheError extends AdcpError<'ADCP_CACHE_INVALID' | 'ADCP_CACHE_DOWNLOAD_FAILED'> {
  /** The HTTP status when a download was refused (404: not published). */
  readonly httpStatus: number | undefined;

  constructor(message: string, options?: { cause?: unknown; httpStatus?: number }) {
    super(
      options?.httpStatus === undefined ? 'ADCP_CACHE_INVALID' : 'ADCP_CACHE_DOWNLOAD_FAILED',
      message,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.httpStatus = options?.httpStatus;
  }
}
