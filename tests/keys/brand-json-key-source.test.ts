// brandJsonKeySource against a real TLS key server on loopback (test CA, node:https, real undici
// through the SSRF guard under its default policy). Each case asserts the answer and, where the
// spec bounds network traffic, the requests the server actually received.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { brandJsonKeySource, KeySourceConfigError, type BrandJsonKeySourceOptions } from '../../src/runtime/keys/discovery/index.js';
import type { BrandJsonKeySource } from '../../src/runtime/keys/discovery/brand-json-key-source.js';
import type { WebhookKeyLookup } from '../../src/runtime/keys/webhook-key-source.js';
import { isoAt, KeyServer, makeSigningKey, makeTestCertificates, signRevocationList, type TestSigningKey } from './support/key-server.js';

const T0 = 1_790_000_000;
const PUBLIC = '93.184.215.14';
const AGENT = 'https://agent.seller.example/mcp';
const BRAND_JSON = 'https://seller.example/.well-known/brand.json';
const JWKS = 'https://agent.seller.example/.well-known/jwks.json';
const REVOCATIONS = 'https://seller.example/.well-known/governance-revocations.json';
const HOSTS = ['seller.example', 'agent.seller.example', 'agent2.seller.example', 'keys.seller.example', 'agent.other-operator.example', 'publisher.example', 'keys.private.example'];
const ADDRESSES = Object.fromEntries([...HOSTS.map((host) => [host, PUBLIC]), ['keys.private.example', '10.0.0.7']]);

let server: KeyServer;
const sources: BrandJsonKeySource[] = [];
const kid1 = makeSigningKey('seller-2026-01');
const kid2 = makeSigningKey('seller-2026-02');
const listSigner = makeSigningKey('seller-revocation-2026', 'governance-signing');

beforeAll(async () => {
  server = new KeyServer(makeTestCertificates(HOSTS));
  await server.start();
});

afterAll(() => server.close());

afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.close()));
  server.routes.clear();
  server.resetCounts();
});

function publish(options: { keys?: TestSigningKey[]; revoked?: string[]; nextUpdate?: number; agents?: unknown[]; brandJson?: unknown } = {}): void {
  server.json(BRAND_JSON, options.brandJson ?? { house: { domain: 'seller.example', name: 'Seller' }, agents: options.agents ?? [{ type: 'sales', url: AGENT }] });
  server.json(JWKS, { keys: [...(options.keys ?? [kid1]), listSigner].map((key) => key.jwk) });
  server.set(REVOCATIONS, {
    body: signRevocationList(
      { issuer: 'https://seller.example', updated: isoAt(T0 - 60), next_update: isoAt(options.nextUpdate ?? T0 + 300), revoked_kids: options.revoked ?? [] },
      listSigner,
    ),
  });
}

function source(options: Partial<BrandJsonKeySourceOptions> = {}): BrandJsonKeySource {
  const created = brandJsonKeySource({ agentUrl: AGENT, brandJsonUrl: BRAND_JSON, fetch: server.fetchOptions(ADDRESSES), ...options });
  sources.push(created);
  return created;
}

function expectUnknown(answer: WebhookKeyLookup, detail: RegExp): void {
  expect(answer.ok).toBe(false);
  if (answer.ok) return;
  expect(answer.code).toBe('webhook_signature_key_unknown');
  expect(answer.detail).toMatch(detail);
}

