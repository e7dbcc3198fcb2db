// The buyer's webhook receiver: one call takes method, URL, headers and the raw body and runs, in
// the spec's order, the checks before any crypto (webhooks.mdx "Security requirements":
// application/json, 1 MB cap), authentication in the registration's mode (security.mdx "Webhook
// callbacks"), the push_notification_config token, envelope validation, dedup on (authenticated
// sender, idempotency_key) (webhooks.mdx "Reliability"), then re-emission and ordering signals.
import { createHash } from 'node:crypto';
import type { AnyAdcpBinding } from '../binding/index.js';
import { AdcpError } from '../errors/adcp-error.js';
import { DEFAULT_BINDING, type DefaultBinding } from '../routing/binding-types.js';
import type { WebhookKeySource } from '../keys/webhook-key-source.js';
import { silentLogger, type Logger, type LogLevel } from '../logging/logger.js';
import { tokensEqual } from '../signing/constant-time.js';
import type {
  BoundReceivedEvent,
  ReceiveOutcome,
  ReceivedWebhookEvent,
  WebhookEventFacts,
  WebhookAuthMode,
  WebhookDuplicate,
  WebhookFormat,
  WebhookRejection,
} from './events.js';
import { createNotificationTracker, createTaskOrderTracker, type NotificationTracker, type TaskOrderTracker } from './event-tracking.js';
import { createMemoryDedupStore, createMemoryNonceStore } from './memory-stores.js';
import { detectWebhookFormat, extractA2aWebhook } from './payload-formats.js';
import type { RegistrationResolver, WebhookRegistration } from './registration.js';
import { rejection } from './rejections.js';
import { snapshotRequest, type RequestSnapshot, type WebhookRequest } from './request-snapshot.js';
import type { DedupToken, EventDedupStore, NonceStore } from './store-contract.js';
import { authenticate, type AuthenticatedSender } from './verify-sender.js';

/** webhooks.mdx "Security requirements": receivers SHOULD enforce a 1 MB limit. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** webhooks.mdx "Reliability": dedup state persists at least 24 h. */
export const DEFAULT_DEDUP_RETENTION_MS = 24 * 60 * 60 * 1000;
const DEFAULT_DEDUP_LEASE_MS = 30_000;

/**
 * Options of `createWebhookReceiverCore` and `createWebhookReceiver` (security.mdx "Webhook callbacks";
 * webhooks.mdx "Reliability"). Only `registration` is required; an RFC 9421 registration also needs
 * `keys`. Defaults: the bundled binding, in-memory nonce and dedup stores (one process only), body cap
 * 1 MiB (`DEFAULT_MAX_BODY_BYTES`), replay scope `shared`, dedup retention 24 h
 * (`DEFAULT_DEDUP_RETENTION_MS`), dedup lease 30 s, `trustProxy` and `explain` off, `Date.now`, the
 * default re-emission and ordering trackers, a silent logger. Unusable options (a number that is not a
 * positive integer, a `publicBaseUrl` other than an http(s) origin with an optional path) throw
 * `ReceiverConfigError`.
 */
