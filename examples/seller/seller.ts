// A minimal AdCP seller: an MCP server over Streamable HTTP (the official MCP TypeScript SDK) on
// plain node:http, wiring both webhook paths, and publishing its signing key:
//   - POST /mcp                    the MCP endpoint (tools below);
//   - GET  /.well-known/brand.json  brand.json naming this agent and its `jwks_uri`;
//   - GET  /.well-known/jwks.json   the public signing key(s).
// Tools:
//   - get_adcp_capabilities        with the `webhook_signing`, `identity` and `wholesale_feed_webhooks` blocks;
//   - get_products / get_signals   synchronous wholesale reads (never a task, never a webhook): the
//     repair paths the wholesale feed webhook event types require;
//   - create_media_buy runs as a task (the conformant path, always on): the buyer gets
//     `{ task_id, status: 'submitted' }` at once, then the terminal `completed` task webhook (and,
//     with `progressWebhooks`, a `working` one before it);
//   - update_media_buy and sync_creatives answer synchronously; the opt-in sync-completion gate
//     (off by default, non-conformant from AdCP 3.0.26 on) may also send a `completed` webhook;
//   - sync_accounts / list_accounts with account-level webhook subscribers (`notification_configs`,
//     the subscriber registry: accounts.ts).
// A replayed request (same idempotency_key) gets the cached response with `replayed: true`.
// In your project, import from 'adcp-codegen' instead of '../../src/index.js'.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import {
  createSubscriberRegistry,
  createSyncCompletionGate,
  extractPushNotificationConfig,
  maybeEmitSyncCompletion,
  silentLogger,
  startTaskLifecycle,
  type InvalidRequestError,
  type Logger,
  type PushConfigPolicy,
  type PublicJwk,
  type PushNotificationConfig,
  type Rfc9421WebhookSigner,
  type SyncCompletionGate,
  type types,
  type WebhookSender,
} from '../../src/index.js';
import { Accounts } from './accounts.js';
import { endpointsFor, sellerIdentity, type SellerEndpoints, type SellerIdentity } from './identity.js';
import { handleMcpRequest, type McpTools, type ToolAnswer } from './mcp-endpoint.js';

export interface SellerOptions {
  /** Background delivery (createWebhookSender over createWebhookDelivery). */
  readonly sender: WebhookSender;
  /**
   * The RFC 9421 signer the sender signs with: `webhook_signing` lists exactly its algorithm. It
   * also signs the `notification_configs` proof-of-control challenge (sync_accounts.mdx — "Endpoint
   * proof of control": always the seller's RFC 9421 webhook profile key).
   */
  readonly signer: Rfc9421WebhookSigner;
  /** The public half of its key (`publicJwkOf(privateJwk)`), published in the JWKS. */
  readonly publicJwk: PublicJwk;
  /**
   * How push_notification_config is judged; pass the delivery runtime's SSRF options. Loopback or
   * private webhook URLs are refused unless `unsafeAllowPrivateNetwork` is set (development only).
   */
  readonly pushConfigPolicy?: PushConfigPolicy;
  /** Opt-in sync-completion webhooks (non-conformant from AdCP 3.0.26 on). Default false. */
  readonly syncCompletion?: boolean;
  /**
   * Also send a `working` webhook before the terminal one. Default false: the spec requires only
   * the terminal notification (building/by-layer/L3/async-operations.mdx), and a conformance
   * runner that groups every delivery to one registration URL as one event grades extra ones as
   * duplicates (see README.md).
   */
  readonly progressWebhooks?: boolean;
  /**
   * Serve AdCP 3.0 buyers, whose push_notification_config has no `operation_id` (3.0.26
   * core/push-notification-config.json has none; the 3.0 runner puts its id in the URL path). Their
   * webhooks follow the 3.0.26 core/mcp-webhook-payload.json envelope, which has no `operation_id`
   * either; the seller never derives one from the URL. Default true (the seller advertises 3.0);
   * false refuses such registrations with INVALID_REQUEST, as 3.1 allows.
   */
  readonly adcp30Registrations?: boolean;
  /** Simulated approval time of a media buy (submitted → completed). Default 50 ms. */
  readonly approvalDelayMs?: number;
  /** The origin buyers reach this seller at (default: the listening `http://host:port`). */
  readonly publicOrigin?: string;
  readonly logger?: Logger;
}

