import { AdcpError } from '../../src/runtime/errors/adcp-error.js';

/**
 * A problem writing or reading the generated-output directory; the message names the file and the
 * cause. Code `ADCP_OUTPUT_INVALID`.
 */
export class OutputError extends AdcpError<'ADCP_OUTPUT_INVALID'> {
  constructor(message: string) {
    super('ADCP_OUTPUT_INVALID', message);
  }
}
