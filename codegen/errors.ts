/**
 * The one error the generator throws for bad input (missing cache, garbled JSON, unresolved `$ref`,
 * unknown keyword, undecidable protocol, ...). The CLI maps it to exit code 2.
 * `file` names the schema file (or directory) at fault when there is one.
 */
export class CodegenError extends Error {
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(file === undefined ? message : `${file}: ${message}`);
    this.name = 'CodegenError';
  }
}