export interface RunningSeller {
  /** The MCP endpoint (the brand.json `agents[].url`). */
  readonly url: string;
  /** The MCP endpoint on the listening socket (differs from `url` behind a proxy). */
  readonly localUrl: string;
  readonly endpoints: SellerEndpoints;
  readonly identity: SellerIdentity;
  readonly gate: SyncCompletionGate;
  /** Stops accepting requests and hands scheduled webhooks to delivery (drain delivery after). */
  close(): Promise<void>;
}

type ToolArguments = Record<string, unknown>;
type CachedResponse = { readonly kind: 'task' | 'sync' | 'accounts'; readonly body: Record<string, unknown> };

const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_CACHED_RESPONSES = 10_000;
const REPLAY_TTL_SECONDS = 86_400;
const ANY_OBJECT = { type: 'object', additionalProperties: true } as const;

/**
 * protocol/get_adcp_capabilities.mdx — wholesale_feed_webhooks: the event types subscribers may
 * register through sync_accounts `notification_configs[]`. "Capability consistency": `product.*`
 * needs wholesale get_products (`media_buy.buying_modes`), `signal.*` wholesale get_signals
 * (`signals.discovery_modes`), `wholesale_feed.bulk_change` either; both are declared. Both feeds
 * are empty and the same for every caller, so the per-principal scope predicate holds trivially.
 */
const WHOLESALE_FEED_WEBHOOKS = {
  supported: true,
  event_types: ['product.created', 'product.updated', 'product.priced', 'product.removed', 'signal.created', 'signal.updated', 'signal.priced', 'signal.removed', 'wholesale_feed.bulk_change'],
} as const;

const TOOLS: readonly Tool[] = [
  { name: 'get_adcp_capabilities', description: 'AdCP capabilities of this seller', inputSchema: ANY_OBJECT },
  { name: 'get_products', description: 'Products (synchronous, wholesale feed; this example sells nothing)', inputSchema: ANY_OBJECT },
  { name: 'get_signals', description: 'Signals (synchronous, wholesale feed; this example has none)', inputSchema: ANY_OBJECT },
  { name: 'create_media_buy', description: 'Create a media buy (async task; webhooks to push_notification_config)', inputSchema: ANY_OBJECT },
  { name: 'update_media_buy', description: 'Update a media buy (synchronous)', inputSchema: ANY_OBJECT },
  { name: 'sync_creatives', description: 'Sync creatives (synchronous)', inputSchema: ANY_OBJECT },
  { name: 'sync_accounts', description: 'Provision accounts or update their settings, account-level webhook subscribers included', inputSchema: ANY_OBJECT },
  { name: 'list_accounts', description: 'Accounts with their persisted webhook subscribers', inputSchema: ANY_OBJECT },
];

/**
 * Starts the seller on `listen` (default 127.0.0.1, a free port): the MCP endpoint at `/mcp`, the
 * JWKS and brand.json under `/.well-known/`. Throws when the key cannot be published or advertised.
 */
export async function startSeller(options: SellerOptions, listen: { host?: string; port?: number } = {}): Promise<RunningSeller> {
  let seller: Seller | undefined;
  const server = createServer((request, response) => {
    if (seller === undefined) replyJson(response, 503, { error: 'starting' }); // listening, identity not built yet
    else void seller.handle(request, response);
  });
  const host = listen.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoints = endpointsFor(options.publicOrigin ?? `http://${host}:${port}`);
  try {
    // legacy_hmac_fallback: the sender honors push_notification_config.authentication (HMAC-SHA256).
    seller = new Seller(options, sellerIdentity(endpoints, { signer: options.signer, publicJwk: options.publicJwk, legacyHmacFallback: true }));
  } catch (error) {
    server.close(); // e.g. a key that cannot be published: do not leave the socket open
    throw error;
  }
  const running = seller;
  const localUrl = `http://${host}:${port}/mcp`;
  return { url: endpoints.agentUrl, localUrl, endpoints, identity: running.identity, gate: running.gate, close: () => running.close(server) };
}

