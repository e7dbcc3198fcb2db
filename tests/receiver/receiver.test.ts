// createWebhookReceiver beyond the vectors: a complete signed envelope becomes a typed event;
// dedup, legacy modes and mode mismatch, the token, checks before crypto, explain mode, typed
// handlers and their status policy, re-emission and ordering signals, and failing closed under
// hostile inputs and failing dependencies.
import { describe, expect, it } from 'vitest';
import { createHmacSigner, HMAC_SIGNATURE_HEADER } from '../../src/runtime/signing/index.js';
import type { WebhookKeySource } from '../../src/runtime/keys/webhook-key-source.js';
import {
  createMemoryDedupStore,
  createWebhookReceiver,
  staticKeySource,
  type ReceiveOutcome,
  type WebhookReceiverOptions,
} from '../../src/runtime/receiver/index.js';
import { envelope, publicSharedKey, SELLER_KID, signedRequest } from './support.js';

const NOW = 1_776_520_800;
const URL_ = 'https://buyer.example.com/adcp/webhook/op_abc';
const SELLER = 'https://seller.example.com/mcp';
const SECRET = 'a-legacy-hmac-secret-of-at-least-32-bytes!!';

function countingKeys(): WebhookKeySource & { calls: number } {
  const inner = staticKeySource([publicSharedKey(SELLER_KID)], { sender: SELLER });
  const source = {
    calls: 0,
    lookup(query: Parameters<WebhookKeySource['lookup']>[0]) {
      source.calls += 1;
      return inner.lookup(query);
    },
  };
  return source;
}

function receiverWith(options: Partial<WebhookReceiverOptions> = {}) {
  return createWebhookReceiver({
    keys: staticKeySource([publicSharedKey(SELLER_KID)], { sender: SELLER }),
    registration: { mode: 'rfc9421' },
    now: () => NOW * 1000,
    ...options,
  });
}

const signed = (body: Record<string, unknown> = envelope()) => signedRequest(URL_, JSON.stringify(body), NOW);

describe('accepted events', () => {
  it('a signed, complete envelope becomes a typed event carrying the authenticated sender', async () => {
    const body = envelope();
    const outcome = await receiverWith().receive(signed(body));
    expect(outcome).toMatchObject({
      kind: 'event',
      format: 'mcp',
      mode: 'rfc9421',
      sender: SELLER,
      keyid: SELLER_KID,
      taskType: 'create_media_buy',
      status: 'completed',
      taskId: 'task_456',
      idempotencyKey: body['idempotency_key'],
      result: { media_buy_id: 'mb_001' },
      reEmission: false,
      stale: false,
    });
    if (outcome.kind === 'event' && outcome.taskType === 'create_media_buy' && outcome.status === 'completed') {
      // Narrowing on task type × status types `result` as the create_media_buy response.
      const result = outcome.result;
      expect(result !== undefined && 'media_buy_id' in result ? result.media_buy_id : undefined).toBe('mb_001');
    }
  });

  it('a retry of the same event (fresh signature, same idempotency_key) is a duplicate answered 200', async () => {
    const receiver = receiverWith();
    const body = envelope();
    expect((await receiver.receive(signed(body))).kind).toBe('event');
    expect(await receiver.receive(signed(body))).toEqual({
      kind: 'duplicate',
      status: 200,
      sender: SELLER,
      idempotencyKey: body['idempotency_key'],
    });
  });

  it('dedup keyspaces are per authenticated sender', async () => {
    const dedup = createMemoryDedupStore();
    const body = envelope();
    const first = receiverWith({ dedup, keys: staticKeySource([publicSharedKey(SELLER_KID)], { sender: 'seller-a' }) });
    const second = receiverWith({ dedup, keys: staticKeySource([publicSharedKey(SELLER_KID)], { sender: 'seller-b' }) });
    expect((await first.receive(signed(body))).kind).toBe('event');
    expect((await second.receive(signed(body))).kind).toBe('event');
  });

  it('flags a notification_id seen under a new idempotency_key as a re-emission', async () => {
    const receiver = receiverWith();
    await receiver.receive(signed(envelope({ notification_id: 'imp_1' })));
    expect(await receiver.receive(signed(envelope({ notification_id: 'imp_1' })))).toMatchObject({ kind: 'event', reEmission: true });
  });

  it('flags a status older than one already received for the task as stale', async () => {
    const receiver = receiverWith();
    await receiver.receive(signed(envelope({ status: 'completed', timestamp: '2026-04-18T10:00:05Z' })));
    const late = await receiver.receive(
      signed(envelope({ status: 'working', timestamp: '2026-04-18T10:00:01Z', result: { percentage: 50 } })),
    );
    expect(late).toMatchObject({ kind: 'event', status: 'working', stale: true });
  });
});