export interface WebhookReceiverOptions<B extends AnyAdcpBinding = DefaultBinding> {
  /**
   * The AdCP version whose binding validates envelopes and types the events; a registration's own
   * `binding` takes precedence for its deliveries. Default: the bundled binding.
   */
  readonly binding?: B;
  /** Where signers' keys come from (RFC 9421 registrations): `staticKeySource(...)` or discovery. */
  readonly keys?: WebhookKeySource;
  /** `(keyid, nonce)` replay store; default in memory (one process only). */
  readonly nonces?: NonceStore;
  /** `(sender, idempotency_key)` dedup store; default in memory (one process only). */
  readonly dedup?: EventDedupStore;
  /** What was registered at the webhook URL(s): one registration or a lookup. */
  readonly registration: RegistrationResolver;
  /**
   * The public origin (and path prefix) senders address, e.g. `https://buyer.example.com`. The
   * adapters build the signed URL from it and the request target, never from `Host` alone.
   */
  readonly publicBaseUrl?: string;
  /** Adapters only: take scheme and host from `X-Forwarded-Proto` / `X-Forwarded-Host`. Off by default. */
  readonly trustProxy?: boolean;
  /** Body cap checked before any crypto (413); default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Replay keyspace across endpoints (security.mdx "Cross-endpoint scoping"); default `shared`. */
  readonly replayScope?: 'shared' | 'per-endpoint';
  /** How long a processed event stays a duplicate; default 24 h. */
  readonly dedupRetentionMs?: number;
  /** How long a claim holds before another instance may take the event over; default 30 s. */
  readonly dedupLeaseMs?: number;
  /** Attach an explanation (failed step, recomputed signature base) to every rejection. */
  readonly explain?: boolean;
  /** Current time, epoch milliseconds (tests, vectors). */
  readonly now?: () => number;
  /** Recognises re-emitted `notification_id`s (`reEmission`); default `createNotificationTracker()`. */
  readonly notifications?: NotificationTracker;
  /** Recognises out-of-order statuses (`stale`); default `createTaskOrderTracker()`. */
  readonly ordering?: TaskOrderTracker;
  /** Where the receiver and its adapters log; default silent. */
  readonly logger?: Logger;
}

/** Per-request options of `receive`, `claim` and `handle`. */
export interface ReceiveOptions {
  /** Attach an explanation to a rejection of this request; default: the receiver's `explain` option. */
  readonly explain?: boolean;
}

/** An accepted event plus its open dedup claim (settled by the caller). */
export interface ClaimedEvent<E extends WebhookEventFacts = ReceivedWebhookEvent> {
  readonly event: E;
  /** Marks the event processed: later deliveries are duplicates. */
  complete(): Promise<void>;
  /** Gives the claim up: the sender's next retry processes the event again. */
  release(): Promise<void>;
}

/**
 * What `claim` answers: the accepted event with its open dedup claim (run the side effects, then
 * `complete`, or `release` on failure), a duplicate to acknowledge with 2xx, or a rejection
 * (webhooks.mdx "Reliability", "Dedup by `idempotency_key`").
 */
export type ClaimOutcome<E extends WebhookEventFacts = ReceivedWebhookEvent> = ClaimedEvent<E> | WebhookDuplicate | WebhookRejection;

/**
 * The buyer's webhook receiver without handlers, as `createWebhookReceiverCore` makes it: `receive` or
 * `claim` judges one request and the caller writes the HTTP answer itself (security.mdx "Webhook
 * callbacks"; webhooks.mdx "Signature verification", "Reliability").
 */
export interface WebhookReceiverCore<E extends WebhookEventFacts = ReceivedWebhookEvent> {
  /**
   * Verifies, validates and dedups one request and marks the event processed before returning it
   * (webhooks.mdx "Reliability": mark before side effects, fail closed on a crash). Never throws.
   */
  receive(request: WebhookRequest, options?: ReceiveOptions): Promise<ReceiveOutcome<E>>;
  /** Like `receive`, but leaves the dedup claim open for the caller to complete or release. */
  claim(request: WebhookRequest, options?: ReceiveOptions): Promise<ClaimOutcome<E>>;
  /** The configured public base URL, trailing slashes removed: the adapters build the signed URL from it. */
  readonly publicBaseUrl: string | undefined;
  /** Whether the adapters take scheme and host from `X-Forwarded-Proto` / `X-Forwarded-Host`. */
  readonly trustProxy: boolean;
  /** The body cap in bytes, checked before any crypto (413 above it). */
  readonly maxBodyBytes: number;
  /** The configured logger (silent by default). */
  readonly logger: Logger;
  /** Closes the stores. */
  close(): Promise<void>;
}

