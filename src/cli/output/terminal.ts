// What the terminal behind a stream can take. Colour needs a TTY and no NO_COLOR
// (https://no-color.org: any non-empty value disables it); progress needs a TTY and is quiet under
// CI, where a redrawn line only clutters the build log.
export interface OutputStream {
  readonly isTTY?: boolean;
  write(chunk: string): unknown;
}

export type Environment = Readonly<Record<string, string | undefined>>;

export interface TerminalCapabilities {
  readonly color: boolean;
  readonly progress: boolean;
}

export function terminalCapabilities(
  stream: OutputStream,
  env: Environment = process.env,
): TerminalCapabilities {
  const tty = stream.isTTY === true;
  return {
    color: tty && !isSet(env['NO_COLOR']),
    progress: tty && !isSet(env['CI']),
  };
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}
