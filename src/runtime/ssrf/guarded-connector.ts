// The undici connector that enforces the SSRF policy at the moment a TCP connection is opened:
// it resolves the host once, copies the resolver's answer into plain values (each address read
// exactly once, so a getter cannot show the check one address and the socket another), refuses
// when ANY address is denied, and connects only to the copied addresses it validated (SNI and
// certificate checks still use the URL's host name). Because validation and connection use the
// same copy, a name that resolves public-then-private (DNS rebinding) can never reach the private
// address. Every validated address is tried, Happy Eyeballs style (RFC 8305): families interleaved,
// a new attempt started when the previous one fails or has not connected within 250 ms, the first
// connection wins. IP-literal hosts (which undici never resolves) are checked here as well.
import { isIP } from 'node:net';
import type { buildConnector } from 'undici';
import { buildConnector as createSocketConnector } from '../delivery/undici-parts.js';
import { isDeniedAddress } from './deny-list.js';
import { DnsFailureError, SsrfBlockedError } from './errors.js';
import { isLocalHostName, normalizeHostName } from './host-names.js';
import type { SsrfPolicy } from './policy.js';
import { resolveWithin, type HostResolver } from './resolver.js';
import { isPortAllowed } from './target-url.js';

/**
 * An undici-style `connect` function; the SSRF guard wraps one so every socket goes to an address the policy allows
 * (security.mdx "Webhook URL validation (SSRF)"). Injectable for tests.
 */
export type SocketConnector = buildConnector.connector;

/** RFC 8305 §5 recommends 250 ms between connection attempts. */
const CONNECTION_ATTEMPT_DELAY_MS = 250;
/** A resolver may answer hundreds of addresses; a webhook tries at most this many of them. */
const MAX_ADDRESSES_TRIED = 8;

/** One resolver answer, copied: the only address the guard checks and connects to. */
interface PinnedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export interface GuardedConnectorOptions {
  readonly policy: SsrfPolicy;
  readonly resolver: HostResolver;
  /** Deadline for DNS resolution and for the TCP/TLS handshake, each. */
  readonly connectTimeoutMs: number;
  /**
   * Opens the socket once the destination is validated; receives the validated IP as `hostname`
   * and the URL's host name as `servername`. Default: undici's connector. Tests inject a spy.
   */
  readonly socketConnector?: SocketConnector;
  /** Extra TLS options for the default socket connector (e.g. a private `ca`). */
  readonly tls?: Readonly<Record<string, unknown>>;
}

