// The buyer's side of the demo: a node:http webhook receiver that checks what a real buyer would —
// the RFC 9421 signature against the seller's public key, the envelope against the generated
// validator, the echoed token in constant time — and records each webhook it accepts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createInMemoryReplayCache,
  tokensEqual,
  validateMcpWebhookPayload,
  verifyRfc9421Webhook,
  type McpWebhookPayload,
  type PublicJwk,
} from '../../src/index.js';

export interface DemoReceiver {
  readonly url: string;
  readonly accepted: McpWebhookPayload[];
  /** Requests refused, with the reason (signature code, invalid envelope, token mismatch). */
  readonly refused: string[];
  close(): Promise<void>;
}

export async function startDemoReceiver(options: { sellerJwks: readonly PublicJwk[]; token: string }): Promise<DemoReceiver> {
  const accepted: McpWebhookPayload[] = [];
  const refused: string[] = [];
  const replay = createInMemoryReplayCache();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const verdict = judge(request.method ?? '', `http://${request.headers.host ?? ''}${request.url ?? '/'}`, request.headers, body);
      if (verdict.ok) accepted.push(verdict.payload);
      else refused.push(verdict.reason);
      response.writeHead(verdict.ok ? 200 : 401).end();
    });
  });

  function judge(method: string, url: string, headers: Record<string, string | string[] | undefined>, body: Buffer) {
    const signature = verifyRfc9421Webhook({ method, url, headers, body, jwks: options.sellerJwks, now: Math.floor(Date.now() / 1000), replay });
    if (!signature.ok) return { ok: false as const, reason: signature.code };
    const envelope = validateMcpWebhookPayload(JSON.parse(body.toString('utf8')));
    if (!envelope.ok) return { ok: false as const, reason: 'invalid_envelope' };
    const token = envelope.value.token;
    if (typeof token !== 'string' || !tokensEqual(token, options.token)) return { ok: false as const, reason: 'token_mismatch' };
    return { ok: true as const, payload: envelope.value };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/adcp`,
    accepted,
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
