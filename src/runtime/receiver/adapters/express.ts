// Express adapter: `app.post('/webhooks/adcp', expressWebhookHandler(receiver))`. Mount it before
// any JSON body parser on that route, or behind `express.raw({ type: 'application/json' })`: a body
// already parsed to an object cannot be verified and is refused (security.mdx "Verifier input").
import type { IncomingMessage, ServerResponse } from 'node:http';
import { safeLog } from '../receiver.js';
import { rejection } from '../rejections.js';
import type { HttpWebhookReceiver } from '../webhook-receiver.js';
import { rejectionAnswer, urlPolicyOf, writeNodeAnswer } from './http-shared.js';
import { handleNodeRequest } from './node-http.js';

/** The parts of an Express request the adapter reads (Express 4 and 5). */
export interface ExpressLikeRequest extends IncomingMessage {
  readonly originalUrl?: string;
  readonly body?: unknown;
}

/**
 * An Express route handler, `(req, res, next)`, as `expressWebhookHandler` returns it. It answers
 * every request itself and never calls `next` with an error. It needs the raw body bytes: mount it
 * before any JSON body parser on the route, or behind `express.raw({ type: 'application/json' })`
 * (webhooks.mdx "Signature verification").
 */
export type ExpressLikeHandler = (request: ExpressLikeRequest, response: ServerResponse, next: (error?: unknown) => void) => void;

/**
 * An Express route handler running `receiver.handle` on the raw body (webhooks.mdx "Signature
 * verification": verify the bytes as received). The signed URL is `publicBaseUrl` +
 * `req.originalUrl`. Never calls `next` with an error; answers per the receiver's status policy.
 */
export function expressWebhookHandler(receiver: HttpWebhookReceiver): ExpressLikeHandler {
  const policy = urlPolicyOf(receiver);
  return (request, response) => {
    const target = request.originalUrl ?? request.url ?? '';
    const body = request.body;
    const preRead = Buffer.isBuffer(body) ? body : undefined;
    if (preRead === undefined && bodyWasConsumed(request)) {
      safeLog(receiver.logger, 'error', 'webhook raw body unavailable: a body parser ran before the webhook handler');
      writeNodeAnswer(response, rejectionAnswer(rejection('webhook_raw_body_unavailable', 'request', 'a body parser consumed the raw body')));
      return;
    }
    void handleNodeRequest(receiver, policy, request, response, target, preRead).catch(() => {
      writeNodeAnswer(response, rejectionAnswer(rejection('webhook_receiver_unavailable', 'store', 'the adapter failed')), true);
    });
  };
}

function bodyWasConsumed(request: ExpressLikeRequest): boolean {
  return request.readableEnded || (request.body !== undefined && typeof request.body === 'object' && request.body !== null);
}
