// The one undici Agent a delivery runtime owns: keep-alive pools per origin, bounded connections
// and origins, every new connection opened through the SSRF-guarded connector. Redirects are never
// followed (no redirect interceptor is installed).
import type { Agent as UndiciAgent } from 'undici';
import { Agent } from './undici-parts.js';
import { createGuardedConnector, type SocketConnector } from '../ssrf/guarded-connector.js';
import type { SsrfPolicy } from '../ssrf/policy.js';
import type { HostResolver } from '../ssrf/resolver.js';
import { AttemptHandler, type AttemptReport } from './attempt-handler.js';

export interface TransportOptions {
  readonly policy: SsrfPolicy;
  readonly resolver: HostResolver;
  readonly connectTimeoutMs: number;
  readonly attemptTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxConnectionsPerOrigin: number;
  readonly maxOrigins: number;
  readonly keepAliveTimeoutMs: number;
  readonly socketConnector?: SocketConnector;
  readonly tls?: Readonly<Record<string, unknown>>;
}

export interface TransportStats {
  /** Open sockets across all origins. */
  readonly connected: number;
  /** Requests undici is currently running or has queued. */
  readonly busy: number;
}

export class WebhookTransport {
  readonly #agent: UndiciAgent;
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#agent = new Agent({
      connect: createGuardedConnector(options),
      connections: options.maxConnectionsPerOrigin,
      maxOrigins: options.maxOrigins,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // The AttemptHandler's whole-attempt deadline starts before undici's header and body timers
      // would and lasts as long, so those never fire first; off, they cost no timer per request.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
  }

  /** POSTs `body` once; never rejects. */
  post(origin: string, path: string, headers: string[], body: Uint8Array): Promise<AttemptReport> {
    return new Promise((resolve) => {
      const handler = new AttemptHandler(this.#options.maxResponseBytes, this.#options.attemptTimeoutMs, resolve);
      try {
        this.#agent.dispatch({ origin, path, method: 'POST', headers, body }, handler);
      } catch (error) {
        handler.fail(error);
      }
    });
  }

  stats(): TransportStats {
    let connected = 0;
    let busy = 0;
    for (const dispatcherStats of Object.values(this.#agent.stats)) {
      connected += Number(dispatcherStats.connected);
      busy += dispatcherStats.size;
    }
    return { connected, busy };
  }

  /** Closes idle sockets after in-flight requests finish. */
  close(): Promise<void> {
    return this.#agent.close();
  }

  /** Aborts everything now. */
  destroy(): Promise<void> {
    return this.#agent.destroy();
  }
}
