/** An error the CLI reports as one line on stderr, exiting with `exitCode` (2 = bad input, 1 = drift/not delivered). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
