// GETs counterparty-supplied key-discovery documents (brand.json, JWKS, revocation lists,
// adagents.json) under the SSRF controls security.mdx requires of them ("Key discovery (JWKS)" →
// SSRF protection): HTTPS only, every connection opened through the guarded connector (resolved
// once, refused on any denied address, pinned to the validated address), redirects refused, the
// body capped, and connect and total deadlines. Failures are values, never exceptions, and name
// their cause without any network detail (no resolved address, no query string).
import { AdcpError } from '../../errors/adcp-error.js';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import { classifyTransportError } from '../../delivery/classify-error.js';
import { Agent } from '../../delivery/undici-parts.js';
import { createGuardedConnector, type SocketConnector } from '../../ssrf/guarded-connector.js';
import { resolveSsrfPolicy, type SsrfOptions, type SsrfPolicy } from '../../ssrf/policy.js';
import { systemResolver, type HostResolver } from '../../ssrf/resolver.js';
import { checkTargetUrl } from '../../ssrf/target-url.js';

/** Network options of every discovery fetch. Defaults are the spec's budgets (connect 5 s, total 10 s). */
export interface DiscoveryFetchOptions {
  /** SSRF policy options. Default: the strict policy (public addresses only). */
  readonly ssrf?: SsrfOptions;
  /** DNS resolver the guard resolves and pins through. Default: the system resolver. */
  readonly resolver?: HostResolver;
  /** TLS options for the connection, e.g. `{ ca }` for a private certificate authority. */
  readonly tls?: Readonly<Record<string, unknown>>;
  /** Deadline for DNS resolution and for the TCP/TLS handshake, each. Default 5,000 ms. */
  readonly connectTimeoutMs?: number;
  /** Deadline for the whole request, headers and body. Default 10,000 ms. */
  readonly totalTimeoutMs?: number;
  /**
   * Opens the socket once the guard has validated and pinned the destination (it receives the
   * validated address). Default: undici's connector. Tests only, e.g. to dial a loopback server.
   */
  readonly socketConnector?: SocketConnector;
}

/** Why a discovery fetch produced no document. */
export type FetchFailureKind =
  | 'invalid_url'
  | 'not_https'
  | 'ssrf_blocked'
  | 'dns_failure'
  | 'timeout'
  | 'too_large'
  | 'redirect'
  | 'http_status'
  | 'network';

export type FetchOutcome =
  | { readonly ok: true; readonly body: Uint8Array }
  | { readonly ok: false; readonly kind: FetchFailureKind; readonly status?: number };

