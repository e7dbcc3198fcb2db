// Webhook kinds beyond the task webhook: discovered per release from the schemas, an unclassifiable
// kind fails generation naming it, the generated module compiles under real tsc, and standalone
// kinds of 3.1.19 go build → sign → deliver (real undici, loopback node:http) → verify → validate.
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parseDictionary, type InnerList } from 'structured-headers';
import { afterAll, describe, expect, it } from 'vitest';
import { CodegenError, generateFiles } from '../../codegen/pipeline.js';
import { discoverNotificationKinds } from '../../codegen/model/notification-kinds.js';
import { SchemaStore } from '../../codegen/load/schema-store.js';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import { buildSignatureBase, createRfc9421Signer } from '../../src/runtime/signing/index.js';
import { buildNotificationPayload, NOTIFICATION_KINDS, type StandaloneNotificationKind } from '../../src/generated/notifications.js';
import { startReceiver } from '../delivery/support/receiver.js';
import { bindingEntryFrom, copySchemas, editJson, makeTempDir, runTsc, schemaDir, VERSIONS, writeFiles } from './helpers.js';

const workDir = makeTempDir('notification-kinds');
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function enumValues(version: (typeof VERSIONS)[number]): string[] {
  const schema = JSON.parse(readFileSync(path.join(schemaDir(version), 'enums', 'notification-type.json'), 'utf8')) as { enum: string[] };
  return schema.enum;
}

describe('discovery per release', () => {
  it.each(VERSIONS)('%s: every notification type is a kind, plus the four channel payloads', (version) => {
    const kinds = discoverNotificationKinds(new SchemaStore(schemaDir(version)));
    const names = kinds.map((kind) => kind.name);
    expect(names).toEqual([...enumValues(version), 'rights_revocation', 'collection_list_changed', 'artifact_batch', 'property_list_changed']);
    for (const kind of kinds.filter((entry) => ['scheduled', 'final', 'delayed', 'adjusted'].includes(entry.name))) {
      expect(kind).toMatchObject({ anchoring: 'media-buy', inTaskEnvelope: true, notificationId: { kind: 'absent' }, coalesceMs: null });
    }
  });

  it('3.1.19 rules: impairment copies impairment_id and coalesces 5 min; wholesale copies event.event_id; creative ids are stable', () => {
    const kinds = new Map(discoverNotificationKinds(new SchemaStore(schemaDir('3.1.19'))).map((kind) => [kind.name, kind]));
    expect(kinds.get('impairment')).toMatchObject({ payloadFile: 'core/impairment.json', inTaskEnvelope: true, notificationId: { kind: 'copy', from: ['impairment', 'impairment_id'] }, coalesceMs: 300_000 });
    expect(kinds.get('product.priced')).toMatchObject({ payloadFile: 'core/wholesale-feed-webhook.json', anchoring: 'account', notificationId: { kind: 'copy', from: ['event', 'event_id'] }, timestampField: 'fired_at' });
    expect(kinds.get('creative.status_changed')).toMatchObject({ anchoring: 'account', notificationId: { kind: 'stable', per: '(creative_id, transition)' } });
    expect(kinds.get('property_list_changed')).toMatchObject({ anchoring: 'channel', discriminator: { field: 'event', value: 'property_list_changed' } });
  });

  it('3.2.0-beta.5: capabilities.changed is agent-anchored, account.status_changed account-anchored', () => {
    const kinds = new Map(discoverNotificationKinds(new SchemaStore(schemaDir('3.2.0-beta.5'))).map((kind) => [kind.name, kind]));
    expect(kinds.get('capabilities.changed')).toMatchObject({ anchoring: 'agent', payloadFile: 'core/capabilities-changed-webhook.json' });
    expect(kinds.get('account.status_changed')).toMatchObject({ anchoring: 'account', payloadFile: 'core/account-status-changed-webhook.json' });
    expect(kinds.get('window_update')).toMatchObject({ anchoring: 'media-buy', inTaskEnvelope: true });
  });
});