describe('checks before any crypto', () => {
  it('a wrong content type is 415 without consulting the key source', async () => {
    const keys = countingKeys();
    const request = signed();
    const outcome = await receiverWith({ keys }).receive({ ...request, headers: { ...request.headers, 'content-type': 'text/plain' } });
    expect(outcome).toMatchObject({ code: 'webhook_content_type_invalid', status: 415 });
    expect(keys.calls).toBe(0);
  });

  it('a body over the cap is 413 without consulting the key source', async () => {
    const keys = countingKeys();
    const big = envelope({ message: 'x'.repeat(2048) });
    const outcome = await receiverWith({ keys, maxBodyBytes: 1024 }).receive(signed(big));
    expect(outcome).toMatchObject({ code: 'webhook_payload_too_large', status: 413 });
    expect(keys.calls).toBe(0);
  });

  it('the default cap is 1 MiB', async () => {
    const outcome = await receiverWith().receive(signed(envelope({ message: 'x'.repeat(1024 * 1024) })));
    expect(outcome).toMatchObject({ status: 413 });
  });
});

describe('authentication modes', () => {
  it('a request with no signature at all has its own code', async () => {
    const { headers, ...rest } = signed();
    const outcome = await receiverWith().receive({ ...rest, headers: { 'content-type': 'application/json' } });
    expect(outcome).toMatchObject({ code: 'webhook_signature_missing', status: 401, wwwAuthenticate: 'Signature error="webhook_signature_missing"' });
    expect(headers).toBeDefined();
  });

  it('an HMAC-signed request on an RFC 9421 registration is a mode mismatch', async () => {
    const body = JSON.stringify(envelope());
    const hmac = createHmacSigner({ secret: SECRET, credentialRef: 'seller-hmac' }).headersFor({ method: 'POST', url: URL_, contentType: 'application/json', body: Buffer.from(body) }, NOW);
    const outcome = await receiverWith().receive({ method: 'POST', url: URL_, headers: { 'content-type': 'application/json', ...hmac }, body });
    expect(outcome).toMatchObject({ code: 'webhook_mode_mismatch', status: 401 });
  });

  it('HMAC registrations verify the legacy scheme; an RFC 9421 request there is a mode mismatch', async () => {
    const receiver = receiverWith({ registration: { mode: 'hmac', secret: SECRET, sender: SELLER } });
    const body = JSON.stringify(envelope());
    const hmac = createHmacSigner({ secret: SECRET, credentialRef: 'seller-hmac' }).headersFor({ method: 'POST', url: URL_, contentType: 'application/json', body: Buffer.from(body) }, NOW);
    expect(await receiver.receive({ method: 'POST', url: URL_, headers: { 'content-type': 'application/json', ...hmac }, body })).toMatchObject({
      kind: 'event',
      mode: 'hmac',
      sender: SELLER,
    });
    expect(await receiver.receive(signed())).toMatchObject({ code: 'webhook_mode_mismatch' });
    const tampered = { ...hmac, [HMAC_SIGNATURE_HEADER]: `sha256=${'0'.repeat(64)}` };
    expect(await receiver.receive({ method: 'POST', url: URL_, headers: { 'content-type': 'application/json', ...tampered }, body })).toMatchObject({
      code: 'webhook_hmac_signature_invalid',
      status: 401,
    });
  });

  it('Bearer registrations compare the credential; a signed request there is a mode mismatch', async () => {
    const credential = 'a-bearer-credential-of-at-least-32-bytes';
    const receiver = receiverWith({ registration: { mode: 'bearer', credentials: credential, sender: SELLER } });
    const body = JSON.stringify(envelope());
    const request = (authorization: string) => ({
      method: 'POST',
      url: URL_,
      headers: { 'content-type': 'application/json', authorization },
      body,
    });
    expect(await receiver.receive(request(`Bearer ${credential}`))).toMatchObject({ kind: 'event', mode: 'bearer' });
    expect(await receiver.receive(request(`Bearer ${credential}x`))).toMatchObject({ code: 'webhook_bearer_invalid', status: 401 });
    expect(await receiver.receive(signed())).toMatchObject({ code: 'webhook_mode_mismatch' });
  });

  it('checks the registered push_notification_config token', async () => {
    const receiver = receiverWith({ registration: { mode: 'rfc9421', token: 'registered-token-0123456789' } });
    expect(await receiver.receive(signed(envelope({ token: 'registered-token-0123456789' })))).toMatchObject({ kind: 'event' });
    expect(await receiver.receive(signed(envelope({ token: 'registered-token-0123456780' })))).toMatchObject({
      code: 'webhook_token_invalid',
      status: 401,
    });
    expect(await receiver.receive(signed(envelope()))).toMatchObject({ code: 'webhook_token_invalid' });
  });

  it('a tampered body fails the digest; explain mode names step 11 and shows the base', async () => {
    const request = signed();
    const outcome = await receiverWith({ explain: true }).receive({ ...request, body: request.body.replace('mb_001', 'mb_002') });
    expect(outcome).toMatchObject({ code: 'webhook_signature_digest_mismatch', explanation: { stage: '11' } });
    const base = outcome.kind === 'rejected' ? outcome.explanation?.signatureBase : undefined;
    expect(base).toContain(`"@target-uri": ${URL_}`);
    expect(base).not.toContain(request.headers['signature']!.slice(6, 30));
  });

  it('a URL the sender did not sign fails the signature (step 10)', async () => {
    const request = signed();
    const outcome = await receiverWith({ explain: true }).receive({ ...request, url: `${URL_}x` });
    expect(outcome).toMatchObject({ code: 'webhook_signature_invalid', stage: '10', explanation: { stageName: 'step 10: signature over the recomputed base' } });
  });

  it('an envelope failing the schema is 400 without WWW-Authenticate', async () => {
    const outcome = await receiverWith().receive(signed(envelope({ status: 'done' })));
    expect(outcome).toMatchObject({ code: 'webhook_payload_invalid', status: 400 });
    expect(outcome.kind === 'rejected' ? outcome.wwwAuthenticate : 'event').toBeUndefined();
  });

  it('a result failing its task response schema is rejected, naming the pointer under /result', async () => {
    const body = envelope();
    (body['result'] as Record<string, unknown>)['media_buy_id'] = 5;
    const outcome = await receiverWith().receive(signed(body));
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'webhook_payload_invalid', status: 400 });
    expect(outcome.kind === 'rejected' && outcome.detail).toMatch(/at \/result\/media_buy_id: must be string/);
  });
});

