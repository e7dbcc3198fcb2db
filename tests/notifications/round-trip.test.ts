// Every webhook kind of each release (3.0.26, 3.1.19, 3.2.0-beta.5), from that release's generated
// output: build → sign → deliver to a loopback node:http receiver → verify → validate. Standalone kinds
// go through createNotificationSender and createNotificationReceiver (typed events, per-kind validation,
// kinds without a discriminator matched by schema); media-buy kinds travel in the task envelope and
// are verified and validated (envelope, then the content) by hand. An invalid payload is refused
// naming its JSON pointer, by the builder and by the receiver.
// (A schema mutation adding an unclassified notification type fails generation naming it:
// tests/codegen/notification-kinds.test.ts — "unclassifiable kinds fail generation naming them".)
import { createHash, createPublicKey, verify } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDictionary, type InnerList } from 'structured-headers';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateFiles } from '../../codegen/pipeline.js';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import { generateSigningKey } from '../../src/runtime/keys/generate.js';
import { createNotificationReceiver, createNotificationSender, NotificationPayloadError, type NotificationPayloadValidator } from '../../src/runtime/notifications/index.js';
import { staticKeySource } from '../../src/runtime/receiver/index.js';
import { buildSignatureBase, createRfc9421Signer } from '../../src/runtime/signing/index.js';
import { bindingEntryFrom, makeTempDir, schemaDir, writeFiles } from '../codegen/helpers.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../delivery/support/receiver.js';
import { fixtureFor, type FixtureKind } from './support/kind-fixtures.js';

const VERSIONS = ['3.0.26', '3.1.19', '3.2.0-beta.5'] as const;
const SELLER = 'https://seller.example.com/mcp';
const KEY = generateSigningKey({ alg: 'ed25519' });

type Json = Record<string, unknown>;
type KindInfo = FixtureKind & { readonly coalesceMs: number | null };

/** The runtime-facing surface of one release's generated output. */
interface Release {
  readonly NOTIFICATION_KINDS: Readonly<Record<string, KindInfo>>;
  readonly buildNotificationPayload: (kind: string, input: Json) => Json;
  readonly validateNotificationPayload: NotificationPayloadValidator;
  readonly buildMcpWebhookPayload: (input: Json) => Json;
  readonly validateMcpWebhookPayload: (value: unknown) => { ok: boolean; errors?: unknown };
  readonly isSpecWebhookTaskType: (value: unknown) => boolean;
}

const releases = new Map<string, Release>();
let workDir: string;

async function loadRelease(version: (typeof VERSIONS)[number]): Promise<Release> {
  const dir = path.join(workDir, version);
  writeFiles(dir, await generateFiles({ schemasDir: schemaDir(version), bindingEntry: bindingEntryFrom(dir) }));
  const load = async (file: string) => (await import(pathToFileURL(path.join(dir, file)).href)) as Record<string, unknown>;
  const modules = await Promise.all(['notifications.ts', 'notification-validators.ts', 'build-mcp-webhook-payload.ts', 'validators.ts', 'task-types.ts'].map(load));
  return Object.assign({}, ...modules) as Release;
}

beforeAll(async () => {
  workDir = makeTempDir('notification-round-trip');
  for (const version of VERSIONS) releases.set(version, await loadRelease(version));
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function loopback(release: Release) {
  const hook: Receiver = await startReceiver();
  const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true });
  cleanups.push(() => hook.close(), () => delivery.close());
  const sender = createNotificationSender({ delivery, kinds: release.NOTIFICATION_KINDS, validate: release.validateNotificationPayload });
  return { hook, delivery, sender, signer: createRfc9421Signer({ key: KEY.privateJwk }), url: `${hook.url}/adcp/notify` };
}

function buyer(release: Release) {
  return createNotificationReceiver({
    keys: staticKeySource([KEY.publicJwk], { sender: SELLER }),
    registration: { mode: 'rfc9421' },
    kinds: release.NOTIFICATION_KINDS,
    validate: release.validateNotificationPayload,
  });
}

function asWebhookRequest(hook: Receiver, request: ReceivedRequest) {
  return { method: 'POST', url: `http://127.0.0.1:${hook.port}${request.url}`, headers: request.headers as Record<string, string>, body: request.body };
}

/** RFC 9421 check of one captured request against the seller's public key (the webhook profile's base). */
function signatureVerifies(hook: Receiver, request: ReceivedRequest): boolean {
  const digest = String(request.headers['content-digest']);
  if (digest !== `sha-256=:${createHash('sha256').update(request.body).digest('base64url')}:`) return false;
  const input = parseDictionary(String(request.headers['signature-input'])).get('sig1') as InnerList;
  const params = Object.fromEntries(input[1]) as Record<string, string | number>;
  const base = buildSignatureBase({
    method: 'POST',
    url: `http://127.0.0.1:${hook.port}${request.url}`,
    contentType: String(request.headers['content-type']),
    contentDigest: digest,
    params: { created: Number(params['created']), expires: Number(params['expires']), nonce: String(params['nonce']), keyid: String(params['keyid']), alg: String(params['alg']) },
  });
  const signature = /^sig1=:([A-Za-z0-9+/_=-]+):$/.exec(String(request.headers['signature']))?.[1] ?? '';
  return verify(null, Buffer.from(base, 'utf8'), createPublicKey({ key: KEY.publicJwk as never, format: 'jwk' }), Buffer.from(signature, 'base64url'));
}