describe('brandJsonKeySource: discovery chain', () => {
  it('resolves brand.json → agents[] → default jwks_uri → kid, with the agent URL as sender', async () => {
    publish();
    const answer = await source().lookup({ keyid: kid1.kid, now: T0 });
    expect(answer).toEqual({ ok: true, jwk: kid1.jwk, senderId: AGENT, revocation: 'valid' });
    expect([server.count(BRAND_JSON), server.count(JWKS), server.count(REVOCATIONS)]).toEqual([1, 1, 1]);
  });

  it('uses the entry jwks_uri when declared', async () => {
    publish({ agents: [{ type: 'sales', url: AGENT, jwks_uri: 'https://keys.seller.example/agent/jwks.json' }] });
    server.json('https://keys.seller.example/agent/jwks.json', { keys: [kid2.jwk, listSigner.jwk] });
    const answer = await source().lookup({ keyid: kid2.kid, now: T0 });
    expect(answer).toMatchObject({ ok: true, jwk: kid2.jwk });
    expect(server.count(JWKS)).toBe(0);
  });

  it('shares one fetch of each document among concurrent cold lookups', async () => {
    publish();
    const keySource = source();
    const answers = await Promise.all(Array.from({ length: 5 }, () => keySource.lookup({ keyid: kid1.kid, now: T0 })));
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect([server.count(BRAND_JSON), server.count(JWKS)]).toEqual([1, 1]);
  });

  it('matches agents[] byte for byte: a trailing slash is agent_not_in_brand_json', async () => {
    publish({ agents: [{ type: 'sales', url: `${AGENT}/` }] });
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0 }), /^agent_not_in_brand_json: /);
    expect(server.count(JWKS)).toBe(0);
  });

  it('rejects two entries for the agent URL as brand_json_ambiguous', async () => {
    publish({ agents: [{ type: 'sales', url: AGENT }, { type: 'buying', url: AGENT }] });
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0 }), /^brand_json_ambiguous: 2 agents\[\] entries/);
  });

  it('rejects a brand.json with a repeated key as brand_json_malformed', async () => {
    server.set(BRAND_JSON, { body: `{"agents":[{"type":"sales","url":"${AGENT}"}],"agents":[]}` });
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0 }), /^brand_json_malformed: .*repeated object key "agents"/);
  });

  it('finds a kid among several configured agents, and refuses a kid two of them publish', async () => {
    const agent2 = 'https://agent2.seller.example/mcp';
    const agent2Jwks = 'https://agent2.seller.example/.well-known/jwks.json';
    publish({ agents: [{ type: 'sales', url: AGENT }, { type: 'sales', url: agent2 }] });
    server.json(agent2Jwks, { keys: [kid2.jwk, listSigner.jwk] });
    const keySource = source({ agents: [{ agentUrl: AGENT, brandJsonUrl: BRAND_JSON }, { agentUrl: agent2, brandJsonUrl: BRAND_JSON }] });
    expect(await keySource.lookup({ keyid: kid2.kid, now: T0 })).toMatchObject({ ok: true, jwk: kid2.jwk, senderId: agent2 });
    expect(await keySource.lookup({ keyid: kid2.kid, now: T0, expectedSender: AGENT })).toMatchObject({ ok: false });
    expectUnknown(await keySource.lookup({ keyid: listSigner.kid, now: T0 }), /^key_ambiguous/);
    expect(await keySource.lookup({ keyid: listSigner.kid, now: T0, expectedSender: agent2 })).toMatchObject({ ok: true, senderId: agent2 });
  });

  it('refuses an expected sender that is not a configured agent', async () => {
    publish();
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0, expectedSender: 'https://agent.seller.example/mcp/' }), /^sender_not_configured/);
    expect(server.totalRequests()).toBe(0);
  });
});

describe('brandJsonKeySource: eTLD+1 origin binding', () => {
  const foreignAgent = 'https://agent.other-operator.example/mcp';
  const foreignJwks = 'https://agent.other-operator.example/.well-known/jwks.json';

  it('rejects an agent whose eTLD+1 differs from the brand.json one as brand_origin_mismatch', async () => {
    publish({ agents: [{ type: 'sales', url: foreignAgent }] });
    server.json(foreignJwks, { keys: [kid1.jwk] });
    const answer = await source({ agentUrl: foreignAgent }).lookup({ keyid: kid1.kid, now: T0 });
    expectUnknown(answer, /^brand_origin_mismatch: agent eTLD\+1 other-operator\.example differs from brand\.json eTLD\+1 seller\.example/);
    expect(server.count(foreignJwks)).toBe(0);
  });

  it('accepts it when authorized_operators lists the agent eTLD+1', async () => {
    server.json(BRAND_JSON, {
      house: { domain: 'seller.example', name: 'Seller' },
      brands: [{ id: 'seller', agents: [{ type: 'sales', url: foreignAgent }] }],
      authorized_operators: [{ domain: 'Other-Operator.example', brands: ['*'] }],
    });
    server.json(foreignJwks, { keys: [kid1.jwk, listSigner.jwk] });
    server.set(REVOCATIONS, { body: signRevocationList({ issuer: 'https://seller.example', updated: isoAt(T0), next_update: isoAt(T0 + 300), revoked_kids: [] }, listSigner) });
    const answer = await source({ agentUrl: foreignAgent }).lookup({ keyid: kid1.kid, now: T0 });
    expect(answer).toEqual({ ok: true, jwk: kid1.jwk, senderId: foreignAgent, revocation: 'valid' });
  });
});