class Seller implements McpTools {
  readonly tools = TOOLS;
  readonly gate: SyncCompletionGate;
  readonly identity: SellerIdentity;
  readonly #options: SellerOptions;
  readonly #pushConfigPolicy: PushConfigPolicy;
  readonly #logger: Logger;
  readonly #responses = new Map<string, CachedResponse>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #accounts: Accounts;

  constructor(options: SellerOptions, identity: SellerIdentity) {
    this.#options = options;
    this.identity = identity;
    this.#logger = options.logger ?? silentLogger;
    this.#pushConfigPolicy = { ...options.pushConfigPolicy, requireOperationId: options.adcp30Registrations === false };
    this.#accounts = new Accounts(subscriberRegistry(options, identity));
    this.gate = createSyncCompletionGate({
      enabled: options.syncCompletion === true,
      sender: options.sender,
      logger: this.#logger,
      pushConfigPolicy: this.#pushConfigPolicy,
    });
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      if (await this.identity.publication.node(request, response)) return; // JWKS, brand.json
      const path = new URL(request.url ?? '/', 'http://seller.invalid').pathname;
      if (path === '/mcp') await this.#mcp(request, response);
      else replyJson(response, 404, { error: 'not found' });
    } catch {
      if (!response.headersSent) replyJson(response, 500, { error: 'internal error' });
      else response.destroy();
    }
  }

  async #mcp(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = request.method === 'POST' ? await readJson(request) : undefined;
    if (request.method === 'POST' && body === undefined) {
      replyJson(response, 400, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error: expected a JSON-RPC body' }, id: null });
      return;
    }
    await handleMcpRequest(this, request, response, body);
  }

  async close(server: Server): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.gate.flush();
  }

  call(tool: string, args: ToolArguments): ToolAnswer | Promise<ToolAnswer> {
    if (tool === 'get_adcp_capabilities') return { body: this.#capabilities(contextOf(args)) };
    if (tool === 'get_products') return { body: getProducts(contextOf(args)) };
    if (tool === 'get_signals') return { body: getSignals(contextOf(args)) };
    if (tool === 'list_accounts') return this.#accounts.list(args).then((body) => ({ body: withContext(body, args) }));
    const replayKey = typeof args['idempotency_key'] === 'string' ? `${tool}\u0000${args['idempotency_key']}` : undefined;
    const cached = replayKey === undefined ? undefined : this.#responses.get(replayKey);
    if (cached !== undefined) {
      const replayed = { ...cached.body, replayed: true };
      // Only a synchronous answer ever goes through the gate (whose replay memory then skips it);
      // a task's submitted response never does: its lifecycle announces the outcome.
      return cached.kind === 'sync' ? this.#respondSync(tool, args, replayed) : { body: replayed };
    }

    const pushConfig = extractPushNotificationConfig(args, this.#pushConfigPolicy);
    if (pushConfig?.kind === 'rejected') return invalidRequest(pushConfig.errors, args['context']);
    const registration = pushConfig?.kind === 'ok' ? pushConfig.config : undefined;
    if (tool === 'sync_accounts') return this.#syncAccounts(args, replayKey);

    const answer = this.#runTool(tool, args, registration);
    if (answer.isError !== true && replayKey !== undefined) {
      this.#remember(replayKey, { kind: tool === 'create_media_buy' ? 'task' : 'sync', body: answer.body });
    }
    return answer;
  }

  /** Answered synchronously (every account is active at once); remembered for replay like the others. */
  async #syncAccounts(args: ToolArguments, replayKey: string | undefined): Promise<ToolAnswer> {
    const body = withContext(await this.#accounts.sync(args), args);
    if (replayKey !== undefined) this.#remember(replayKey, { kind: 'accounts', body });
    return { body };
  }

  /** protocol/get-adcp-capabilities-response.json, with the signing posture the runtime really has. */
  #capabilities(context: types.ContextObject | undefined): Record<string, unknown> {
    return {
      adcp: { major_versions: [3], supported_versions: ['3.0', '3.1'], idempotency: { supported: true, replay_ttl_seconds: REPLAY_TTL_SECONDS } },
      supported_protocols: ['media_buy', 'signals'],
      media_buy: { buying_modes: ['wholesale'] },
      signals: { discovery_modes: ['wholesale'] },
      webhook_signing: this.identity.webhookSigning,
      identity: this.identity.identity,
      wholesale_feed_webhooks: WHOLESALE_FEED_WEBHOOKS,
      ...(context === undefined ? {} : { context }),
    };
  }

  #runTool(tool: string, args: ToolArguments, pushConfig: PushNotificationConfig | undefined): ToolAnswer {
    const context = contextOf(args);
    switch (tool) {
      case 'create_media_buy':
        return { body: this.#createMediaBuyAsTask(pushConfig, context) };
      case 'update_media_buy':
        return this.#respondSync(tool, args, projectToWire(updateMediaBuy(args, context)));
      case 'sync_creatives':
        return this.#respondSync(tool, args, projectToWire(syncCreatives(args, context)));
      default:
        return adcpError({ code: 'UNSUPPORTED_FEATURE', message: 'tool not supported by this seller' }, args['context']);
    }
  }

  /** The conformant path: a submitted first response, then task webhooks as the task moves on. */
  #createMediaBuyAsTask(pushConfig: PushNotificationConfig | undefined, context: types.ContextObject | undefined): Record<string, unknown> {
    const adcp30 = pushConfig !== undefined && pushConfig.operation_id === undefined;
    const task = startTaskLifecycle({
      sender: this.#options.sender,
      taskType: 'create_media_buy',
      pushConfig: adcp30 ? undefined : pushConfig, // a 3.0 registration is answered below
      initialStatus: 'submitted',
      logger: this.#logger,
      ...(context === undefined ? {} : { context }),
    });
    const delay = this.#options.approvalDelayMs ?? 50;
    if (this.#options.progressWebhooks === true && !adcp30) {
      this.#later(delay, () => task.update('working', { percentage: 50, current_step: 'io_signature' }));
    }
    this.#later(delay * 2, () => {
      const result: types.CreateMediaBuyResponse = {
        status: 'completed',
        media_buy_id: `mb_${randomUUID().slice(0, 8)}`,
        media_buy_status: 'pending_creatives',
        revision: 1,
        confirmed_at: new Date().toISOString(),
        packages: [],
      };
      if (adcp30) this.#sendAdcp30Completion(pushConfig, task.taskId, { ...result, ...(context === undefined ? {} : { context }) });
      else task.update('completed', result);
    });
    return { ...task.initialResponse };
  }

  /**
   * The terminal webhook to an AdCP 3.0 registration: the 3.0.26 core/mcp-webhook-payload.json
   * envelope (no `operation_id`, `token` echoed), signed and delivered like every other webhook.
   * The example bundles only the 3.1.19 binding, so it writes these few members by hand; a seller
   * with a generated 3.0 binding passes it to startTaskLifecycle instead (README "Serving several
   * AdCP versions").
   */
  #sendAdcp30Completion(pushConfig: PushNotificationConfig, taskId: string, result: Record<string, unknown>): void {
    const envelope = {
      task_id: taskId,
      task_type: 'create_media_buy',
      status: 'completed',
      timestamp: new Date().toISOString(),
      result,
      ...(pushConfig.token === undefined ? {} : { token: pushConfig.token }),
    };
    const outcome = this.#options.sender.send({ pushConfig, payload: envelope });
    if (!outcome.queued) this.#logger.log('warn', 'AdCP 3.0 webhook not queued', { reason: outcome.reason, task_id: taskId });
  }

  /** A synchronous answer; the opt-in gate sees exactly the response the buyer gets. */
  #respondSync(tool: string, args: ToolArguments, response: Record<string, unknown>): ToolAnswer {
    maybeEmitSyncCompletion(this.gate, { tool, params: args, response });
    return { body: response };
  }

  #remember(key: string, response: CachedResponse): void {
    if (this.#responses.size >= MAX_CACHED_RESPONSES) this.#responses.clear();
    this.#responses.set(key, response);
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }
}

