import { createHash } from 'node:crypto';

// Pluggable logger. The runtime never logs tokens, credentials, signatures, private keys or URL
// query strings, and no URL path unless the application opts in: call sites pass URLs through
// `redactUrl` and never put secrets in `fields`.

/** Severity of a log line: `debug`, `info`, `warn` or `error`. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where the runtime writes structured log lines. It never passes tokens, credentials, signatures, private keys or
 * URL queries. Defaults to {@link silentLogger}; {@link stderrJsonLogger} writes JSON lines.
 */
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

/** Options of {@link redactUrl}: show the path itself (default: a hash of it); userinfo, query and fragment never show. */
export interface RedactUrlOptions {
  /**
   * Show the path itself instead of its hash. Off by default: a buyer's webhook URL may be a
   * capability URL (`/hooks/<secret>`), and logs and listings are read by more people than the
   * delivery store. Userinfo, query and fragment are never shown either way.
   */
  readonly showPath?: boolean;
}

/**
 * A URL safe to log: origin, then a short stable hash of the path instead of the path
 * (`https://buyer.example/…#3f2a9c1b`), so one receiver's lines can be correlated without the
 * path, which may carry a secret, reaching the log. The root path `/` is shown as is. Never
 * userinfo, query or fragment. Implements building/by-layer/L1/security.mdx — Webhook callbacks
 * (webhook credentials never reach logs). Never throws.
 */
export function redactUrl(url: string | URL, options: RedactUrlOptions = {}): string {
  try {
    const parsed = typeof url === 'string' ? new URL(url) : url;
    const origin = `${parsed.protocol}//${parsed.host}`;
    const path = parsed.pathname;
    if (options.showPath === true || path === '/' || path === '') return `${origin}${path}`;
    return `${origin}/…#${pathHash(path)}`;
  } catch {
    return '<unparseable url>';
  }
}

/** 8 hex digits of SHA-256: stable across processes, too short to stand in for the path. */
function pathHash(path: string): string {
  return createHash('sha256').update(path).digest('hex').slice(0, 8);
}
