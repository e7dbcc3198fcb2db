// The KMS-style signing hook (security.mdx "Production key storage"): 1,000 webhooks per algorithm
// signed through an asynchronous `sign(bytes) → Promise<Uint8Array>` hook (ES256 answering DER, as
// KMS APIs do), delivered by createWebhookDelivery to a real loopback receiver that verifies every
// one; ES256 signatures on the wire are P1363 and low-S; a hook that signs with another key is
// caught by the tripwire and the delivery fails as signing_error, never sent.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { setImmediate as tick } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildMcpWebhookPayload,
  createExternalRfc9421Signer,
  createInMemoryReplayCache,
  createWebhookDelivery,
  generateSigningKey,
  SigningConfigError,
  verifyRfc9421Webhook,
  type PrivateJwk,
} from '../../src/index.js';
import { derToP1363 } from '../../src/runtime/signing/external-signer.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';

const P256_HALF_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n >> 1n;
const receivers: Receiver[] = [];
afterAll(async () => {
  await Promise.all(receivers.map((receiver) => receiver.close()));
});

/** A stand-in key store: the private key never leaves it; it answers asynchronously, ES256 as DER. */
function kms(privateJwk: PrivateJwk): { sign: (data: Uint8Array) => Promise<Uint8Array>; calls: () => number } {
  const key: KeyObject = createPrivateKey({ key: privateJwk as never, format: 'jwk' });
  let calls = 0;
  return {
    calls: () => calls,
    async sign(data) {
      calls += 1;
      await tick();
      return privateJwk.kty === 'OKP' ? sign(null, data, key) : sign('sha256', data, { key, dsaEncoding: 'der' });
    },
  };
}

describe('createExternalRfc9421Signer', () => {
  it.each(['ed25519', 'es256'] as const)('%s: 1,000 webhooks signed through the hook all verify at the receiver', async (alg) => {
    const pair = generateSigningKey({ alg });
    const store = kms(pair.privateJwk);
    const signer = createExternalRfc9421Signer({ publicJwk: pair.publicJwk, sign: store.sign });
    expect(signer.algorithm).toBe(alg === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256');
    const replay = createInMemoryReplayCache();
    let verified = 0;
    let highS = 0;
    const receiver = await startReceiver((request, response) => {
      const verdict = verifyRfc9421Webhook({
        method: request.method,
        url: `http://127.0.0.1:${receiver.port}${request.url}`,
        headers: request.headers,
        body: request.body,
        jwks: { keys: [pair.publicJwk] },
        now: Math.floor(Date.now() / 1000),
        replay,
      });
      if (verdict.ok) verified += 1;
      const signature = Buffer.from(/sig1=:([^:]+):/.exec(String(request.headers.signature))![1]!, 'base64');
      expect(signature.byteLength).toBe(64);
      if (alg === 'es256' && BigInt(`0x${signature.subarray(32).toString('hex')}`) > P256_HALF_ORDER) highS += 1;
      response.writeHead(verdict.ok ? 204 : 401).end();
    });
    receivers.push(receiver);
    const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 1 } });
    const results = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        delivery.deliver({
          url: `${receiver.url}/hook/${i}`,
          payload: buildMcpWebhookPayload({ task_id: `task_${i}`, task_type: 'create_media_buy', status: 'working', operation_id: `op_${i}` }),
          signer,
        }),
      ),
    );
    await delivery.close();
    expect(results.filter((result) => result.delivered).length).toBe(1_000);
    expect(verified).toBe(1_000);
    expect(highS).toBe(0);
    expect(store.calls()).toBe(1_000);
  }, 120_000);

  it('tripwire: a hook signing with another key rejects the call and the delivery fails as signing_error', async () => {
    const published = generateSigningKey({ alg: 'ed25519' });
    const other = generateSigningKey({ alg: 'ed25519', kid: published.publicJwk.kid });
    const signer = createExternalRfc9421Signer({ publicJwk: published.publicJwk, sign: kms(other.privateJwk).sign });
    const request = { method: 'POST', url: 'https://buyer.example/hook', contentType: 'application/json', body: Buffer.from('{}') };
    await expect(signer.headersFor(request, 1_776_000_000)).rejects.toThrow(/does not verify under the published key/);
    const receiver = await startReceiver();
    receivers.push(receiver);
    const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true, retry: { maxAttempts: 1 } });
    const result = await delivery.deliver({
      url: `${receiver.url}/hook`,
      payload: buildMcpWebhookPayload({ task_id: 't', task_type: 'create_media_buy', status: 'working', operation_id: 'o' }),
      signer,
    });
    await delivery.close();
    expect(result).toMatchObject({ delivered: false, errorClass: 'signing_error' });
    expect(receiver.requests.length).toBe(0);
  });

  it('refuses a private JWK, a key without kid, and a hook answer of the wrong shape', async () => {
    const pair = generateSigningKey({ alg: 'es256' });
    expect(() => createExternalRfc9421Signer({ publicJwk: pair.privateJwk, sign: async () => new Uint8Array(64) })).toThrow(SigningConfigError);
    expect(() => createExternalRfc9421Signer({ publicJwk: { ...pair.publicJwk, kid: '' }, sign: async () => new Uint8Array(64) })).toThrow(/no "kid"/);
    const junk = createExternalRfc9421Signer({ publicJwk: pair.publicJwk, sign: async () => new Uint8Array(10) });
    const request = { method: 'POST', url: 'https://buyer.example/hook', contentType: 'application/json', body: Buffer.from('{}') };
    await expect(junk.headersFor(request, 1_776_000_000)).rejects.toThrow(/neither 64-byte P1363 nor DER/);
    const notBytes = createExternalRfc9421Signer({ publicJwk: pair.publicJwk, sign: async () => 'sig' as never });
    await expect(notBytes.headersFor(request, 1_776_000_000)).rejects.toThrow(/must resolve to a Uint8Array/);
  });

  it('derToP1363 reads DER with and without leading zero bytes', () => {
    const r = Buffer.alloc(32, 0x80); // high bit set: DER adds a 0x00
    const s = Buffer.concat([Buffer.alloc(1, 0), Buffer.alloc(31, 0x01)]); // leading zero: DER drops it
    const der = Buffer.concat([Buffer.from([0x30, 2 + 33 + 2 + 31, 0x02, 33, 0x00]), r, Buffer.from([0x02, 31]), s.subarray(1)]);
    expect(Buffer.from(derToP1363(der)).equals(Buffer.concat([r, s]))).toBe(true);
  });
});