/**
 * The account-level subscriber registry. Its SSRF policy is the push_notification_config one: the
 * storyboards' paused `https://example.com` subscribers are judged on write without DNS, and a
 * challenge goes out only through the SSRF-guarded connector, when a subscriber is to be active.
 */
function subscriberRegistry(options: SellerOptions, identity: SellerIdentity) {
  const ssrf = options.pushConfigPolicy ?? {};
  return createSubscriberRegistry({
    signer: options.signer,
    sellerAgentUrl: identity.endpoints.agentUrl,
    allowHttp: ssrf.unsafeAllowPrivateNetwork === true, // development only, like push_notification_config
    ssrf,
  });
}

/**
 * A wholesale product-feed read: always synchronous, so a push_notification_config on it opens no
 * task and sends no webhook (media-buy/task-reference/get_products: wholesale reads MUST NOT enter
 * Submitted). The example's catalogue is empty.
 */
function getProducts(context: types.ContextObject | undefined): Record<string, unknown> {
  return { products: [], ...(context === undefined ? {} : { context }) };
}

/**
 * A wholesale signals-feed read (signals/tasks/get_signals.mdx — `discovery_mode`: wholesale reads
 * "MUST NOT route through the async/Submitted arm"). The example's signals feed is empty.
 */
function getSignals(context: types.ContextObject | undefined): Record<string, unknown> {
  return { signals: [], ...(context === undefined ? {} : { context }) };
}