describe('unclassifiable kinds fail generation naming them', () => {
  it('a notification type no payload carries', async () => {
    const cache = copySchemas('3.1.19', path.join(workDir, 'unknown-type'));
    editJson(path.join(cache, 'enums', 'notification-type.json'), (json) => {
      (json['enum'] as string[]).push('budget.exhausted');
    });
    const error = await generateFiles({ schemasDir: cache }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as Error).message).toContain('cannot classify notification type "budget.exhausted"');
  });

  it('a notification type whose notification_id clause matches no rule', async () => {
    const cache = copySchemas('3.1.19', path.join(workDir, 'bad-rule'));
    editJson(path.join(cache, 'enums', 'notification-type.json'), (json) => {
      const descriptions = json['enumDescriptions'] as Record<string, string>;
      descriptions['creative.purged'] = 'Account-anchored fire. **notification_id**: chosen by the seller somehow.';
    });
    const error = await generateFiles({ schemasDir: cache }).catch((thrown: unknown) => thrown);
    expect((error as Error).message).toContain('cannot classify notification type "creative.purged"');
  });

  it('a new webhook payload file nothing classifies', async () => {
    const cache = copySchemas('3.1.19', path.join(workDir, 'unknown-file'));
    writeFileSync(path.join(cache, 'core', 'budget-exhausted-webhook.json'), JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', $id: '/schemas/3.1.19/core/budget-exhausted-webhook.json', type: 'object', properties: { idempotency_key: { type: 'string' } } }));
    const error = await generateFiles({ schemasDir: cache }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(CodegenError);
    expect((error as CodegenError).file).toBe(path.join(cache, 'core', 'budget-exhausted-webhook.json'));
    expect((error as Error).message).toContain('cannot classify webhook payload');
  });
});

describe('generated notifications module', () => {
  it.each(VERSIONS)('%s: compiles under real tsc with the modules it imports and lists every kind', async (version) => {
    const dir = path.join(workDir, `tsc-${version}`);
    const files = await generateFiles({ schemasDir: schemaDir(version), bindingEntry: bindingEntryFrom(dir) });
    writeFiles(dir, files);
    expect(runTsc(dir)).toEqual([]);
    const module = files.find((file) => file.path === 'notifications.ts')!.contents;
    for (const name of enumValues(version)) expect(module).toMatch(new RegExp(`^  '?${name.replace(/\./g, '\\.')}'?: \\{$`, 'm'));
  }, 120_000);
});

/** Minimal schema-valid fields per standalone 3.1.19 kind (what the seller supplies; the builder adds the rest). */
const FIELDS: Partial<Record<StandaloneNotificationKind, Record<string, unknown>>> = {
  'creative.status_changed': {
    notification_id: 'cre_1:approved',
    subscriber_id: 'buyer-primary',
    account_id: 'acc_1',
    creative_id: 'cre_1',
    transition: { from: 'pending_review', to: 'approved', observed_at: '2026-12-01T09:59:00Z' },
    reason_code: 'review_passed',
    initiator: 'seller',
  },
  'creative.purged': {
    notification_id: 'cre_2:purge',
    subscriber_id: 'buyer-primary',
    account_id: 'acc_1',
    creative_id: 'cre_2',
    purge_kind: 'soft',
    purged_at: '2026-12-01T10:00:00Z',
    reason_code: 'retention_expired',
    initiator: 'system',
  },
  property_list_changed: { list_id: 'pl_1', resolved_at: '2026-12-01T10:00:00Z', signature: 'sig' },
  collection_list_changed: { list_id: 'cl_1', resolved_at: '2026-12-01T10:00:00Z', signature: 'sig' },
  rights_revocation: { rights_id: 'rg_1', brand_id: 'br_1', reason: 'contract ended', effective_at: '2026-12-01T10:00:00Z' },
};

function cacheValidator(file: string) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormatsModule as unknown as { default: (ajv: Ajv) => void }).default?.(ajv) ?? (addFormatsModule as unknown as (ajv: Ajv) => void)(ajv);
  const root = schemaDir('3.1.19');
  for (const dir of readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const name of readdirSync(path.join(root, dir.name)).filter((entry) => entry.endsWith('.json'))) {
      const schema = JSON.parse(readFileSync(path.join(root, dir.name, name), 'utf8')) as { $id?: string };
      if (schema.$id) ajv.addSchema(schema);
    }
  }
  return ajv.getSchema(`/schemas/3.1.19/${file}`)!;
}

