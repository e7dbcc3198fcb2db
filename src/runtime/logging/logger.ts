// Pluggable logger. The runtime never logs tokens, credentials, signatures, private keys or URL
// query strings: call sites pass URLs through `redactUrl` and never put secrets in `fields`.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Discards everything. The default when the caller wires no logger. */
export const silentLogger: Logger = { log() {} };

/** Writes one JSON line per event to stderr; handy for CLIs and examples. */
export const stderrJsonLogger: Logger = {
  log(level, message, fields) {
    process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
  },
};

/** `https://host:port/path` without userinfo, query or fragment: safe to log. */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<unparseable url>';
  }
}
