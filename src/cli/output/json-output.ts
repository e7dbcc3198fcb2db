// Machine output for `--json`: one JSON document on stdout, nothing else on that stream.
import type { OutputStream } from './terminal.js';

export function writeJson(value: unknown, stream: OutputStream = process.stdout): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