/** The receiver options are unusable (checked when the receiver is created). */
export class ReceiverConfigError extends AdcpError<'ADCP_RECEIVER_CONFIG_INVALID'> {
  constructor(reason: string) {
    super('ADCP_RECEIVER_CONFIG_INVALID', `webhook receiver options are invalid: ${reason}`);
  }
}

/**
 * Creates the receiver core (security.mdx "Webhook callbacks"; webhooks.mdx "Signature
 * verification", "Reliability", "Payload extraction"). With `options.binding` envelopes are
 * validated by that AdCP version and events typed by it. Throws `ReceiverConfigError` on unusable
 * options; `receive` and `claim` never throw.
 */
export function createWebhookReceiverCore(options: WebhookReceiverOptions): WebhookReceiverCore;
export function createWebhookReceiverCore<B extends AnyAdcpBinding>(
  options: WebhookReceiverOptions<B> & { readonly binding: B },
): WebhookReceiverCore<BoundReceivedEvent<B>>;
export function createWebhookReceiverCore(options: WebhookReceiverOptions<AnyAdcpBinding>): WebhookReceiverCore {
  const config = resolveConfig(options);
  const claim = (request: WebhookRequest, receiveOptions?: ReceiveOptions): Promise<ClaimOutcome> =>
    claimSafely(config, request, receiveOptions?.explain ?? config.explain);
  return {
    claim,
    async receive(request, receiveOptions) {
      const outcome = await claim(request, receiveOptions);
      if (!('event' in outcome)) return outcome;
      await outcome.complete();
      return outcome.event;
    },
    publicBaseUrl: config.publicBaseUrl,
    trustProxy: config.trustProxy,
    maxBodyBytes: config.maxBodyBytes,
    logger: config.logger,
    async close() {
      await Promise.allSettled([config.nonces.close(), config.dedup.close()]);
    },
  };
}

interface ReceiverConfig {
  readonly binding: AnyAdcpBinding;
  readonly keys: WebhookKeySource | undefined;
  readonly nonces: NonceStore;
  readonly dedup: EventDedupStore;
  readonly registration: RegistrationResolver;
  readonly publicBaseUrl: string | undefined;
  readonly trustProxy: boolean;
  readonly maxBodyBytes: number;
  readonly replayScope: 'shared' | 'per-endpoint';
  readonly retentionMs: number;
  readonly leaseMs: number;
  readonly explain: boolean;
  readonly now: () => number;
  readonly notifications: NotificationTracker;
  readonly ordering: TaskOrderTracker;
  readonly logger: Logger;
}

