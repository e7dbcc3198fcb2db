// The notification_configs registry against a real loopback subscriber (node:http) that verifies the seller's
// RFC 9421 signature on the challenge: accounts/tasks/sync_accounts.mdx — "Endpoint proof of control".
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '../../src/runtime/keys/index.js';
import { createRfc9421Signer, verifyRfc9421Webhook } from '../../src/runtime/signing/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ACCOUNT_ANCHORED_TYPES,
  MEDIA_BUY_ANCHORED_TYPES,
  createMemorySubscriberStore,
  createSubscriberRegistry,
  openPostgresSubscriberStore,
  openSqliteSubscriberStore,
  type SubscriberStore,
} from '../../src/runtime/subscriptions/index.js';
import { PG_URL, uniquePrefix, withPgClient } from '../store/pg-helpers.js';

const SCHEMAS = new URL('../../schemas/cache', import.meta.url).pathname;
type Mode = 'answer' | 'token' | 'wrong' | 'silent' | 'both';

const ajv = new Ajv({ strict: false });
addFormats.default(ajv);
ajv.addSchema(JSON.parse(readFileSync(`${SCHEMAS}/enums/notification-type.json`, 'utf8')));
const validChallenge = ajv.compile(JSON.parse(readFileSync(`${SCHEMAS}/core/webhook-challenge.json`, 'utf8')));

const pair = generateSigningKey({ alg: 'ed25519' });
const signer = createRfc9421Signer({ key: pair.privateJwk });
let server: Server;
let base = '';
let mode: Mode = 'answer';
const received: Array<{ path: string; body: Record<string, unknown>; verified: boolean; schemaValid: boolean }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      const verdict = verifyRfc9421Webhook({
        method: request.method!, url: `${base}${request.url}`, headers: request.headers, body: raw,
        jwks: { keys: [pair.publicJwk] }, now: Math.floor(Date.now() / 1000),
      });
      received.push({ path: request.url!, body, verified: verdict.ok, schemaValid: validChallenge(body) });
      if (mode === 'silent') return; // never answers: the seller's timeout decides
      const token = body['challenge'] as string;
      const answer = mode === 'answer' ? { challenge: token } : mode === 'token' ? { token } : mode === 'both' ? { challenge: token, token } : { challenge: `${token}x` };
      response.writeHead(verdict.ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// enums/notification-type.json: every notification type is either media-buy- or account-anchored;
// the registry's lists come from the generated notification kinds table.
describe('event types the registry knows', () => {
  it('partition enums/notification-type.json: five media-buy-anchored, the rest account-anchored (wholesale feed types included)', () => {
    const schema = JSON.parse(readFileSync(`${SCHEMAS}/enums/notification-type.json`, 'utf8')) as { enum: string[] };
    expect(MEDIA_BUY_ANCHORED_TYPES).toEqual(['scheduled', 'final', 'delayed', 'adjusted', 'impairment']);
    expect([...MEDIA_BUY_ANCHORED_TYPES, ...ACCOUNT_ANCHORED_TYPES]).toEqual(schema.enum);
    expect(ACCOUNT_ANCHORED_TYPES).toEqual(expect.arrayContaining(['product.priced', 'signal.priced', 'wholesale_feed.bulk_change']));
  });
});

const STORE_KIND = process.env['ADCP_SUBSCRIBER_STORE'];
const closers: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const close of closers) await close();
});
let opened = 0;
async function openStore(kind: string): Promise<SubscriberStore> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-subs-'));
    const store = await openSqliteSubscriberStore(join(dir, 'subs.db'), { tablePrefix: 'subs_' });
    closers.push(async () => { await store.close(); rmSync(dir, { recursive: true, force: true }); });
    return store;
  }
  if (kind === 'postgres') {
    const prefix = `${uniquePrefix('subs')}${opened++}_`;
    const store = await openPostgresSubscriberStore(PG_URL, { tablePrefix: prefix });
    closers.push(async () => { await store.close(); await withPgClient((c) => c.query(`DROP TABLE IF EXISTS ${prefix}subscribers`)); });
    return store;
  }
  return createMemorySubscriberStore();
}
let kind = 'memory';
async function registry() {
  return createSubscriberRegistry({ signer, sellerAgentUrl: 'https://seller.example/adcp', allowHttp: true, challengeTimeoutMs: 300, ssrf: { unsafeAllowPrivateNetwork: true }, store: await openStore(kind) });
}
const config = (id: string, path = `/${id}`, event_types = ['creative.status_changed']) => ({ subscriber_id: id, url: `${base}${path}`, event_types });