describe('typed handlers and the status policy', () => {
  it('dispatches to the most specific handler and acknowledges with 200', async () => {
    const seen: string[] = [];
    const receiver = receiverWith()
      .on('create_media_buy', 'completed', (event) => {
        seen.push(`pair:${event.result?.media_buy_id ?? ''}`);
      })
      .on('create_media_buy', (event) => {
        seen.push(`type:${event.status}`);
      })
      .onAny((event) => {
        seen.push(`any:${event.taskType ?? ''}`);
      });
    expect((await receiver.handle(signed())).status).toBe(200);
    expect((await receiver.handle(signed(envelope({ status: 'working', result: { percentage: 5 } })))).status).toBe(200);
    expect((await receiver.handle(signed(envelope({ task_type: 'sync_creatives', result: { status: 'completed', creatives: [] } })))).status).toBe(200);
    expect(seen).toEqual(['pair:mb_001', 'type:working', 'any:sync_creatives']);
  });

  it('a throwing handler is acknowledged (no retry storm) and reported; the event is then a duplicate', async () => {
    const reported: unknown[] = [];
    const receiver = createWebhookReceiver({
      keys: staticKeySource([publicSharedKey(SELLER_KID)], { sender: SELLER }),
      registration: { mode: 'rfc9421' },
      now: () => NOW * 1000,
      onHandlerError: (error) => {
        reported.push(error);
        throw new Error('the hook fails too');
      },
      logger: {
        log() {
          throw new Error('and so does the logger');
        },
      },
    }).onAny(() => {
      throw new Error('handler bug');
    });
    const body = envelope();
    expect((await receiver.handle(signed(body))).status).toBe(200);
    expect(reported).toHaveLength(1);
    expect((await receiver.handle(signed(body))).outcome.kind).toBe('duplicate');
  });

  it("policy 'retry' answers 500 and releases the claim so the sender's retry runs the handler again", async () => {
    let calls = 0;
    const receiver = createWebhookReceiver({
      keys: staticKeySource([publicSharedKey(SELLER_KID)], { sender: SELLER }),
      registration: { mode: 'rfc9421' },
      now: () => NOW * 1000,
      handlerErrorPolicy: 'retry',
    }).onAny(() => {
      calls += 1;
      if (calls === 1) throw new Error('transient');
    });
    const body = envelope();
    expect((await receiver.handle(signed(body))).status).toBe(500);
    expect((await receiver.handle(signed(body))).status).toBe(200);
    expect(calls).toBe(2);
  });

  it('rejections carry WWW-Authenticate / Retry-After on the wire answer, never the explanation', async () => {
    const request = signed();
    const answer = await receiverWith({ explain: true }).handle({ ...request, body: `${request.body} ` });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Signature error="webhook_signature_digest_mismatch"');
    expect(answer.body).toBe('{"error":"webhook_signature_digest_mismatch"}');
  });
});