function resolveConfig(options: WebhookReceiverOptions<AnyAdcpBinding>): ReceiverConfig {
  if (typeof options !== 'object' || options === null) throw new ReceiverConfigError('options must be an object');
  const { registration } = options;
  if (typeof registration !== 'function' && (typeof registration !== 'object' || registration === null)) {
    throw new ReceiverConfigError('registration must be a registration object or a lookup function');
  }
  if (typeof registration === 'object' && registration.mode === 'rfc9421' && options.keys === undefined) {
    throw new ReceiverConfigError('an RFC 9421 registration needs a key source (keys)');
  }
  const maxBodyBytes = positiveInteger(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  if (options.publicBaseUrl !== undefined) assertBaseUrl(options.publicBaseUrl);
  if (options.binding !== undefined) assertBinding(options.binding, 'binding');
  if (typeof registration === 'object' && registration.binding !== undefined) assertBinding(registration.binding, 'registration.binding');
  return {
    binding: options.binding ?? DEFAULT_BINDING,
    keys: options.keys,
    nonces: options.nonces ?? createMemoryNonceStore(),
    dedup: options.dedup ?? createMemoryDedupStore(),
    registration,
    publicBaseUrl: options.publicBaseUrl?.replace(/\/+$/, ''),
    trustProxy: options.trustProxy === true,
    maxBodyBytes,
    replayScope: options.replayScope ?? 'shared',
    retentionMs: positiveInteger(options.dedupRetentionMs, DEFAULT_DEDUP_RETENTION_MS, 'dedupRetentionMs'),
    leaseMs: positiveInteger(options.dedupLeaseMs, DEFAULT_DEDUP_LEASE_MS, 'dedupLeaseMs'),
    explain: options.explain === true,
    now: options.now ?? Date.now,
    notifications: options.notifications ?? createNotificationTracker(),
    ordering: options.ordering ?? createTaskOrderTracker(),
    logger: options.logger ?? silentLogger,
  };
}

/** A binding is an object made by defineBinding: it validates envelopes and knows its statuses. */
function assertBinding(binding: AnyAdcpBinding, name: string): void {
  if (typeof binding !== 'object' || binding === null || typeof binding.validateMcpWebhookPayload !== 'function' || typeof binding.isTaskStatus !== 'function') {
    throw new ReceiverConfigError(`${name} must be an AdCP version binding (a generated binding.ts \`binding\`)`);
  }
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new ReceiverConfigError(`${name} must be a positive integer`);
  return value;
}

function assertBaseUrl(base: string): void {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new ReceiverConfigError('publicBaseUrl is not an absolute URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new ReceiverConfigError('publicBaseUrl must be an http(s) origin with an optional path, no query or credentials');
  }
}

async function claimSafely(config: ReceiverConfig, request: WebhookRequest, explain: boolean): Promise<ClaimOutcome> {
  try {
    return await runPipeline(config, request, explain);
  } catch {
    return rejection('webhook_receiver_unavailable', 'store', 'the receiver failed while judging the request');
  }
}

async function runPipeline(config: ReceiverConfig, request: WebhookRequest, explain: boolean): Promise<ClaimOutcome> {
  const snapshot = snapshotRequest(request);
  if (snapshot === undefined) return rejection('webhook_request_invalid', 'request', 'method, url, headers or body is unusable');
  const early = checkBeforeCrypto(snapshot, config.maxBodyBytes);
  if (early !== undefined) return early;
  const registration = await resolveRegistration(config.registration, snapshot);
  if (registration === 'unavailable') return rejection('webhook_receiver_unavailable', 'registration', 'the registration lookup failed');
  if (registration === undefined) return rejection('webhook_registration_unknown', 'registration', 'nothing is registered at this URL');
  const nowMs = config.now();
  const authentication = await authenticate(snapshot, registration, {
    keys: config.keys,
    nonces: config.nonces,
    replayScope: config.replayScope,
    nowSeconds: Math.floor(nowMs / 1000),
    explain,
  });
  if (!('ok' in authentication)) return authentication;
  const decoded = decodeEvent(snapshot, registration, authentication, registration.binding ?? config.binding);
  if (decoded.kind === 'rejected') return decoded;
  return claimEvent(config, decoded, nowMs);
}

/** webhooks.mdx "Security requirements": content type and size are judged before signature work. */
function checkBeforeCrypto(request: RequestSnapshot, maxBodyBytes: number): WebhookRejection | undefined {
  if (request.method.toUpperCase() !== 'POST') return rejection('webhook_method_not_allowed', 'method', 'webhooks are POSTed');
  if (!isJsonMediaType(request.headers.get('content-type'))) {
    return rejection('webhook_content_type_invalid', 'content-type', 'Content-Type is not application/json');
  }
  if (request.body.byteLength > maxBodyBytes) {
    return rejection('webhook_payload_too_large', 'size', `the body exceeds ${maxBodyBytes} bytes`);
  }
  return undefined;
}

/** `application/json`, case-insensitive, parameters (e.g. charset) allowed. */
export function isJsonMediaType(value: string | null): boolean {
  if (value === null) return false;
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase() === 'application/json';
}

async function resolveRegistration(
  resolver: RegistrationResolver,
  request: RequestSnapshot,
): Promise<WebhookRegistration | undefined | 'unavailable'> {
  try {
    const registration = typeof resolver === 'function' ? await resolver({ url: request.url, method: request.method }) : resolver;
    if (registration === undefined || registration === null) return undefined;
    return typeof registration === 'object' ? registration : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

interface DecodedEvent {
  readonly kind: 'decoded';
  readonly event: Omit<ReceivedWebhookEvent, 'reEmission' | 'stale'>;
}

function decodeEvent(
  request: RequestSnapshot,
  registration: WebhookRegistration,
  sender: AuthenticatedSender,
  binding: AnyAdcpBinding,
): DecodedEvent | WebhookRejection {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength).toString('utf8'));
  } catch {
    return rejection('webhook_body_malformed', '14', 'the body is not JSON');
  }
  const format: WebhookFormat | undefined = registration.format ?? detectWebhookFormat(payload);
  if (format === undefined) return rejection('webhook_payload_invalid', 'envelope', 'the body is neither an MCP envelope nor an A2A task');
  const tokenFailure = checkToken(registration, format, payload, request);
  if (tokenFailure !== undefined) return tokenFailure;
  return format === 'mcp' ? decodeMcp(payload, sender, binding) : decodeA2a(payload, registration, sender, request.body, binding);
}

