// node:http adapter: `http.createServer(nodeHttpWebhookHandler(receiver))`. The body is read raw
// (never parsed before verification), capped, and refused before reading on a wrong content type
// or a declared length over the cap.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rejection } from '../rejections.js';
import type { HttpWebhookReceiver } from '../webhook-receiver.js';
import { nodeHeader, readNodeBody, rejectBeforeBody, rejectionAnswer, signedTarget, tooLarge, urlPolicyOf, writeNodeAnswer } from './http-shared.js';

/**
 * A node:http request listener, `(request, response) => void`, as `nodeHttpWebhookHandler` returns it
 * for `http.createServer` or `https.createServer`. It never throws.
 */
export type NodeRequestListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A node:http request listener running `receiver.handle` (webhooks.mdx "Signature verification",
 * "Security requirements"). The signed URL is `publicBaseUrl` + the request target (or the
 * forwarded origin with `trustProxy`). Never throws; answers per the receiver's status policy.
 */
export function nodeHttpWebhookHandler(receiver: HttpWebhookReceiver): NodeRequestListener {
  const policy = urlPolicyOf(receiver);
  return (request, response) => {
    void handleNodeRequest(receiver, policy, request, response, request.url ?? '').catch(() => {
      writeNodeAnswer(response, rejectionAnswer(rejection('webhook_receiver_unavailable', 'store', 'the adapter failed')), true);
    });
  };
}

/** Shared by the node:http and Express adapters: `requestTarget` is the full original target. */
export async function handleNodeRequest(
  receiver: HttpWebhookReceiver,
  policy: ReturnType<typeof urlPolicyOf>,
  request: IncomingMessage,
  response: ServerResponse,
  requestTarget: string,
  preRead?: Buffer,
): Promise<void> {
  const header = nodeHeader(request.headers);
  const early = rejectBeforeBody(request.method ?? '', header('content-type'), header('content-length'), receiver.maxBodyBytes);
  if (early !== undefined) return writeNodeAnswer(response, rejectionAnswer(early), true);
  const target = signedTarget(policy, requestTarget, header);
  if (target === undefined) return writeNodeAnswer(response, rejectionAnswer(rejection('webhook_request_invalid', 'request', 'the request target or forwarded origin is unusable')), true);
  const body = preRead ?? (await readNodeBody(request, receiver.maxBodyBytes));
  if (body === 'aborted') return;
  if (body === 'too_large' || body.byteLength > receiver.maxBodyBytes) return writeNodeAnswer(response, rejectionAnswer(tooLarge(receiver.maxBodyBytes)), true);
  const answer = await receiver.handle({ method: request.method ?? '', url: target.url, authority: target.authority, headers: request.headers, body });
  writeNodeAnswer(response, answer);
}
