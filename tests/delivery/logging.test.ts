// Every log line of normal and hostile runs is captured; none may carry a token, credential,
// signature, private key or URL query string.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import type { Logger, LogLevel } from '../../src/runtime/logging/logger.js';
import { createBearerSigner } from '../../src/runtime/signing/bearer-signer.js';
import { createHmacSigner } from '../../src/runtime/signing/hmac-signer.js';
import { createRfc9421Signer } from '../../src/runtime/signing/rfc9421-signer.js';
import type { PrivateJwk } from '../../src/runtime/keys/jwk.js';
import { createInstantClock } from './support/instant-clock.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const TOKEN = 'tok_SECRET_PAYLOAD_TOKEN_1234567890';
const HMAC_SECRET = 'hmac_SECRET_0123456789abcdef0123456789abcdef';
const BEARER = 'bearer_SECRET_0123456789abcdef0123456789';
const QUERY_SECRET = 'qs_SECRET_token_value';
const PASSWORD = 'pw_SECRET_userinfo';

describe('logs never carry secrets', () => {
  let receiver: Receiver;
  const lines: { level: LogLevel; line: string }[] = [];
  const logger: Logger = { log: (level, message, fields) => lines.push({ level, line: JSON.stringify({ message, ...fields }) }) };
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'log-test-key' };

  beforeAll(async () => {
    receiver = await startReceiver((request, response, index) => {
      if (request.url.startsWith('/fail')) return void response.writeHead(503).end();
      if (request.url.startsWith('/reject')) {
        return void response.writeHead(401, { 'www-authenticate': 'Signature error="webhook_signature_invalid"' }).end();
      }
      if (request.url.startsWith('/reset')) return void response.socket?.destroy();
      if (request.url.startsWith('/hang')) return;
      response.writeHead(index % 2 === 0 ? 204 : 200).end();
    });

    const signers = [
      createRfc9421Signer({ key: jwk as PrivateJwk }),
      createHmacSigner({ secret: HMAC_SECRET, credentialRef: 'buyer/hmac' }),
      createBearerSigner({ token: BEARER, credentialRef: 'buyer/bearer' }),
    ];
    const run = async (unsafe: boolean) => {
      const delivery = createWebhookDelivery({
        unsafeAllowPrivateNetwork: unsafe,
        logger,
        clock: createInstantClock(),
        retry: { maxAttempts: 2, baseDelayMs: 5 },
        attemptTimeoutMs: 100,
        maxQueue: 40,
        resolver: async () => [{ address: '10.0.0.7', family: 4 }],
      });
      const base = unsafe ? `http://127.0.0.1:${receiver.port}` : 'https://buyer.example';
      const paths = ['/ok', '/fail', '/reject', '/reset', '/hang'];
      const work = [];
      for (const signer of signers) {
        for (const path of paths) {
          work.push(delivery.deliver({ url: `${base}${path}?token=${QUERY_SECRET}`, payload: { token: TOKEN, status: 'completed' }, signer }));
        }
        work.push(delivery.deliver({ url: `https://user:${PASSWORD}@buyer.example/x?token=${QUERY_SECRET}`, payload: { token: TOKEN }, signer }));
        work.push(delivery.deliver({ url: `${base}/ok?token=${QUERY_SECRET}`, payload: { token: TOKEN, big: 10n }, signer }));
      }
      for (let i = 0; i < 30; i++) {
        work.push(delivery.deliver({ url: `${base}/hang?token=${QUERY_SECRET}`, payload: { token: TOKEN }, signer: signers[0]! }));
      }
      await Promise.all(work);
      await delivery.close();
    };
    await run(true);
    await run(false);
  });

  afterAll(async () => {
    await receiver.close();
  });

  it('logged something for every kind of event (the capture works)', () => {
    const text = lines.map((entry) => entry.line).join('\n');
    for (const event of ['webhook delivered', 'webhook delivery failed', 'queue full', 'retry scheduled']) {
      expect(text, event).toContain(event);
    }
    expect(lines.filter((entry) => entry.level === 'warn' && entry.line.includes('unsafeAllowPrivateNetwork')).length).toBeLessThanOrEqual(1);
  });

  it('contains no token, secret, password, query string, private key or signature', () => {
    const text = lines.map((entry) => entry.line).join('\n');
    for (const secret of [TOKEN, HMAC_SECRET, BEARER, QUERY_SECRET, PASSWORD, String(jwk.d), 'token=', '?', 'sha256=', 'sig1=', '10.0.0.7']) {
      expect(text, secret).not.toContain(secret);
    }
    const sentSignatures = receiver.requests.flatMap((request) =>
      [request.headers.signature, request.headers['x-adcp-signature'], request.headers.authorization].filter((value) => typeof value === 'string'),
    ) as string[];
    expect(sentSignatures.length).toBeGreaterThan(0);
    for (const value of sentSignatures) expect(text).not.toContain(value.replace(/^sig1=:|:$/g, '').replace(/^(sha256=|Bearer )/, ''));
  });
});
