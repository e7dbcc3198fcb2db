// Options shared by the background delivery API and the store worker, with their documented
// defaults, resolved once into the parts the delivery loop runs on.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { guardLogger, type Logger } from '../logging/logger.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import type { SocketConnector } from '../ssrf/guarded-connector.js';
import { resolveSsrfPolicy, type SsrfPolicy } from '../ssrf/policy.js';
import { systemResolver, type HostResolver } from '../ssrf/resolver.js';
import type { SigningDescriptor } from '../store/delivery-store.js';
import { systemClock, type DeliveryClock } from './clock.js';
import type { DeliveryObserver } from './result.js';
import { resolveRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { WebhookTransport } from './transport.js';
import { DeliveryConfigError } from './errors.js';

/** Turns a stored delivery's signing descriptor back into a signer (secrets live with the caller). */
export type SignerResolver = (descriptor: SigningDescriptor) => WebhookSigner | Promise<WebhookSigner>;

/**
 * Defaults of the delivery runtime: 64 concurrent attempts, a queue of 10,000, 10 s connect and attempt timeouts,
 * 64 KiB of response body read, 1 MiB largest webhook body, 4 s keep-alive, 1,024 pooled origins, 1 s worker poll.
 */
export const DELIVERY_DEFAULTS = Object.freeze({
  concurrency: 64,
  maxQueue: 10_000,
  connectTimeoutMs: 10_000,
  attemptTimeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  maxBodyBytes: 1024 * 1024,
  keepAliveTimeoutMs: 4_000,
  maxOrigins: 1_024,
  workerPollIntervalMs: 1_000,
});

/**
 * Options shared by `createWebhookDelivery` and `createDurableOutbox`; every field is optional and defaults to
 * {@link DELIVERY_DEFAULTS} / {@link DEFAULT_RETRY_POLICY}. Throws `DeliveryConfigError` on an out-of-range value.
 */
export interface DeliveryRuntimeOptions {
  /** Attempts running at once. Default 64. */
  readonly concurrency?: number;
  /** Backoff, attempt and horizon limits; see DEFAULT_RETRY_POLICY. */
  readonly retry?: Partial<RetryPolicy>;
  /** DNS resolution and TCP/TLS connect deadline, each. Default 10 s. */
  readonly connectTimeoutMs?: number;
  /** Whole-attempt deadline, from dispatch to the end of the response. Default 10 s. */
  readonly attemptTimeoutMs?: number;
  /** Largest serialized webhook body accepted (AdCP receivers refuse > 1 MB). Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Response bytes read (and discarded) before the connection is cut. Default 64 KiB. */
  readonly maxResponseBytes?: number;
  /** Idle keep-alive socket lifetime. Default 4 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Distinct receiver origins with open pools at once. Default 1,024. */
  readonly maxOrigins?: number;
  /**
   * DANGEROUS — tests and local development only: allows `http:` URLs and loopback, private and
   * other denied addresses. Logged as a warning once.
   */
  readonly unsafeAllowPrivateNetwork?: boolean;
  /** Allowed destination ports; default every port. `HARDENED_WEBHOOK_PORTS` = [443, 8443]. */
  readonly allowedPorts?: readonly number[];
  /** DNS resolver used by the SSRF guard. Default: the system resolver (all addresses). */
  readonly resolver?: HostResolver;
  /** Opens sockets under the SSRF guard (receives the validated IP). For tests and instrumentation. */
  readonly socketConnector?: SocketConnector;
  /** TLS options for the default socket connector, e.g. `{ ca }` for a private PKI. */
  readonly tls?: Readonly<Record<string, unknown>>;
  /** Receives the runtime's log lines; a logger that throws or misbehaves never affects delivery. */
  readonly logger?: Logger;
  /**
   * Log webhook URLs with their full path. Default false: origin plus a short hash of the path,
   * since a capability URL's path is a secret. Query strings are never logged either way.
   */
  readonly logUrlPaths?: boolean;
  /** Receives every DeliveryResult (delivered, failed or refused). */
  readonly observer?: DeliveryObserver;
  /** Retry scheduling clock. Default: wall clock and setTimeout. */
  readonly clock?: DeliveryClock;
  /** Jitter source in [0, 1). Default Math.random. */
  readonly random?: () => number;
  /** Lease owner name in the store. Default `<host>:<pid>:<random>`. */
  readonly workerId?: string;
  /** How long a claimed delivery stays leased. Default attemptTimeoutMs + 30 s. */
  readonly leaseMs?: number;
  /** Poll the store this often for work enqueued elsewhere or expired leases. */
  readonly pollIntervalMs?: number;
  /** Signer for deliveries claimed from the store that this process did not enqueue. */
  readonly resolveSigner?: SignerResolver;
}

export interface ResolvedRuntime {
  readonly transport: WebhookTransport;
  readonly retryPolicy: RetryPolicy;
  readonly ssrfPolicy: SsrfPolicy;
  readonly clock: DeliveryClock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly logUrlPaths: boolean;
  readonly workerId: string;
  readonly concurrency: number;
  readonly leaseMs: number;
}

export function resolveRuntime(options: DeliveryRuntimeOptions): ResolvedRuntime {
  const logger = guardLogger(options.logger);
  const ssrfPolicy = resolveSsrfPolicy(
    { unsafeAllowPrivateNetwork: options.unsafeAllowPrivateNetwork === true, ...(options.allowedPorts ? { allowedPorts: options.allowedPorts } : {}) },
    logger,
  );
  const concurrency = positiveInteger('concurrency', options.concurrency ?? DELIVERY_DEFAULTS.concurrency);
  const connectTimeoutMs = positiveInteger('connectTimeoutMs', options.connectTimeoutMs ?? DELIVERY_DEFAULTS.connectTimeoutMs);
  const attemptTimeoutMs = positiveInteger('attemptTimeoutMs', options.attemptTimeoutMs ?? DELIVERY_DEFAULTS.attemptTimeoutMs);
  const transport = new WebhookTransport({
    policy: ssrfPolicy,
    resolver: options.resolver ?? systemResolver,
    connectTimeoutMs: Math.min(connectTimeoutMs, attemptTimeoutMs),
    attemptTimeoutMs,
    maxResponseBytes: nonNegativeInteger('maxResponseBytes', options.maxResponseBytes ?? DELIVERY_DEFAULTS.maxResponseBytes),
    maxConnectionsPerOrigin: concurrency,
    maxOrigins: positiveInteger('maxOrigins', options.maxOrigins ?? DELIVERY_DEFAULTS.maxOrigins),
    keepAliveTimeoutMs: positiveInteger('keepAliveTimeoutMs', options.keepAliveTimeoutMs ?? DELIVERY_DEFAULTS.keepAliveTimeoutMs),
    ...(options.socketConnector ? { socketConnector: options.socketConnector } : {}),
    ...(options.tls ? { tls: options.tls } : {}),
  });
  return {
    transport,
    retryPolicy: resolveRetryPolicy(options.retry),
    ssrfPolicy,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    logger,
    logUrlPaths: options.logUrlPaths === true,
    workerId: options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    concurrency,
    leaseMs: positiveInteger('leaseMs', options.leaseMs ?? attemptTimeoutMs + 30_000),
  };
}

export function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new DeliveryConfigError(`${name} must be a positive integer`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw new DeliveryConfigError(`${name} must be an integer >= 0`);
  return value;
}
