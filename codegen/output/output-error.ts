/** A problem writing or reading the generated-output directory; the message names the file and the cause. */
export class OutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}
