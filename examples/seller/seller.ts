// A minimal AdCP seller on plain node:http, wiring both webhook paths:
//   - create_media_buy runs as a task (the conformant path, always on): the buyer gets
//     `{ task_id, status: 'submitted' }` at once, then `working` and `completed` task webhooks;
//   - update_media_buy and sync_creatives answer synchronously; the opt-in sync-completion gate
//     (off by default, non-conformant from AdCP 3.0.26 on) may also send a `completed` webhook.
// Requests: POST /adcp with `{ "tool": "...", "arguments": { ... } }`; the response is the tool's
// JSON response. A replayed request (same idempotency_key) gets the cached response, `replayed: true`.
// In your project, import from 'adcp-codegen' instead of '../../src/index.js'.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createSyncCompletionGate,
  extractPushNotificationConfig,
  maybeEmitSyncCompletion,
  silentLogger,
  startTaskLifecycle,
  type ContextObject,
  type InvalidRequestError,
  type Logger,
  type PushConfigPolicy,
  type PushNotificationConfig,
  type SyncCompletionGate,
  type WebhookSender,
} from '../../src/index.js';

export interface SellerOptions {
  /** Background delivery (createWebhookSender over createWebhookDelivery). */
  readonly sender: WebhookSender;
  /** How push_notification_config is judged; pass the delivery runtime's SSRF options. */
  readonly pushConfigPolicy?: PushConfigPolicy;
  /** Opt-in sync-completion webhooks (non-conformant from AdCP 3.0.26 on). Default false. */
  readonly syncCompletion?: boolean;
  /** Simulated approval time of a media buy (the task's `working` → `completed`). Default 50 ms. */
  readonly approvalDelayMs?: number;
  readonly logger?: Logger;
}

export interface RunningSeller {
  readonly url: string;
  readonly gate: SyncCompletionGate;
  /** Stops accepting requests and hands scheduled webhooks to delivery (drain delivery after). */
  close(): Promise<void>;
}

type ToolResponse = { readonly httpStatus: number; readonly body: Record<string, unknown> };
type ToolArguments = Record<string, unknown>;
type CachedResponse = { readonly kind: 'task' | 'sync'; readonly body: Record<string, unknown> };

const MAX_REQUEST_BYTES = 1024 * 1024;
const MAX_CACHED_RESPONSES = 10_000;