describe('never throws; fails closed', () => {
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('hostile getter');
      },
    },
  );

  it('hostile request objects are 400', async () => {
    const receiver = receiverWith();
    expect(await receiver.receive(hostile as never)).toMatchObject({ code: 'webhook_request_invalid', status: 400 });
    expect(await receiver.receive({ ...signed(), headers: hostile as never })).toMatchObject({ kind: 'rejected' });
    expect(await receiver.receive(null as never)).toMatchObject({ code: 'webhook_request_invalid' });
    const getter = { get: () => { throw new Error('no'); } };
    expect(await receiver.receive({ ...signed(), headers: getter as never })).toMatchObject({ kind: 'rejected' });
  });

  const failing: Array<[string, Partial<WebhookReceiverOptions>]> = [
    ['a throwing key source', { keys: { lookup: () => { throw new Error('boom'); } } }],
    ['a rejecting key source', { keys: { lookup: () => Promise.reject(new Error('boom')) } }],
    ['a key source answering junk', { keys: { lookup: async () => 42 as never } }],
    ['a throwing nonce store', { nonces: { admit: () => Promise.reject(new Error('down')), close: async () => {} } }],
    ['a throwing dedup store', { dedup: { ...createMemoryDedupStore(), begin: () => Promise.reject(new Error('down')) } }],
    ['a throwing registration lookup', { registration: () => { throw new Error('db'); } }],
  ];

  it.each(failing)('%s answers 503 with Retry-After', async (_name, options) => {
    const outcome: ReceiveOutcome = await receiverWith(options).receive(signed());
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'webhook_receiver_unavailable', status: 503, retryAfterSeconds: 5 });
  });

  it('nothing registered at the URL is 404', async () => {
    expect(await receiverWith({ registration: () => undefined }).receive(signed())).toMatchObject({
      code: 'webhook_registration_unknown',
      status: 404,
    });
  });
});