describe('3.1.19 round trip per standalone kind: build → sign → deliver → verify → validate', () => {
  it.each(Object.keys(FIELDS) as StandaloneNotificationKind[])('%s', async (kind) => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const signer = createRfc9421Signer({ key: privateKey, keyId: 'kinds-test' });
    const hook = await startReceiver();
    const delivery = createWebhookDelivery({ unsafeAllowPrivateNetwork: true });
    try {
      const payload = buildNotificationPayload(kind, FIELDS[kind]! as never) as Record<string, unknown>;
      const result = await delivery.deliver({ url: `${hook.url}/adcp/notify`, payload, signer });
      expect(result).toMatchObject({ delivered: true, attempts: 1 });
      const [request] = hook.requests;
      const body = JSON.parse(request!.body.toString('utf8')) as Record<string, unknown>;
      expect(body['idempotency_key']).toBe(payload['idempotency_key']);
      expect(body['idempotency_key']).toMatch(/^whk_[A-Za-z0-9_-]{22}$/);

      const digest = String(request!.headers['content-digest']);
      expect(digest).toBe(`sha-256=:${createHash('sha256').update(request!.body).digest('base64url')}:`);
      const input = parseDictionary(String(request!.headers['signature-input'])).get('sig1') as InnerList;
      const params = Object.fromEntries(input[1]) as Record<string, string | number>;
      const base = buildSignatureBase({
        method: 'POST',
        url: `http://127.0.0.1:${hook.port}${request!.url}`,
        contentType: String(request!.headers['content-type']),
        contentDigest: digest,
        params: { created: Number(params['created']), expires: Number(params['expires']), nonce: String(params['nonce']), keyid: String(params['keyid']), alg: String(params['alg']) },
      });
      const signature = /^sig1=:([A-Za-z0-9+/_=-]+):$/.exec(String(request!.headers['signature']))?.[1];
      expect(verify(null, Buffer.from(base, 'utf8'), publicKey, Buffer.from(signature!, 'base64url'))).toBe(true);

      const validate = cacheValidator(NOTIFICATION_KINDS[kind].payloadFile);
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
      const discriminator = NOTIFICATION_KINDS[kind].discriminator;
      if (discriminator) expect(body[discriminator.field]).toBe(discriminator.value);
    } finally {
      await delivery.close();
      await hook.close();
    }
  });

  it('a stable-notification_id kind without one is refused before anything is sent', () => {
    const { notification_id: _omitted, ...rest } = FIELDS['creative.status_changed']!;
    expect(() => buildNotificationPayload('creative.status_changed', rest as never)).toThrow(/notification_id is required/);
  });
});

describe('kinds diff between releases', () => {
  it('3.1.19 → 3.2.0-beta.5 adds the 3.2 kinds; 3.0.26 → 3.1.19 adds impairment and the account kinds', async () => {
    const { diffNotificationKinds } = await import('../../codegen/diff/notification-kinds-diff.js');
    const newer = diffNotificationKinds(schemaDir('3.1.19'), schemaDir('3.2.0-beta.5'));
    expect(newer.added).toEqual(['window_update', 'creative.assignment_changed', 'indicators.changed', 'account.status_changed', 'capabilities.changed']);
    expect(newer.removed).toEqual([]);
    const older = diffNotificationKinds(schemaDir('3.0.26'), schemaDir('3.1.19'));
    expect(older.added).toContain('impairment');
    expect(older.added).toContain('wholesale_feed.bulk_change');
    // 3.0.26 carried delivery reports in get-media-buy-delivery-response.json; 3.1.19 in their own result schema.
    expect(older.changed).toContainEqual({ name: 'scheduled', fields: ['payloadFile'] });
  });
});