/** The registered `push_notification_config.token`, compared in constant time when one exists. */
function checkToken(
  registration: WebhookRegistration,
  format: WebhookFormat,
  payload: unknown,
  request: RequestSnapshot,
): WebhookRejection | undefined {
  if (registration.token === undefined) return undefined;
  const presented =
    format === 'a2a'
      ? request.headers.get('x-a2a-notification-token')
      : typeof payload === 'object' && payload !== null
        ? (payload as Record<string, unknown>)['token']
        : undefined;
  if (typeof presented === 'string' && tokensEqual(registration.token, presented)) return undefined;
  return rejection('webhook_token_invalid', 'token', 'the push_notification_config token is missing or does not match');
}

/** The envelope members the receiver reads; present (or optional) in every release's envelope. */
interface EnvelopeMembers {
  readonly idempotency_key: string;
  readonly operation_id?: string;
  readonly task_id: string;
  readonly task_type: string;
  readonly status: string;
  readonly timestamp: string;
  readonly context_id?: string;
  readonly message?: string;
  readonly notification_id?: string;
  readonly result?: unknown;
}

function decodeMcp(payload: unknown, sender: AuthenticatedSender, binding: AnyAdcpBinding): DecodedEvent | WebhookRejection {
  const validation = binding.validateMcpWebhookPayload(payload);
  if (!validation.ok) {
    const first = validation.errors[0];
    const where = first === undefined ? '' : ` at ${first.path === '' ? '/' : first.path}: ${first.message}`;
    return rejection('webhook_payload_invalid', 'envelope', `the envelope fails AdCP ${binding.version} core/mcp-webhook-payload.json${where}`);
  }
  // The binding's validator accepted it against its release's envelope schema, which has these members.
  const envelope = validation.value as EnvelopeMembers;
  // Built property by property (no spreads): this object is made once per accepted webhook.
  const event: Record<string, unknown> = { kind: 'event', adcpVersion: binding.version, format: 'mcp', mode: sender.mode, sender: sender.sender };
  if (sender.keyid !== undefined) event['keyid'] = sender.keyid;
  event['taskType'] = envelope.task_type;
  event['status'] = envelope.status;
  event['taskId'] = envelope.task_id;
  if (envelope.operation_id !== undefined) event['operationId'] = envelope.operation_id;
  if (envelope.context_id !== undefined) event['contextId'] = envelope.context_id;
  event['timestamp'] = envelope.timestamp;
  if (envelope.message !== undefined) event['message'] = envelope.message;
  event['idempotencyKey'] = envelope.idempotency_key;
  if (envelope.notification_id !== undefined) event['notificationId'] = envelope.notification_id;
  event['result'] = envelope.result;
  event['payload'] = envelope;
  return { kind: 'decoded', event: event as unknown as DecodedEvent['event'] };
}

