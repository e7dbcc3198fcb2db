// A buyer's AdCP webhook receiver on plain node:http, in the order the spec's checklist runs:
//   1. read the raw body (≤ 1 MB, else 413) — signatures cover the exact bytes;
//   2. authenticate in the registered mode (401 + WWW-Authenticate on failure);
//   3. parse and validate the envelope with the generated validator (400 on failure);
//   4. check the echoed `token` in constant time when one was registered (403 on mismatch);
//   5. dedup by (sender, idempotency_key): a duplicate gets 200 and is not processed again;
//   6. hand the typed payload to `onWebhook`, then 200. If it throws: 500, and a retry is processed.
// In your project, import from 'adcp-codegen' instead of '../../src/index.js'.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, tokensEqual, validateMcpWebhookPayload, type Logger, type McpWebhookPayload } from '../../src/index.js';
import { IdempotencyCache } from './idempotency-cache.js';
import { authenticate, type ReceiverAuthentication } from './verify-request.js';

export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface BuyerReceiverOptions {
  readonly authentication: ReceiverAuthentication;
  /** The `token` the buyer put in push_notification_config; every payload must echo it. */
  readonly expectedToken?: string;
  /** Processes one new, verified, valid webhook. Throwing (or rejecting) answers 500 so the seller retries. */
  readonly onWebhook: (payload: McpWebhookPayload) => void | Promise<void>;
  /** Origin the seller posts to (`https://buyer.example`), when a proxy rewrites scheme or Host. */
  readonly publicOrigin?: string;
  readonly dedup?: IdempotencyCache;
  readonly logger?: Logger;
  /** Unix seconds; default the wall clock. */
  readonly nowSeconds?: () => number;
}

export type WebhookRequestListener = (request: IncomingMessage, response: ServerResponse) => void;

export function createBuyerReceiver(options: BuyerReceiverOptions): WebhookRequestListener {
  const dedup = options.dedup ?? new IdempotencyCache();
  const logger = options.logger ?? silentLogger;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.log('error', 'webhook handler failed', { error: error instanceof Error ? error.name : 'unknown' });
      reply(response, 500, { status: 'error' });
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST') return reply(response, 405, { status: 'method_not_allowed' }, { Allow: 'POST' });
    const body = await readBody(request, MAX_WEBHOOK_BODY_BYTES);
    if (body === undefined) return reply(response, 413, { status: 'too_large' }, { Connection: 'close' });

    const auth = authenticate(
      { method: request.method, url: requestUrl(request, options.publicOrigin), headers: request.headers, body, now: nowSeconds() },
      options.authentication,
    );
    if (!auth.ok) {
      logger.log('warn', 'webhook rejected', { code: auth.code });
      return reply(response, 401, { status: 'unauthorized', error: auth.code }, { 'WWW-Authenticate': auth.challenge });
    }

    const checked = validateMcpWebhookPayload(parseJson(body));
    if (!checked.ok) {
      return reply(response, 400, { status: 'invalid', errors: checked.errors.map(({ path, message }) => ({ path, message })) });
    }
    const payload = checked.value;
    if (options.expectedToken !== undefined && !(typeof payload.token === 'string' && tokensEqual(payload.token, options.expectedToken))) {
      logger.log('warn', 'webhook token mismatch', { operation_id: payload.operation_id });
      return reply(response, 403, { status: 'forbidden' });
    }

    const key = `${auth.sender} ${payload.idempotency_key}`;
    const admission = dedup.admit(key);
    if (admission === 'duplicate') return reply(response, 200, { status: 'duplicate' });
    if (admission === 'in_progress') return reply(response, 503, { status: 'in_progress' }, { 'Retry-After': '1' });
    if (admission === 'full') return reply(response, 429, { status: 'busy' }, { 'Retry-After': '60' });
    try {
      await options.onWebhook(payload);
    } catch (error) {
      dedup.release(key);
      throw error;
    }
    dedup.complete(key);
    logger.log('info', 'webhook accepted', {
      task_type: payload.task_type,
      status: payload.status,
      operation_id: payload.operation_id,
      idempotency_key: payload.idempotency_key,
    });
    reply(response, 200, { status: 'accepted' });
  }
}

/** Starts a receiver on `host:port` (port 0: any free port) and reports where it listens. */
export async function startBuyerReceiver(
  options: BuyerReceiverOptions,
  listen: { host?: string; port?: number; path?: string } = {},
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(createBuyerReceiver(options));
  const host = listen.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${host}:${port}${listen.path ?? '/webhooks'}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function requestUrl(request: IncomingMessage, publicOrigin: string | undefined): string {
  const origin = publicOrigin ?? `http://${request.headers.host ?? 'localhost'}`;
  return `${origin}${request.url ?? '/'}`;
}

/** The body, or undefined once it passes `limit` bytes (reading stops; the 413 closes the connection). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size <= limit) return void chunks.push(chunk);
      request.off('data', onData).off('end', onEnd).pause();
      resolve(undefined);
    };
    const onEnd = (): void => resolve(Buffer.concat(chunks));
    request.on('data', onData).on('end', onEnd).once('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function reply(response: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