export async function startSeller(options: SellerOptions, listen: { host?: string; port?: number } = {}): Promise<RunningSeller> {
  const seller = new Seller(options);
  const server = createServer((request, response) => void seller.handle(request, response));
  const host = listen.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/adcp`,
    gate: seller.gate,
    close: () => seller.close(server),
  };
}

class Seller {
  readonly gate: SyncCompletionGate;
  readonly #options: SellerOptions;
  readonly #logger: Logger;
  readonly #responses = new Map<string, CachedResponse>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(options: SellerOptions) {
    this.#options = options;
    this.#logger = options.logger ?? silentLogger;
    this.gate = createSyncCompletionGate({
      enabled: options.syncCompletion === true,
      sender: options.sender,
      logger: this.#logger,
      ...(options.pushConfigPolicy === undefined ? {} : { pushConfigPolicy: options.pushConfigPolicy }),
    });
  }

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    try {
      const call = request.method === 'POST' ? parseCall(await readBody(request)) : undefined;
      const answer = call === undefined ? badRequest('expected POST of {"tool": string, "arguments": object}') : this.#dispatch(call.tool, call.arguments);
      reply(response, answer);
    } catch {
      reply(response, { httpStatus: 500, body: { errors: [{ code: 'SERVICE_UNAVAILABLE', message: 'internal error' }] } });
    }
  }

  async close(server: Server): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.gate.flush();
  }

  #dispatch(tool: string, args: ToolArguments): ToolResponse {
    const replayKey = typeof args['idempotency_key'] === 'string' ? `${tool}\u0000${args['idempotency_key']}` : undefined;
    const cached = replayKey === undefined ? undefined : this.#responses.get(replayKey);
    if (cached !== undefined) {
      const replayed = { ...cached.body, replayed: true };
      // Only a synchronous answer ever goes through the gate (whose replay memory then skips it);
      // a task's submitted response never does: its lifecycle announces the outcome.
      return cached.kind === 'sync' ? this.#respondSync(tool, args, replayed) : { httpStatus: 200, body: replayed };
    }

    const pushConfig = extractPushNotificationConfig(args, this.#options.pushConfigPolicy);
    if (pushConfig?.kind === 'rejected') return invalidRequest(pushConfig.errors, args['context']);
    const registration = pushConfig?.kind === 'ok' ? pushConfig.config : undefined;

    const answer = this.#runTool(tool, args, registration);
    if (answer.httpStatus === 200 && replayKey !== undefined) {
      this.#remember(replayKey, { kind: tool === 'create_media_buy' ? 'task' : 'sync', body: answer.body });
    }
    return answer;
  }

  #runTool(tool: string, args: ToolArguments, pushConfig: PushNotificationConfig | undefined): ToolResponse {
    const context = contextOf(args);
    switch (tool) {
      case 'create_media_buy':
        return { httpStatus: 200, body: this.#createMediaBuyAsTask(pushConfig, context) };
      case 'update_media_buy':
        return this.#respondSync(tool, args, projectToWire(updateMediaBuy(args, context)));
      case 'sync_creatives':
        return this.#respondSync(tool, args, projectToWire(syncCreatives(args, context)));
      default:
        return { httpStatus: 404, body: { errors: [{ code: 'UNSUPPORTED_FEATURE', message: 'tool not supported by this seller' }] } };
    }
  }

  /** The conformant path: a submitted first response, then task webhooks as the task moves on. */
  #createMediaBuyAsTask(pushConfig: PushNotificationConfig | undefined, context: ContextObject | undefined): Record<string, unknown> {
    const task = startTaskLifecycle({
      sender: this.#options.sender,
      taskType: 'create_media_buy',
      pushConfig,
      initialStatus: 'submitted',
      logger: this.#logger,
      ...(context === undefined ? {} : { context }),
    });
    const delay = this.#options.approvalDelayMs ?? 50;
    this.#later(delay, () => task.update('working', { percentage: 50, current_step: 'io_signature' }));
    this.#later(delay * 2, () =>
      task.update('completed', {
        status: 'completed',
        media_buy_id: `mb_${randomUUID().slice(0, 8)}`,
        media_buy_status: 'pending_creatives',
        revision: 1,
        confirmed_at: new Date().toISOString(),
        packages: [],
      }),
    );
    return { ...task.initialResponse };
  }

  /** A synchronous answer; the opt-in gate sees exactly the response the buyer gets. */
  #respondSync(tool: string, args: ToolArguments, response: Record<string, unknown>): ToolResponse {
    maybeEmitSyncCompletion(this.gate, { tool, params: args, response });
    return { httpStatus: 200, body: response };
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

/** What the platform returns, internal bookkeeping included. */
function updateMediaBuy(args: ToolArguments, context: ContextObject | undefined): Record<string, unknown> {
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

function syncCreatives(args: ToolArguments, context: ContextObject | undefined): Record<string, unknown> {
  const creatives = Array.isArray(args['creatives']) ? args['creatives'] : [];
  return {
    status: 'completed',
    creatives: creatives.map((_, i) => ({ creative_id: `cr_${i + 1}`, action: 'created' })),
    ctx_metadata: { review_queue: 'internal' },
    ...(context === undefined ? {} : { context }),
  };
}

/** Strips what the seller keeps to itself: the buyer (and any webhook) sees only the wire response. */
function projectToWire(result: Record<string, unknown>): Record<string, unknown> {
  const { ctx_metadata: _internal, ...wire } = result;
  return wire;
}

function contextOf(args: ToolArguments): ContextObject | undefined {
  const context = args['context'];
  return typeof context === 'object' && context !== null && !Array.isArray(context) ? (context as ContextObject) : undefined;
}

function invalidRequest(errors: readonly InvalidRequestError[], context: unknown): ToolResponse {
  return { httpStatus: 400, body: { errors, ...(context === undefined ? {} : { context }) } };
}

function badRequest(message: string): ToolResponse {
  return { httpStatus: 400, body: { errors: [{ code: 'INVALID_REQUEST', message }] } };
}

function parseCall(body: Buffer | undefined): { tool: string; arguments: ToolArguments } | undefined {
  if (body === undefined) return undefined;
  try {
    const call = JSON.parse(body.toString('utf8')) as { tool?: unknown; arguments?: unknown };
    const args = call.arguments ?? {};
    if (typeof call.tool !== 'string' || typeof args !== 'object' || args === null || Array.isArray(args)) return undefined;
    return { tool: call.tool, arguments: args as ToolArguments };
  } catch {
    return undefined;
  }
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= MAX_REQUEST_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size <= MAX_REQUEST_BYTES ? Buffer.concat(chunks) : undefined));
    request.once('error', reject);
  });
}

function reply(response: ServerResponse, answer: ToolResponse): void {
  const body = JSON.stringify(answer.body);
  response.writeHead(answer.httpStatus, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
}
