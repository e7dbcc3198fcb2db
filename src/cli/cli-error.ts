import { AdcpError } from '../runtime/errors/adcp-error.js';

/**
 * An error the CLI reports as one line on stderr, exiting with `exitCode`: 2 = bad input (code
 * `ADCP_CLI_INPUT_INVALID`), 1 = the command ran and reports a negative result such as drift or a
 * webhook not delivered (code `ADCP_CLI_CHECK_FAILED`).
 */
export class CliError extends AdcpError<'ADCP_CLI_INPUT_INVALID' | 'ADCP_CLI_CHECK_FAILED'> {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(exitCode === 1 ? 'ADCP_CLI_CHECK_FAILED' : 'ADCP_CLI_INPUT_INVALID', message);
  }
}