function decodeA2a(
  payload: unknown,
  registration: WebhookRegistration,
  sender: AuthenticatedSender,
  body: Uint8Array,
  binding: AnyAdcpBinding,
): DecodedEvent | WebhookRejection {
  const extraction = extractA2aWebhook(payload, binding);
  if (!extraction.ok) return rejection('webhook_payload_invalid', 'envelope', `the A2A body is unusable: ${extraction.reason}`);
  const task = extraction.value;
  return {
    kind: 'decoded',
    event: {
      kind: 'event',
      adcpVersion: binding.version,
      format: 'a2a',
      ...senderFacts(sender),
      taskType: registration.taskType,
      status: task.status,
      taskId: task.taskId,
      ...optional('contextId', task.contextId),
      ...optional('timestamp', task.timestamp),
      // A2A bodies carry no idempotency_key; a retry repeats the same bytes.
      idempotencyKey: `a2a:${createHash('sha256').update(body).digest('hex')}`,
      result: task.data,
      payload: task.body,
    } as DecodedEvent['event'],
  };
}

function senderFacts(sender: AuthenticatedSender): { mode: WebhookAuthMode; sender: string; keyid?: string } {
  return { mode: sender.mode, sender: sender.sender, ...optional('keyid', sender.keyid) };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

async function claimEvent(config: ReceiverConfig, decoded: DecodedEvent, nowMs: number): Promise<ClaimOutcome> {
  const { sender, idempotencyKey } = decoded.event;
  let claim;
  try {
    claim = await config.dedup.begin({ sender, idempotencyKey, nowMs, leaseMs: config.leaseMs });
  } catch {
    return rejection('webhook_receiver_unavailable', 'dedup', 'the dedup store failed');
  }
  if (claim?.outcome === 'duplicate') return { kind: 'duplicate', status: 200, sender, idempotencyKey };
  if (claim?.outcome === 'in_progress') return rejection('webhook_event_in_progress', 'dedup', 'another delivery of this event is being processed');
  if (claim?.outcome !== 'claimed') return rejection('webhook_receiver_unavailable', 'dedup', 'the dedup store answered nothing usable');
  const event = withSignals(config, decoded.event);
  return settleable(config, event, claim.token);
}

function withSignals(config: ReceiverConfig, event: DecodedEvent['event']): ReceivedWebhookEvent {
  let reEmission = false;
  let stale = false;
  try {
    if (event.notificationId !== undefined) reEmission = config.notifications.observe(event.sender, event.notificationId, event.idempotencyKey);
    stale = config.ordering.observe(event.sender, event.taskId, event.status, event.timestamp);
  } catch {
    // The trackers are hints; a failing one leaves the event unflagged rather than dropping it.
  }
  // The decoded event is this request's own object: completed in place rather than copied.
  const signalled = event as unknown as Record<string, unknown>;
  signalled['reEmission'] = reEmission;
  signalled['stale'] = stale;
  return signalled as unknown as ReceivedWebhookEvent;
}

function settleable(config: ReceiverConfig, event: ReceivedWebhookEvent, token: DedupToken): ClaimedEvent {
  let settled = false;
  const once = async (settle: () => Promise<void>, what: string): Promise<void> => {
    if (settled) return;
    settled = true;
    try {
      await settle();
    } catch {
      safeLog(config.logger, 'warn', `webhook dedup ${what} failed`, { sender: event.sender, task_id: event.taskId });
    }
  };
  return {
    event,
    complete: () => once(() => config.dedup.complete(token, config.now() + config.retentionMs), 'complete'),
    release: () => once(() => config.dedup.release(token), 'release'),
  };
}

/** Logs without letting a throwing logger break the receiver. */
export function safeLog(logger: Logger, level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void {
  try {
    logger.log(level, message, fields);
  } catch {
    // A logger failure must not change the answer.
  }
}
