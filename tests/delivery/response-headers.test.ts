// A receiver whose response head overflows the HTTP parser's limit answers the same way on every
// attempt: that is a terminal protocol failure, not a retryable network error.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import { isRetryable } from '../../src/runtime/delivery/error-class.js';
import { createInstantClock } from './support/instant-clock.js';
import { noSigner } from './support/signers.js';

let server: Server;
let port: number;
let requests = 0;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => {
      requests += 1;
      socket.write(`HTTP/1.1 200 OK\r\nx-padding: ${'a'.repeat(128 * 1024)}\r\ncontent-length: 0\r\n\r\n`);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

describe('response header overflow', () => {
  it('is classified response_headers_too_large, terminal: one attempt, no retry', async () => {
    const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true, clock: createInstantClock(), retry: { maxAttempts: 4, baseDelayMs: 1 } });
    const result = await delivery.deliver({ url: `http://127.0.0.1:${port}/hook`, payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    expect(result).toMatchObject({ delivered: false, errorClass: 'response_headers_too_large', attempts: 1 });
    expect(result.retriesExhausted).toBeUndefined();
    expect(requests).toBe(1);
    expect(isRetryable('response_headers_too_large')).toBe(false);
  });
});