describe('brandJsonKeySource: operator delegation windows and redirect documents', () => {
  const foreignAgent = 'https://agent.other-operator.example/mcp';
  const foreignJwks = 'https://agent.other-operator.example/.well-known/jwks.json';

  function publishDelegation(window: Record<string, string>): void {
    server.json(BRAND_JSON, {
      house: { domain: 'seller.example', name: 'Seller' },
      agents: [{ type: 'sales', url: foreignAgent }],
      authorized_operators: [{ domain: 'other-operator.example', brands: ['*'], ...window }],
    });
    server.json(foreignJwks, { keys: [kid1.jwk] });
  }

  it('ignores an authorized_operators entry outside its valid_from / valid_until window', async () => {
    publishDelegation({ valid_from: isoAt(T0 + 100), valid_until: isoAt(T0 + 200) });
    const keySource = source({ agentUrl: foreignAgent, revocation: 'off' });
    expectUnknown(await keySource.lookup({ keyid: kid1.kid, now: T0 }), /^brand_origin_mismatch/);
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 150 })).toMatchObject({ ok: true, senderId: foreignAgent });
    expectUnknown(await keySource.lookup({ keyid: kid1.kid, now: T0 + 200 }), /^brand_origin_mismatch/);
    expect(server.count(BRAND_JSON)).toBe(1);
  });

  it('follows one authoritative_location document and refuses a second', async () => {
    const hosted = 'https://seller.example/brand/hosted.json';
    server.json(BRAND_JSON, { authoritative_location: hosted });
    server.json(hosted, { agents: [{ type: 'sales', url: AGENT }] });
    server.json(JWKS, { keys: [kid1.jwk] });
    expect(await source({ revocation: 'off' }).lookup({ keyid: kid1.kid, now: T0 })).toMatchObject({ ok: true });
    server.json(hosted, { authoritative_location: 'https://seller.example/brand/third.json' });
    expectUnknown(await source({ revocation: 'off' }).lookup({ keyid: kid1.kid, now: T0 }), /^brand_json_malformed: .*second brand\.json redirect/);
    expect(server.count('https://seller.example/brand/third.json')).toBe(0);
  });
});

describe('brandJsonKeySource: key purpose members', () => {
  it('returns a key with its use, key_ops and adcp_use as published, for the verifier step-8 check', async () => {
    const governance = makeSigningKey('seller-gov-2026', 'governance-signing');
    publish({ keys: [kid1, governance] });
    const answer = await source().lookup({ keyid: governance.kid, now: T0 });
    expect(answer).toMatchObject({ ok: true, jwk: { adcp_use: 'governance-signing', key_ops: ['verify'], use: 'sig' } });
  });
});

describe('brandJsonKeySource: rotation and refetch', () => {
  it('refetches once for a new kid, then rejects a second unknown kid within 30 s without a fetch', async () => {
    publish();
    const keySource = source();
    expect((await keySource.lookup({ keyid: kid1.kid, now: T0 })).ok).toBe(true);
    expect(server.count(JWKS)).toBe(1);

    publish({ keys: [kid1, kid2] });
    expect(await keySource.lookup({ keyid: kid2.kid, now: T0 + 5 })).toMatchObject({ ok: true, jwk: kid2.jwk });
    expect(server.count(JWKS)).toBe(2);

    expectUnknown(await keySource.lookup({ keyid: 'never-published', now: T0 + 20 }), /^key_unknown: kid not in the JWKS; refetch cooldown/);
    expect(server.count(JWKS)).toBe(2);

    expectUnknown(await keySource.lookup({ keyid: 'never-published', now: T0 + 35 }), /^key_unknown: kid not in the JWKS after one refetch/);
    expect(server.count(JWKS)).toBe(3);
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 36 })).toMatchObject({ ok: true });
    expect(server.count(JWKS)).toBe(3);
  });
});

