// Fastify adapter: registers one POST route in its own encapsulated context whose only content-type
// parser keeps the body raw (a Buffer, capped by `bodyLimit`), so the receiver verifies the bytes as
// received. A wrong content type is refused in `onRequest`, before the body is read.
import { rejection } from '../rejections.js';
import type { HttpWebhookReceiver } from '../webhook-receiver.js';
import { rejectBeforeBody, rejectionAnswer, signedTarget, urlPolicyOf } from './http-shared.js';
import type { AnyWebhookHttpAnswer } from '../webhook-receiver.js';

/** The parts of a Fastify request the adapter reads. */
export interface FastifyLikeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body?: unknown;
}

/** The parts of a Fastify reply the adapter writes. */
export interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  headers(values: Record<string, string>): FastifyLikeReply;
  send(payload?: string): unknown;
}

type ContentTypeParserDone = (error: Error | null, body?: unknown) => void;

/** The parts of a Fastify instance the adapter uses (Fastify 4 and 5). */
export interface FastifyLikeInstance {
  register(plugin: (instance: FastifyLikeInstance) => Promise<void>): unknown;
  removeAllContentTypeParsers(): void;
  addContentTypeParser(
    type: string,
    options: { parseAs: 'buffer'; bodyLimit: number },
    parser: (request: unknown, body: Buffer, done: ContentTypeParserDone) => void,
  ): void;
  addHook(name: 'onRequest', hook: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>): void;
  post(path: string, handler: (request: FastifyLikeRequest, reply: FastifyLikeReply) => Promise<unknown>): void;
}

/**
 * Registers `POST path` on `app` running `receiver.handle` on the raw body (webhooks.mdx
 * "Signature verification", "Security requirements"). Oversized bodies get Fastify's own 413.
 */
export function registerFastifyWebhookRoute(app: FastifyLikeInstance, path: string, receiver: HttpWebhookReceiver): void {
  const policy = urlPolicyOf(receiver);
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: receiver.maxBodyBytes }, (_request, body, done) => done(null, body));
    scope.addHook('onRequest', async (request, reply) => {
      const header = fastifyHeader(request);
      const early = rejectBeforeBody(request.method, header('content-type'), header('content-length'), receiver.maxBodyBytes);
      // Returning the sent reply ends the request here, before the body is read.
      return early === undefined ? undefined : send(reply, rejectionAnswer(early));
    });
    scope.post(path, async (request, reply) => {
      try {
        return send(reply, await handleFastify(receiver, policy, request));
      } catch {
        return send(reply, rejectionAnswer(rejection('webhook_receiver_unavailable', 'store', 'the adapter failed')));
      }
    });
  });
}

async function handleFastify(receiver: HttpWebhookReceiver, policy: ReturnType<typeof urlPolicyOf>, request: FastifyLikeRequest): Promise<AnyWebhookHttpAnswer> {
  const target = signedTarget(policy, request.url, fastifyHeader(request));
  if (target === undefined) return rejectionAnswer(rejection('webhook_request_invalid', 'request', 'the forwarded origin is unusable'));
  const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  return receiver.handle({ method: request.method, url: target.url, authority: target.authority, headers: request.headers, body });
}

function fastifyHeader(request: FastifyLikeRequest): (name: string) => string | undefined {
  return (name) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}

function send(reply: FastifyLikeReply, answer: AnyWebhookHttpAnswer): unknown {
  return reply.code(answer.status).headers({ ...answer.headers }).send(answer.body);
}