/** What the platform returns, internal bookkeeping included. */
function updateMediaBuy(args: ToolArguments, context: types.ContextObject | undefined): Record<string, unknown> {
  return {
    status: 'completed',
    media_buy_id: typeof args['media_buy_id'] === 'string' ? args['media_buy_id'] : 'mb_unknown',
    media_buy_status: 'active',
    revision: 2,
    affected_packages: [],
    ctx_metadata: { ad_server_order_id: 'internal-order-123' },
    ...(context === undefined ? {} : { context }),
  };
}

/** creative/sync-creatives-response.json — `creatives[].creative_id`: "Creative ID from the request". */
function syncCreatives(args: ToolArguments, context: types.ContextObject | undefined): Record<string, unknown> {
  const creatives = Array.isArray(args['creatives']) ? (args['creatives'] as unknown[]) : [];
  const idOf = (creative: unknown, index: number): string => {
    const id = typeof creative === 'object' && creative !== null ? (creative as ToolArguments)['creative_id'] : undefined;
    return typeof id === 'string' ? id : `cr_${index + 1}`;
  };
  return {
    status: 'completed',
    creatives: creatives.map((creative, i) => ({ creative_id: idOf(creative, i), action: 'created' })),
    ctx_metadata: { review_queue: 'internal' },
    ...(context === undefined ? {} : { context }),
  };
}

/** Strips what the seller keeps to itself: the buyer (and any webhook) sees only the wire response. */
function projectToWire(result: Record<string, unknown>): Record<string, unknown> {
  const { ctx_metadata: _internal, ...wire } = result;
  return wire;
}

function withContext(body: Record<string, unknown>, args: ToolArguments): Record<string, unknown> {
  const context = contextOf(args);
  return context === undefined ? body : { ...body, context };
}

function contextOf(args: ToolArguments): types.ContextObject | undefined {
  const context = args['context'];
  return typeof context === 'object' && context !== null && !Array.isArray(context) ? (context as types.ContextObject) : undefined;
}

/** An AdCP error response (mcp-guide.mdx: `isError: true`, the error in `adcp_error`), echoing context. */
function adcpError(error: { code: string; message: string }, context: unknown): ToolAnswer {
  return { isError: true, body: { errors: [error], adcp_error: error, ...(context === undefined ? {} : { context }) } };
}

function invalidRequest(errors: readonly InvalidRequestError[], context: unknown): ToolAnswer {
  return { isError: true, body: { errors, adcp_error: errors[0], ...(context === undefined ? {} : { context }) } };
}

/** The request body parsed as JSON, or `undefined` when absent, too large or not JSON. */
async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk);
  }
  if (size === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function replyJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