describe('brandJsonKeySource: revocation', () => {
  it('answers revoked for a kid on the signed list', async () => {
    publish({ revoked: [kid1.kid] });
    expect(await source().lookup({ keyid: kid1.kid, now: T0 })).toMatchObject({ ok: true, revocation: 'revoked' });
  });

  it('polls per next_update, bounds the JWKS TTL by that interval, and answers stale past next_update + 4× interval', async () => {
    publish({ nextUpdate: T0 + 60 });
    const keySource = source();
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 })).toMatchObject({ revocation: 'valid' });
    server.set(REVOCATIONS, { status: 503 });

    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 61 })).toMatchObject({ ok: true, revocation: 'valid' });
    expect(server.count(REVOCATIONS)).toBe(2);
    expect(server.count(JWKS)).toBe(2); // 60 s list interval < 300 s cache TTL

    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 70 })).toMatchObject({ revocation: 'valid' });
    expect(server.count(REVOCATIONS)).toBe(2); // a failed refresh is retried after the negative-cache time

    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 60 + 240 + 1 })).toMatchObject({ ok: true, revocation: 'stale' });
    publish({ nextUpdate: T0 + 900 });
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 302 })).toMatchObject({ revocation: 'stale' });
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 340 })).toMatchObject({ revocation: 'valid' });
  });

  it('fails closed (stale) when the list is unsigned, wrongly typed or from another issuer', async () => {
    const bad = [
      signRevocationList({ issuer: 'https://seller.example', updated: isoAt(T0), next_update: isoAt(T0 + 300), revoked_kids: [] }, kid2),
      signRevocationList({ issuer: 'https://seller.example', updated: isoAt(T0), next_update: isoAt(T0 + 300), revoked_kids: [] }, listSigner, 'JWT'),
      signRevocationList({ issuer: 'https://cdn.example', updated: isoAt(T0), next_update: isoAt(T0 + 300), revoked_kids: [] }, listSigner),
    ];
    for (const body of bad) {
      publish();
      server.set(REVOCATIONS, { body });
      expect(await source().lookup({ keyid: kid1.kid, now: T0 })).toMatchObject({ ok: true, revocation: 'stale' });
    }
  });

  it('refuses a list older than the one held (no rollback) and goes stale on schedule', async () => {
    publish({ nextUpdate: T0 + 60, revoked: [kid2.kid] });
    const keySource = source();
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 })).toMatchObject({ revocation: 'valid' });
    publish({ keys: [kid1, kid2] });
    server.set(REVOCATIONS, {
      body: signRevocationList({ issuer: 'https://seller.example', updated: isoAt(T0 - 3_600), next_update: isoAt(T0 + 900), revoked_kids: [] }, listSigner),
    });
    expect(await keySource.lookup({ keyid: kid2.kid, now: T0 + 61 })).toMatchObject({ ok: true, revocation: 'revoked' });
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 301 })).toMatchObject({ revocation: 'stale' });
  });

  it("answers valid without any list when revocation is 'off'", async () => {
    publish();
    server.routes.delete('seller.example/.well-known/governance-revocations.json');
    expect(await source({ revocation: 'off' }).lookup({ keyid: kid1.kid, now: T0 })).toMatchObject({ revocation: 'valid' });
    expect(server.count(REVOCATIONS)).toBe(0);
  });
});

describe('brandJsonKeySource: SSRF and size controls on key fetches', () => {
  it('refuses a JWKS over 64 KiB and caches the failure for the negative-cache time only', async () => {
    publish();
    const padding = Array.from({ length: 700 }, (_, index) => ({ ...kid2.jwk, kid: `pad-${index}` }));
    server.json(JWKS, { keys: [kid1.jwk, ...padding] });
    const keySource = source();
    expectUnknown(await keySource.lookup({ keyid: kid1.kid, now: T0 }), /^jwks_malformed: https:\/\/agent\.seller\.example\/…#[0-9a-f]+: response over 65536 bytes/);
    expectUnknown(await keySource.lookup({ keyid: kid1.kid, now: T0 + 29 }), /^jwks_malformed/);
    expect(server.count(JWKS)).toBe(1);
    publish();
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 + 31 })).toMatchObject({ ok: true });
    expect(server.count(JWKS)).toBe(2);
  });

  it('ends a JWKS fetch that gets no answer at the total deadline', async () => {
    publish();
    server.set(JWKS, { hang: true });
    const keySource = source({ fetch: server.fetchOptions(ADDRESSES, { totalTimeoutMs: 300 }) });
    const started = Date.now();
    expectUnknown(await keySource.lookup({ keyid: kid1.kid, now: T0 }), /^jwks_unavailable: .*timed out/);
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('refuses a redirect on the JWKS fetch and never requests its target', async () => {
    publish();
    server.set(JWKS, { status: 302, headers: { location: 'https://keys.seller.example/elsewhere.json' } });
    server.json('https://keys.seller.example/elsewhere.json', { keys: [kid1.jwk] });
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0 }), /^jwks_untrusted: .*redirect refused \(HTTP 302\)/);
    expect(server.count('https://keys.seller.example/elsewhere.json')).toBe(0);
  });

  it('refuses a redirect on the brand.json fetch', async () => {
    server.set(BRAND_JSON, { status: 301, headers: { location: 'https://agent.seller.example/brand.json' } });
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0 }), /^brand_json_unreachable: .*redirect refused \(HTTP 301\)/);
  });

  it('refuses a jwks_uri whose host resolves to a private address under the default policy', async () => {
    publish({ agents: [{ type: 'sales', url: AGENT, jwks_uri: 'https://keys.private.example/jwks.json' }] });
    server.json('https://keys.private.example/jwks.json', { keys: [kid1.jwk] });
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0 }), /^jwks_untrusted: https:\/\/keys\.private\.example\/…#[0-9a-f]+: destination refused by the SSRF policy/);
    expect(server.count('https://keys.private.example/jwks.json')).toBe(0);
  });

  it('refuses a metadata-address jwks_uri literal and a non-https jwks_uri', async () => {
    publish({ agents: [{ type: 'sales', url: AGENT, jwks_uri: 'https://169.254.169.254/latest/jwks.json' }] });
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0 }), /^jwks_untrusted: .*SSRF policy/);
    publish({ agents: [{ type: 'sales', url: AGENT, jwks_uri: 'http://agent.seller.example/.well-known/jwks.json' }] });
    expectUnknown(await source().lookup({ keyid: kid1.kid, now: T0 }), /^jwks_untrusted: .*not https/);
  });

  it('does not trust a server certificate outside the configured CA', async () => {
    publish();
    const untrusting = brandJsonKeySource({
      agentUrl: AGENT,
      brandJsonUrl: BRAND_JSON,
      fetch: server.fetchOptions(ADDRESSES, {}, false),
    });
    sources.push(untrusting);
    expectUnknown(await untrusting.lookup({ keyid: kid1.kid, now: T0 }), /^brand_json_unreachable: /);
  });
});