/** A GET with a byte cap; never rejects. */
export interface DiscoveryFetcher {
  get(url: string, maxBytes: number): Promise<FetchOutcome>;
  close(): Promise<void>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_TOTAL_TIMEOUT_MS = 10_000;

export function createDiscoveryFetcher(options: DiscoveryFetchOptions = {}): DiscoveryFetcher {
  const policy = resolveSsrfPolicy(options.ssrf ?? {});
  const totalTimeoutMs = options.totalTimeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
  const agent: UndiciAgent = new Agent({
    connect: createGuardedConnector({
      policy,
      resolver: options.resolver ?? systemResolver,
      connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
      ...(options.socketConnector === undefined ? {} : { socketConnector: options.socketConnector }),
    }),
    keepAliveTimeout: 4_000,
    headersTimeout: 0,
    bodyTimeout: 0,
  });

  return {
    get: (url, maxBytes) => fetchBounded(agent, policy, url, maxBytes, totalTimeoutMs),
    close: () => agent.close().catch(() => undefined),
  };
}

function fetchBounded(
  agent: UndiciAgent,
  policy: SsrfPolicy,
  url: string,
  maxBytes: number,
  timeoutMs: number,
): Promise<FetchOutcome> {
  const target = httpsTarget(url, policy);
  if (!target.ok) return Promise.resolve(target);
  return new Promise((resolve) => {
    const handler = new BoundedGetHandler(maxBytes, timeoutMs, resolve);
    try {
      agent.dispatch(
        { origin: target.origin, path: target.path, method: 'GET', headers: { accept: 'application/json' } },
        handler,
      );
    } catch (error) {
      handler.fail(error);
    }
  });
}

function httpsTarget(
  url: string,
  policy: SsrfPolicy,
): { ok: true; origin: string; path: string } | { ok: false; kind: FetchFailureKind } {
  if (typeof url !== 'string' || !url.startsWith('https://')) {
    return { ok: false, kind: typeof url === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(url) ? 'not_https' : 'invalid_url' };
  }
  const check = checkTargetUrl(url, policy);
  if (!check.ok) return { ok: false, kind: check.errorClass };
  return { ok: true, origin: check.target.origin, path: check.target.path };
}

/** Abort reason handed to undici (never reaches a caller): the document is over its size limit. */
class BodyLimitError extends AdcpError<'ADCP_DISCOVERY_BODY_LIMIT'> {
  constructor(message: string) {
    super('ADCP_DISCOVERY_BODY_LIMIT', message);
  }
}

/** Abort reason handed to undici (never reaches a caller): deadline passed or response refused. */
class DeadlineError extends AdcpError<'ADCP_DISCOVERY_DEADLINE'> {
  constructor(message: string) {
    super('ADCP_DISCOVERY_DEADLINE', message);
  }
}

/** One GET as an undici dispatch handler: collects at most `maxBytes` and settles exactly once. */
class BoundedGetHandler implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #status = 0;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #settled = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly maxBytes: number,
    timeoutMs: number,
    private readonly settle: (outcome: FetchOutcome) => void,
  ) {
    this.#timer = setTimeout(() => this.#abort({ ok: false, kind: 'timeout' }, new DeadlineError('deadline')), timeoutMs);
    this.#timer.unref();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled) controller.abort(new DeadlineError('abandoned'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, unknown>): void {
    if (statusCode < 200) return;
    this.#status = statusCode;
    if (statusCode >= 300 && statusCode < 400) {
      this.#abort({ ok: false, kind: 'redirect', status: statusCode }, new DeadlineError('redirect refused'), controller);
      return;
    }
    if (statusCode !== 200) {
      this.#abort({ ok: false, kind: 'http_status', status: statusCode }, new DeadlineError('status refused'), controller);
      return;
    }
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      this.#abort({ ok: false, kind: 'too_large' }, new BodyLimitError('declared body over the limit'), controller);
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#bytes += chunk.length;
    if (this.#bytes > this.maxBytes) {
      this.#abort({ ok: false, kind: 'too_large' }, new BodyLimitError('body over the limit'), controller);
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#finish({ ok: true, body: new Uint8Array(Buffer.concat(this.#chunks)) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  /** For a dispatch that failed before or during the response. */
  fail(error: unknown): void {
    this.#finish({ ok: false, kind: failureKindOf(error) });
  }

  #abort(outcome: FetchOutcome, reason: Error, controller = this.#controller): void {
    this.#finish(outcome);
    try {
      controller?.abort(reason);
    } catch {
      // the request is already over
    }
  }

  #finish(outcome: FetchOutcome): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#chunks = [];
    clearTimeout(this.#timer);
    this.settle(outcome);
  }
}

function failureKindOf(error: unknown): FetchFailureKind {
  const errorClass = classifyTransportError(error);
  if (errorClass === 'ssrf_blocked' || errorClass === 'dns_failure' || errorClass === 'timeout') return errorClass;
  if (errorClass === 'connect_timeout') return 'timeout';
  return 'network';
}

/** Operator-facing text for a failed fetch: the kind and status, never an address. */
export function describeFetchFailure(outcome: Extract<FetchOutcome, { ok: false }>, maxBytes: number): string {
  switch (outcome.kind) {
    case 'redirect':
      return `redirect refused (HTTP ${outcome.status})`;
    case 'http_status':
      return `HTTP ${outcome.status}`;
    case 'too_large':
      return `response over ${maxBytes} bytes`;
    case 'ssrf_blocked':
      return 'destination refused by the SSRF policy';
    case 'not_https':
      return 'URL is not https';
    case 'invalid_url':
      return 'URL is not valid';
    case 'dns_failure':
      return 'host name could not be resolved';
    case 'timeout':
      return 'timed out';
    case 'network':
      return 'network or TLS failure';
  }
}
