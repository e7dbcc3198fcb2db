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

const guardedLoggers = new WeakMap<object, Logger>();
const guards = new WeakSet<Logger>();

/**
 * The logger the runtime calls in place of a caller's: same output, but logging can never change
 * what the runtime does. A `log` that throws, a `log` getter that throws, a Proxy logger, a
 * missing or non-function `log` and an async `log` that rejects are all absorbed. `undefined`,
 * `null` and primitives become `silentLogger`. The same logger always gets the same guard.
 *
 * Every runtime component (delivery, store workers, the durable outbox, the sync-completion gate,
 * the CLI) runs its logger through this, so a broken logger never reaches a caller or leaves a
 * webhook unsettled (building/by-layer/L1/security.mdx — Webhook callbacks: delivery is the
 * seller's obligation, logging is not).
 */
export function guardLogger(logger: unknown): Logger {
  if (logger === silentLogger) return silentLogger;
  if ((typeof logger !== 'object' && typeof logger !== 'function') || logger === null) return silentLogger;
  if (guards.has(logger as Logger)) return logger as Logger;
  const known = guardedLoggers.get(logger);
  if (known !== undefined) return known;
  const guard: Logger = { log: (level, message, fields) => logSafely(logger, level, message, fields) };
  guards.add(guard);
  guardedLoggers.set(logger, guard);
  return guard;
}

function logSafely(logger: object, level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> | undefined): void {
  try {
    // `log` is read on every call: a logger may swap it, and a getter may throw only sometimes.
    const log: unknown = (logger as { log?: unknown }).log;
    if (typeof log !== 'function') return;
    absorbRejection(Reflect.apply(log, logger, fields === undefined ? [level, message] : [level, message, fields]));
  } catch {
    // Logging is best effort by contract.
  }
}

/** An async logger's rejected promise must not become an unhandled rejection. */
function absorbRejection(result: unknown): void {
  if ((typeof result === 'object' && result !== null) || typeof result === 'function') {
    Promise.resolve(result).catch(() => undefined);
  }
}

/** `https://host:port/path` without userinfo, query or fragment: safe to log. */
export function redactUrl(url: string | URL): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '<unparseable url>';
  }
}