describe.each(STORE_KIND === undefined ? ['memory', 'sqlite', 'postgres'] : [STORE_KIND])('on %s', (storeKind) => {
beforeAll(() => { kind = storeKind; });
describe('challenge flow', () => {
  it('activates a subscriber whose endpoint echoes the signed challenge', async () => {
    mode = 'answer';
    const reg = await registry();
    const before = received.length;
    const result = await reg.apply('acct_1', [config('buyer-primary')]);
    expect(result.action).toBe('updated');
    expect(result.notification_configs).toEqual([{ subscriber_id: 'buyer-primary', url: `${base}/buyer-primary`, event_types: ['creative.status_changed'], active: true }]);
    const challenge = received.at(-1)!;
    expect(received.length).toBe(before + 1);
    expect(challenge.verified).toBe(true);
    expect(challenge.schemaValid).toBe(true);
    expect(challenge.body).toMatchObject({ type: 'webhook.challenge', account_id: 'acct_1', subscriber_id: 'buyer-primary', delivery_auth: { mode: 'rfc9421' } });
  });

  it('accepts the `token` alias', async () => {
    mode = 'token';
    expect((await (await registry()).apply('acct_1', [config('alias')])).action).toBe('updated');
  });

  for (const failing of ['wrong', 'silent', 'both'] as const) {
    it(`fails on a ${failing} answer, with the url pointer, and leaves the previous set in place`, async () => {
      mode = 'answer';
      const reg = await registry();
      await reg.apply('acct_1', [config('keep')]);
      mode = failing;
      const result = await reg.apply('acct_1', [config('keep'), config('new-one')]);
      expect(result.action).toBe('failed');
      expect(result.errors).toEqual([{ code: 'VALIDATION_ERROR', message: expect.any(String), field: 'notification_configs[1].url' }]);
      expect((await reg.list('acct_1')).map((c) => c.subscriber_id)).toEqual(['keep']);
    });
  }

  it('reuses proof only for the same tuple; a URL or event-type change challenges again', async () => {
    mode = 'answer';
    const reg = await registry();
    await reg.apply('acct_1', [config('s1')]);
    const count = received.length;
    await reg.apply('acct_1', [config('s1')]);
    expect(received.length).toBe(count);
    mode = 'wrong';
    expect((await reg.apply('acct_1', [config('s1', '/moved')])).action).toBe('failed');
    expect((await reg.apply('acct_1', [config('s1', '/s1', ['creative.status_changed', 'creative.purged'])])).action).toBe('failed');
    expect((await reg.apply('acct_2', [config('s1')])).action).toBe('failed');
    expect(received.length).toBe(count + 3);
    mode = 'answer';
    expect((await reg.apply('acct_1', [config('s1', '/moved')])).notification_configs?.[0]?.url).toBe(`${base}/moved`);
    expect(received.at(-1)!.path).toBe('/moved');
  });

  it('never reports a paused subscriber without proof as active, and challenges on reactivation', async () => {
    mode = 'wrong';
    const reg = await registry();
    const paused = await reg.apply('acct_1', [{ ...config('p'), active: false }]);
    expect(paused.notification_configs?.[0]?.active).toBe(false);
    expect((await reg.apply('acct_1', [config('p')])).action).toBe('failed');
    expect((await reg.subscribers('acct_1'))[0]!.proofKey).toBeUndefined();
  });

  it('refuses a loopback endpoint under the default SSRF policy on write: no challenge reaches it', async () => {
    mode = 'answer';
    const count = received.length;
    const strict = createSubscriberRegistry({ signer, sellerAgentUrl: 'https://seller.example/adcp', allowHttp: true, challengeTimeoutMs: 300, store: await openStore(kind) });
    expect((await strict.apply('acct_1', [config('guarded')])).action).toBe('failed');
    expect(received.length).toBe(count);
  });

  it('does not send challenges on dry_run', async () => {
    const count = received.length;
    const result = await (await registry()).apply('acct_1', [config('dry')], { dryRun: true });
    expect(received.length).toBe(count);
    expect(result.notification_configs).toEqual([]); // the unchanged (empty) set: nothing persisted
  });
});

describe('replace semantics and scoping', () => {
  it('omitted leaves the set, a full array replaces, [] removes all', async () => {
    mode = 'answer';
    const reg = await registry();
    await reg.apply('acct_r', [config('a'), config('b')]);
    expect((await reg.apply('acct_r', undefined)).notification_configs?.map((c) => c.subscriber_id)).toEqual(['a', 'b']);
    expect((await reg.apply('acct_r', [config('b'), config('c')])).notification_configs?.map((c) => c.subscriber_id)).toEqual(['b', 'c']);
    const cleared = await reg.apply('acct_r', []);
    expect(cleared.action).toBe('updated');
    expect(cleared.notification_configs).toEqual([]); // echoed, empty: the request included notification_configs
    expect(await reg.list('acct_r')).toEqual([]);
    expect((await reg.apply('acct_r', undefined)).notification_configs).toBeUndefined();
  });

  it('echoes event_types in the order submitted; a reordering is the same proof tuple', async () => {
    mode = 'answer';
    const reg = await registry();
    const types = ['creative.status_changed', 'creative.purged'];
    const result = await reg.apply('acct_o', [config('o', '/o', types)]);
    expect(result.notification_configs?.[0]?.event_types).toEqual(types);
    const count = received.length;
    expect((await reg.apply('acct_o', [config('o', '/o', [...types].reverse())])).action).toBe('unchanged');
    expect(received.length).toBe(count);
  });

  it('rejects reserved-range and local URLs on write, paused entries included (no DNS, no challenge)', async () => {
    const strict = createSubscriberRegistry({ signer, sellerAgentUrl: 'https://seller.example/adcp', challengeTimeoutMs: 300, store: await openStore(kind) });
    const count = received.length;
    const paused = (id: string, url: string) => ({ subscriber_id: id, url, event_types: ['creative.purged'], active: false });
    const result = await strict.apply('acct_w', [paused('meta', 'https://169.254.169.254/hook'), paused('local', 'https://localhost/hook'), paused('ok', 'https://buyer.example/hook'), paused('plain', 'http://buyer.example/hook')]);
    expect(result.errors?.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_REQUEST', 'notification_configs[0].url'],
      ['INVALID_REQUEST', 'notification_configs[1].url'],
      ['INVALID_REQUEST', 'notification_configs[3].url'],
    ]);
    expect((await strict.apply('acct_w', [paused('ok', 'https://buyer.example/hook')])).notification_configs).toEqual([
      { subscriber_id: 'ok', url: 'https://buyer.example/hook', event_types: ['creative.purged'], active: false },
    ]);
    expect(received.length).toBe(count);
  });

  it('rejects duplicate subscriber ids and media-buy-anchored or undefined types, pointing at the entry', async () => {
    const reg = await registry();
    const count = received.length;
    const result = await reg.apply('acct_s', [config('d'), config('d'), config('x', '/x', ['creative.purged', 'impairment', 'account.status_changed'])]);
    expect(result.action).toBe('failed');
    expect(result.errors?.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_REQUEST', 'notification_configs[1].subscriber_id'],
      ['VALIDATION_ERROR', 'notification_configs[2].event_types[1]'],
      ['VALIDATION_ERROR', 'notification_configs[2].event_types[2]'],
    ]);
    expect(received.length).toBe(count);
    expect(await reg.list('acct_s')).toEqual([]);
  });

  it('keeps credentials write-only: stored for delivery, absent from every echo', async () => {
    mode = 'answer';
    const reg = await registry();
    const secret = 'bearer-secret-value-0123456789abcdef';
    const result = await reg.apply('acct_c', [{ ...config('legacy'), authentication: { schemes: ['Bearer'], credentials: secret } }]);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect(JSON.stringify(await reg.list('acct_c'))).not.toContain(secret);
    const stored = (await reg.subscribers('acct_c'))[0]!;
    if (kind === 'memory') expect(stored.credentials).toBe(secret);
    else expect(JSON.stringify(stored)).not.toContain(secret);
    expect(received.at(-1)!.body['delivery_auth']).toMatchObject({ mode: 'Bearer', credential_fingerprint: expect.stringMatching(/^[a-f0-9]{64}$/) });
    expect(received.at(-1)!.verified).toBe(true);
  });
});
});
