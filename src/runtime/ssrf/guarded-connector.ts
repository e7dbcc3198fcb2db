// The undici connector that enforces the SSRF policy at the moment a TCP connection is opened:
// it resolves the host once, refuses when ANY address is denied, and connects to the address it
// validated (SNI and certificate checks still use the URL's host name). Because validation and
// connection use the same resolution, a name that resolves public-then-private (DNS rebinding)
// can never reach the private address. IP-literal hosts (which undici never resolves) are checked
// here as well.
import { isIP } from 'node:net';
import type { buildConnector } from 'undici';
import { buildConnector as createSocketConnector } from '../delivery/undici-parts.js';
import { isDeniedAddress } from './deny-list.js';
import { DnsFailureError, SsrfBlockedError } from './errors.js';
import { isLocalHostName, normalizeHostName } from './host-names.js';
import type { SsrfPolicy } from './policy.js';
import { resolveWithin, type HostResolver } from './resolver.js';
import { isPortAllowed } from './target-url.js';

export type SocketConnector = buildConnector.connector;

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
        try {
          connectToResolved(connectOptions, addresses, callback);
        } catch {
          callback(new DnsFailureError(), null); // a resolver that returned something malformed
        }
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

  function connectToResolved(
    connectOptions: buildConnector.Options,
    addresses: readonly { readonly address: string }[],
    callback: buildConnector.Callback,
  ): void {
    const pinned = Array.isArray(addresses) ? addresses[0]?.address : undefined;
    if (typeof pinned !== 'string') {
      callback(new DnsFailureError(), null);
      return;
    }
    if (!policy.allowPrivateNetwork && addresses.some(({ address }) => isDeniedAddress(address))) {
      callback(new SsrfBlockedError(), null);
      return;
    }
    const servername = connectOptions.servername || normalizeHostName(connectOptions.hostname);
    openSafely({ ...connectOptions, hostname: pinned, servername }, callback);
  }

  function openSafely(connectOptions: buildConnector.Options, callback: buildConnector.Callback): void {
    try {
      openSocket(connectOptions, callback);
    } catch (error) {
      callback(error instanceof Error ? error : new Error('connect failed'), null);
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