/** Where a media-buy kind's payload sits in the envelope `result`: impairment fires carry it as `impairment`. */
function envelopeResult(name: string, content: Json): Json {
  return name === 'impairment' ? { notification_type: 'impairment', impairment: content } : content;
}

/** media_buy_delivery where the release has it (3.1+); 3.0 reports ride on the buy's own task type. */
function reportingTaskType(release: Release): string {
  return release.isSpecWebhookTaskType('media_buy_delivery') ? 'media_buy_delivery' : 'create_media_buy';
}

function issuesOf(result: { ok: boolean; errors?: unknown }): unknown {
  return result.ok ? [] : result.errors;
}

function kindsOf(version: string): Array<[string, KindInfo]> {
  return Object.entries(releases.get(version)!.NOTIFICATION_KINDS);
}

describe.each(VERSIONS)('AdCP %s: every webhook kind round-trips', (version) => {
  it('defines kinds and a fixture for each', () => {
    const kinds = kindsOf(version);
    expect(kinds.length).toBeGreaterThan(0);
    for (const [name, kind] of kinds) expect(() => fixtureFor(schemaDir(version), name, kind)).not.toThrow();
  });

  it('standalone kinds: build → sign → deliver → verify → validate, as typed events', async () => {
    const release = releases.get(version)!;
    const standalone = kindsOf(version).filter(([, kind]) => !kind.inTaskEnvelope);
    for (const [name, kind] of standalone) {
      const { hook, sender, signer, url } = await loopback(release);
      const payload = release.buildNotificationPayload(name, fixtureFor(schemaDir(version), name, kind));
      expect(issuesOf(release.validateNotificationPayload(name, payload)), name).toEqual([]);
      expect((await sender.send({ url, kind: name, payload, signer, latencySensitive: true })).delivered, name).toBe(true);
      const event = await buyer(release).receive(asWebhookRequest(hook, hook.requests[0]!));
      expect(event, name).toMatchObject({ kind: 'notification', name, sender: SELLER, idempotencyKey: payload['idempotency_key'] });
      expect((event as { payload: unknown }).payload, name).toEqual(payload);
    }
  });

  it('media-buy kinds: the envelope carrying each kind is signed, delivered, verified and valid', async () => {
    const release = releases.get(version)!;
    for (const [name, kind] of kindsOf(version).filter(([, entry]) => entry.inTaskEnvelope)) {
      const { hook, sender, signer, url } = await loopback(release);
      const content = fixtureFor(schemaDir(version), name, kind);
      expect(issuesOf(release.validateNotificationPayload(name, content)), name).toEqual([]);
      const envelope = release.buildMcpWebhookPayload({ operation_id: 'op_1', task_id: 'mb_1', task_type: reportingTaskType(release), status: 'completed', result: envelopeResult(name, content) });
      expect((await sender.send({ url, kind: name, payload: envelope, signer, latencySensitive: true })).delivered, name).toBe(true);
      const request = hook.requests[0]!;
      expect(signatureVerifies(hook, request), name).toBe(true);
      const body = JSON.parse(request.body.toString('utf8')) as Json;
      expect(issuesOf(release.validateMcpWebhookPayload(body)), name).toEqual([]);
      const result = body['result'] as Json;
      expect(issuesOf(release.validateNotificationPayload(name, name === 'impairment' ? result['impairment'] : result)), name).toEqual([]);
    }
  });

  it('an invalid payload is refused naming its pointer: by the builder, the sender and the receiver', async () => {
    const release = releases.get(version)!;
    const kind = release.NOTIFICATION_KINDS['property_list_changed']!;
    const { list_id: _missing, ...withoutListId } = fixtureFor(schemaDir(version), 'property_list_changed', kind);
    const refused = (() => {
      try {
        release.buildNotificationPayload('property_list_changed', withoutListId);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(refused).toBeInstanceOf(NotificationPayloadError);
    expect(refused).toMatchObject({ code: 'ADCP_NOTIFICATION_PAYLOAD_INVALID', kind: 'property_list_changed', pointer: '/list_id' });
    expect((refused as Error).message).toContain('/list_id');

    const { hook, delivery, sender, signer, url } = await loopback(release);
    const raw = { idempotency_key: 'whk_abcdefghijklmnopqrstuv', event: 'property_list_changed', ...withoutListId };
    expect(() => sender.send({ url, kind: 'property_list_changed', payload: raw, signer })).toThrow(/property_list_changed payload is invalid at \/list_id/);
    expect((await delivery.deliver({ url, payload: raw, signer })).delivered).toBe(true);
    const outcome = await buyer(release).receive(asWebhookRequest(hook, hook.requests[0]!));
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'webhook_payload_invalid' });
    expect((outcome as { detail: string }).detail).toContain('/list_id');
  });
});