export function createGuardedConnector(options: GuardedConnectorOptions): SocketConnector {
  const openSocket =
    options.socketConnector ?? createSocketConnector({ ...options.tls, timeout: options.connectTimeoutMs });
  const { policy } = options;

  return (connectOptions, callback) => {
    const hostname = connectOptions.hostname;
    if (!isSchemeAllowed(connectOptions) || !isPortAllowed(portNumber(connectOptions), policy)) {
      callback(new SsrfBlockedError(), null);
      return;
    }
    if (isIP(hostname) !== 0) {
      connectToLiteral(connectOptions, callback);
      return;
    }
    if (!policy.allowPrivateNetwork && isLocalHostName(hostname)) {
      callback(new SsrfBlockedError(), null);
      return;
    }
    resolveWithin(options.resolver, hostname, options.connectTimeoutMs).then(
      (addresses) => {
        connectToResolved(connectOptions, addresses, callback);
      },
      () => callback(new DnsFailureError(), null),
    );
  };

  function connectToLiteral(connectOptions: buildConnector.Options, callback: buildConnector.Callback): void {
    if (!policy.allowPrivateNetwork && isDeniedAddress(connectOptions.hostname)) {
      callback(new SsrfBlockedError(), null);
      return;
    }
    openSafely(connectOptions, callback);
  }

  function connectToResolved(connectOptions: buildConnector.Options, answer: unknown, callback: buildConnector.Callback): void {
    const addresses = copyResolvedAddresses(answer);
    if (addresses === undefined || addresses.length === 0) {
      callback(new DnsFailureError(), null);
      return;
    }
    if (!policy.allowPrivateNetwork && addresses.some(({ address }) => isDeniedAddress(address))) {
      callback(new SsrfBlockedError(), null);
      return;
    }
    const servername = connectOptions.servername || normalizeHostName(connectOptions.hostname);
    connectToFirstReachable(interleaveFamilies(addresses).slice(0, MAX_ADDRESSES_TRIED), connectOptions, servername, callback);
  }

  /**
   * RFC 8305 §5: start with the first address; start the next one as soon as an attempt fails or
   * after CONNECTION_ATTEMPT_DELAY_MS without a connection; the first socket that connects wins
   * and every other one is destroyed. Fails with the last error once every attempt has failed.
   */
  function connectToFirstReachable(
    addresses: readonly PinnedAddress[],
    connectOptions: buildConnector.Options,
    servername: string,
    callback: buildConnector.Callback,
  ): void {
    const pending = new Set<{ destroy(): void }>();
    let next = 0;
    let running = 0;
    let settled = false;
    let lastError: Error = new DnsFailureError();
    let staggerTimer: NodeJS.Timeout | undefined;

    const finish = (...result: Parameters<buildConnector.Callback>): void => {
      settled = true;
      clearTimeout(staggerTimer);
      for (const socket of pending) socket.destroy();
      pending.clear();
      callback(...result);
    };
    const startNext = (): void => {
      clearTimeout(staggerTimer);
      const pinned = addresses[next];
      if (settled || pinned === undefined) return;
      next += 1;
      running += 1;
      let opening: { destroy(): void } | undefined;
      const returned = openSafely({ ...connectOptions, hostname: pinned.address, servername }, (error, socket) => {
        running -= 1;
        if (opening !== undefined) pending.delete(opening);
        if (settled) {
          socket?.destroy();
          return;
        }
        if (!error && socket) {
          finish(null, socket);
          return;
        }
        lastError = error ?? new Error('connect failed');
        if (next < addresses.length) startNext();
        else if (running === 0) finish(lastError, null);
      });
      if (!settled && isDestroyable(returned)) {
        opening = returned;
        pending.add(returned);
      }
      if (!settled && next < addresses.length) {
        staggerTimer = setTimeout(startNext, CONNECTION_ATTEMPT_DELAY_MS);
        staggerTimer.unref();
      }
    };
    startNext();
  }

  /** Returns what the socket connector returned (undici's returns the socket being opened). */
  function openSafely(connectOptions: buildConnector.Options, callback: buildConnector.Callback): unknown {
    try {
      return (openSocket as (options: buildConnector.Options, done: buildConnector.Callback) => unknown)(connectOptions, callback);
    } catch (error) {
      callback(error instanceof Error ? error : new Error('connect failed'), null);
      return undefined;
    }
  }

  function isSchemeAllowed(connectOptions: buildConnector.Options): boolean {
    return connectOptions.protocol === 'https:' || policy.allowPrivateNetwork;
  }
}

function portNumber(connectOptions: buildConnector.Options): number {
  if (connectOptions.port !== '' && connectOptions.port !== undefined) {
    return Number(connectOptions.port);
  }
  return connectOptions.protocol === 'https:' ? 443 : 80;
}

/**
 * Copies a resolver's answer once into plain values: the address text, and the family it has as
 * an IP literal (the resolver's `family` is not trusted). Undefined when the answer is not a list
 * of readable entries (a getter or Proxy that throws, a non-string address): DNS failure, closed.
 */
function copyResolvedAddresses(answer: unknown): PinnedAddress[] | undefined {
  try {
    if (!Array.isArray(answer)) return undefined;
    const entries: unknown[] = Array.from(answer as unknown[]);
    const copies: PinnedAddress[] = [];
    for (const entry of entries) {
      if (typeof entry !== 'object' || entry === null) return undefined;
      const address: unknown = (entry as { address?: unknown }).address;
      if (typeof address !== 'string') return undefined;
      const family = isIP(address);
      copies.push({ address, family: family === 6 ? 6 : 4 });
    }
    return copies;
  } catch {
    return undefined;
  }
}

/** RFC 8305 §4: alternate address families, starting with the family of the first answer. */
function interleaveFamilies(addresses: readonly PinnedAddress[]): PinnedAddress[] {
  const first = addresses[0]?.family;
  const preferred = addresses.filter((entry) => entry.family === first);
  const other = addresses.filter((entry) => entry.family !== first);
  const ordered: PinnedAddress[] = [];
  for (let index = 0; index < Math.max(preferred.length, other.length); index += 1) {
    if (index < preferred.length) ordered.push(preferred[index]!);
    if (index < other.length) ordered.push(other[index]!);
  }
  return ordered;
}

function isDestroyable(value: unknown): value is { destroy(): void } {
  return typeof value === 'object' && value !== null && typeof (value as { destroy?: unknown }).destroy === 'function';
}
