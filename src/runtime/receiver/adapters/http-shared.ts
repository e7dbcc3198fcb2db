// What every HTTP adapter shares: the signed URL from the configured public base URL (the
// forwarded headers only with trust-proxy on), the checks made before the body is read
// (webhooks.mdx "Security requirements": content type, declared size), and a capped body reader.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { WebhookRejection } from '../events.js';
import { isJsonMediaType, ReceiverConfigError, type WebhookReceiverCore } from '../receiver.js';
import { rejection } from '../rejections.js';
import { answerFor, type AnyWebhookHttpAnswer } from '../webhook-receiver.js';

/** Where the adapter takes the signed URL's origin from. */
export interface UrlPolicy {
  readonly publicBaseUrl: string | undefined;
  readonly trustProxy: boolean;
}

export function urlPolicyOf(receiver: Pick<WebhookReceiverCore, 'publicBaseUrl' | 'trustProxy'>): UrlPolicy {
  if (receiver.publicBaseUrl === undefined && !receiver.trustProxy) {
    throw new ReceiverConfigError('an HTTP adapter needs publicBaseUrl (or trustProxy: true behind a proxy that sets X-Forwarded-*)');
  }
  return { publicBaseUrl: receiver.publicBaseUrl, trustProxy: receiver.trustProxy };
}

/** The signed URL and the as-received authority for a request target (`/path?query`). */
export function signedTarget(
  policy: UrlPolicy,
  requestTarget: string,
  header: (name: string) => string | undefined,
): { url: string; authority: string | undefined } | undefined {
  if (!requestTarget.startsWith('/')) return undefined;
  const received = header(':authority') ?? header('host');
  if (policy.trustProxy) {
    const proto = firstValue(header('x-forwarded-proto')) ?? (policy.publicBaseUrl === undefined ? undefined : new URL(policy.publicBaseUrl).protocol.slice(0, -1));
    const host = firstValue(header('x-forwarded-host')) ?? received;
    if (proto === undefined || host === undefined || !/^https?$/i.test(proto)) return undefined;
    return { url: `${proto.toLowerCase()}://${host}${basePath(policy.publicBaseUrl)}${requestTarget}`, authority: host };
  }
  return { url: `${policy.publicBaseUrl ?? ''}${requestTarget}`, authority: received };
}

function basePath(publicBaseUrl: string | undefined): string {
  if (publicBaseUrl === undefined) return '';
  return new URL(publicBaseUrl).pathname.replace(/\/+$/, '');
}

function firstValue(value: string | undefined): string | undefined {
  const first = value?.split(',')[0]?.trim();
  return first === undefined || first === '' ? undefined : first;
}

/** Method, content type and declared length, judged before a byte of the body is read. */
export function rejectBeforeBody(
  method: string,
  contentType: string | undefined,
  contentLength: string | undefined,
  maxBodyBytes: number,
): WebhookRejection | undefined {
  if (method.toUpperCase() !== 'POST') return rejection('webhook_method_not_allowed', 'method', 'webhooks are POSTed');
  if (!isJsonMediaType(contentType ?? null)) return rejection('webhook_content_type_invalid', 'content-type', 'Content-Type is not application/json');
  if (contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) > maxBodyBytes) {
    return rejection('webhook_payload_too_large', 'size', `the body exceeds ${maxBodyBytes} bytes`);
  }
  return undefined;
}

export function tooLarge(maxBodyBytes: number): WebhookRejection {
  return rejection('webhook_payload_too_large', 'size', `the body exceeds ${maxBodyBytes} bytes`);
}

/** Reads a node request body up to `maxBodyBytes`; stops reading beyond it. */
export function readNodeBody(request: IncomingMessage, maxBodyBytes: number): Promise<Buffer | 'too_large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (value: Buffer | 'too_large' | 'aborted'): void => {
      if (done) return;
      done = true;
      request.off('data', onData);
      resolve(value);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > maxBodyBytes) {
        request.pause();
        finish('too_large');
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => finish(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    request.once('error', () => finish('aborted'));
    request.once('close', () => finish(request.complete ? Buffer.concat(chunks, size) : 'aborted'));
  });
}

export function nodeHeader(headers: IncomingHttpHeaders): (name: string) => string | undefined {
  return (name) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
}

/** Writes the answer; `close` ends the connection (the rest of an unread body is not read). */
export function writeNodeAnswer(response: ServerResponse, answer: AnyWebhookHttpAnswer, close = false): void {
  if (response.headersSent) return;
  // A declared length lets node write the head and the body in one piece (no chunked framing).
  const headers: Record<string, string> = { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)) };
  if (close) headers['connection'] = 'close';
  response.writeHead(answer.status, headers);
  response.end(answer.body);
}

export function rejectionAnswer(outcome: WebhookRejection): AnyWebhookHttpAnswer {
  return answerFor(outcome);
}
