import { AdcpError } from '../src/runtime/errors/adcp-error.js';

/**
 * The one error the generator throws for bad input (missing cache, garbled JSON, unresolved `$ref`,
 * unknown keyword, undecidable protocol, ...). The CLI maps it to exit code 2.
 * `file` names the schema file (or directory) at fault when there is one.
 * Code `ADCP_CODEGEN_INPUT_INVALID`.
 */
export class CodegenError extends AdcpError<'ADCP_CODEGEN_INPUT_INVALID'> {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super('ADCP_CODEGEN_INPUT_INVALID', file === undefined ? message : `${file}: ${message}`);
  }
}