describe('brandJsonKeySource: publisher pins', () => {
  const ADAGENTS = 'https://publisher.example/.well-known/adagents.json';

  it('takes the pinned key and rejects a kid outside the pin even when the JWKS has it', async () => {
    publish({ keys: [kid1, kid2] });
    const pinnedJwk = { kid: kid1.kid, kty: 'OKP', crv: 'Ed25519', x: kid1.jwk.x, use: 'sig', alg: 'EdDSA' };
    server.json(ADAGENTS, { authorized_agents: [{ url: AGENT, authorized_for: 'display', signing_keys: [pinnedJwk] }] });
    const keySource = source({ agents: [{ agentUrl: AGENT, brandJsonUrl: BRAND_JSON, publisherAdagentsUrl: ADAGENTS }] });
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 })).toMatchObject({ ok: true, jwk: pinnedJwk, senderId: AGENT });
    expectUnknown(await keySource.lookup({ keyid: kid2.kid, now: T0 + 1 }), /^key_not_pinned/);
    expect(server.count(ADAGENTS)).toBe(2); // one forced refresh before the final rejection
  });

  it('answers revoked for a pinned key past its revoked_at', async () => {
    publish();
    server.json(ADAGENTS, {
      authorized_agents: [{ url: AGENT, authorized_for: 'display', signing_keys: [{ ...kid1.jwk, revoked_at: isoAt(T0 - 1) }] }],
    });
    const keySource = source({ agents: [{ agentUrl: AGENT, brandJsonUrl: BRAND_JSON, publisherAdagentsUrl: ADAGENTS }] });
    expect(await keySource.lookup({ keyid: kid1.kid, now: T0 })).toMatchObject({ ok: true, revocation: 'revoked' });
  });
});

describe('brandJsonKeySource: never throws', () => {
  it('answers hostile queries and survives a throwing logger', async () => {
    const keySource = source({
      logger: {
        log() {
          throw new Error('logger down');
        },
      },
    });
    const hostile = {
      get keyid(): string {
        throw new Error('getter');
      },
      now: T0,
    };
    expectUnknown(await keySource.lookup(hostile as never), /^internal_error|^invalid_query/);
    expectUnknown(await keySource.lookup({ keyid: '', now: T0 }), /^invalid_query/);
    expectUnknown(await keySource.lookup(null as never), /^invalid_query/);
    expectUnknown(await keySource.lookup({ keyid: kid1.kid, now: T0 }), /^brand_json_unreachable: .*HTTP 404/);
  });

  it('rejects unusable configuration with one error naming the cause', () => {
    expect(() => brandJsonKeySource({})).toThrow(KeySourceConfigError);
    expect(() => brandJsonKeySource({ agentUrl: 'http://agent.seller.example/mcp' })).toThrow(/agentUrl must be an https URL/);
    expect(() => brandJsonKeySource({ agentUrl: AGENT, negativeCacheSeconds: 120 })).toThrow(/negativeCacheSeconds must be between 0 and 60/);
    expect(() => brandJsonKeySource({ agents: [{ agentUrl: AGENT }, { agentUrl: AGENT }] })).toThrow(/an agentUrl is listed twice/);
  });
});
