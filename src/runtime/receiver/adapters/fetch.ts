// Fetch API adapter: `(request: Request) => Promise<Response>`, for Hono, Bun, Deno and any server
// speaking WHATWG fetch. The body is read as bytes with the cap enforced while streaming.
import { rejection } from '../rejections.js';
import type { HttpWebhookReceiver } from '../webhook-receiver.js';
import type { AnyWebhookHttpAnswer } from '../webhook-receiver.js';
import { rejectBeforeBody, rejectionAnswer, signedTarget, tooLarge, urlPolicyOf } from './http-shared.js';

/**
 * A fetch handler running `receiver.handle` (webhooks.mdx "Signature verification", "Security
 * requirements"). The signed URL is `publicBaseUrl` + the request's path and query (or the forwarded
 * origin with `trustProxy`). Never rejects; answers per the receiver's status policy.
 */
export function fetchWebhookHandler(receiver: HttpWebhookReceiver): (request: Request) => Promise<Response> {
  const policy = urlPolicyOf(receiver);
  return async (request) => {
    try {
      return toResponse(await handleFetch(receiver, policy, request));
    } catch {
      return toResponse(rejectionAnswer(rejection('webhook_receiver_unavailable', 'store', 'the adapter failed')));
    }
  };
}

async function handleFetch(receiver: HttpWebhookReceiver, policy: ReturnType<typeof urlPolicyOf>, request: Request): Promise<AnyWebhookHttpAnswer> {
  // Fetch headers cannot hold pseudo-headers such as `:authority`; `Host` is the authority here.
  const header = (name: string): string | undefined => (name.startsWith(':') ? undefined : (request.headers.get(name) ?? undefined));
  const early = rejectBeforeBody(request.method, header('content-type'), header('content-length'), receiver.maxBodyBytes);
  if (early !== undefined) {
    await request.body?.cancel().catch(() => undefined);
    return rejectionAnswer(early);
  }
  const parsed = new URL(request.url);
  const target = signedTarget(policy, `${parsed.pathname}${parsed.search}`, header);
  if (target === undefined) return rejectionAnswer(rejection('webhook_request_invalid', 'request', 'the forwarded origin is unusable'));
  const body = await readCapped(request, receiver.maxBodyBytes);
  if (body === 'too_large') return rejectionAnswer(tooLarge(receiver.maxBodyBytes));
  return receiver.handle({ method: request.method, url: target.url, authority: target.authority, headers: request.headers, body });
}

async function readCapped(request: Request, maxBodyBytes: number): Promise<Uint8Array | 'too_large'> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size);
}

function toResponse(answer: AnyWebhookHttpAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
