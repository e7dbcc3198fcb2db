// The model stage on the three reference releases: version, envelope requirements, the task type →
// protocol decisions (including the commented hand-made entries) and the result-schema map.
import { describe, expect, it } from 'vitest';
import { resolveRef } from '../../codegen/load/refs.js';
import { SchemaStore } from '../../codegen/load/schema-store.js';
import { buildModel, type CodegenModel } from '../../codegen/model/model.js';
import { schemaDir, type Version } from './helpers.js';

function model(version: Version): CodegenModel {
  return buildModel(new SchemaStore(schemaDir(version)));
}

function protocols(version: Version): Record<string, string | null> {
  return Object.fromEntries(model(version).protocolTable.map((entry) => [entry.taskType, entry.protocol]));
}

describe('version and envelope', () => {
  it.each([
    ['3.0.26', false],
    ['3.1.19', true],
    ['3.2.0-beta.5', true],
  ] as const)('%s: operation_id required = %s', (version, required) => {
    const built = model(version);
    expect(built.version).toBe(version);
    expect(built.envelope.payloadFields.find((field) => field.name === 'operation_id')?.required).toBe(required);
    expect(built.enums.map((e) => e.file)).toEqual(['enums/adcp-protocol.json', 'enums/auth-scheme.json', 'enums/task-status.json', 'enums/task-type.json']);
  });

  it('keeps task types in schema order (3.1 inserted members mid-array)', () => {
    expect(model('3.1.19').taskTypes.members.slice(0, 4).map((m) => m.value)).toEqual(['create_media_buy', 'update_media_buy', 'media_buy_delivery', 'sync_creatives']);
  });
});

describe('task type → protocol', () => {
  it('3.1.19 decides every task type', () => {
    expect(protocols('3.1.19')).toEqual({
      create_media_buy: 'media-buy',
      update_media_buy: 'media-buy',
      media_buy_delivery: 'media-buy',
      sync_creatives: 'media-buy',
      build_creative: 'creative',
      activate_signal: 'signals',
      get_products: 'media-buy',
      get_signals: 'signals',
      create_property_list: 'governance',
      update_property_list: 'governance',
      get_property_list: 'governance',
      list_property_lists: 'governance',
      delete_property_list: 'governance',
      sync_accounts: null,
      get_account_financials: null,
      get_creative_delivery: 'creative',
      sync_event_sources: 'media-buy',
      sync_audiences: 'media-buy',
      sync_catalogs: 'media-buy',
      log_event: 'media-buy',
      get_brand_identity: 'brand',
      search_brands: 'brand',
      get_rights: 'brand',
      acquire_rights: 'brand',
    });
  });

  it('3.2 omits the protocol of the protocol-level task and maps its new tasks', () => {
    expect(protocols('3.2.0-beta.5')).toMatchObject({ sync_agent_notification_configs: null, preview_creative: 'creative', buy_products: 'media-buy', update_rights: 'brand' });
  });

  it('documents how each value was decided', () => {
    const table = model('3.1.19').protocolTable;
    expect(table.find((e) => e.taskType === 'build_creative')?.derivation).toMatch(/^manifest: media-buy; enumDescriptions: creative disagree; resolved by hand/);
    expect(table.find((e) => e.taskType === 'media_buy_delivery')?.derivation).toBe('manifest: (no tool entry); enumDescriptions: media-buy');
  });
});

describe('result schemas', () => {
  const results = (version: Version) => Object.fromEntries(model(version).results.map((r) => [r.taskType, r]));

  it('3.1.19: media_buy_delivery by the prose rule, others by the manifest, interim by status', () => {
    const map = results('3.1.19');
    expect(map['media_buy_delivery']).toMatchObject({ terminalFile: 'media-buy/media-buy-delivery-webhook-result.json', interim: [] });
    expect(map['media_buy_delivery']!.terminalRule).toContain('enumDescriptions prose');
    expect(map['create_media_buy']).toEqual({
      taskType: 'create_media_buy',
      terminalFile: 'media-buy/create-media-buy-response.json',
      terminalRule: 'manifest.json /tools/create_media_buy/response_schema',
      interim: [
        { status: 'input-required', file: 'media-buy/create-media-buy-async-response-input-required.json' },
        { status: 'submitted', file: 'media-buy/create-media-buy-async-response-submitted.json' },
        { status: 'working', file: 'media-buy/create-media-buy-async-response-working.json' },
      ],
    });
  });

  it('3.2: media_buy_delivery by the manifest task_result_resolution override', () => {
    expect(results('3.2.0-beta.5')['media_buy_delivery']).toMatchObject({
      terminalFile: 'media-buy/media-buy-delivery-webhook-result.json',
      terminalRule: 'manifest.json task_result_resolution.terminal_schema_overrides',
    });
  });

  it('3.0.26 has no media_buy_delivery task type', () => {
    expect(results('3.0.26')['media_buy_delivery']).toBeUndefined();
  });
});

describe('$ref resolution', () => {
  it.each([
    ['/schemas/3.1.19/core/context.json', 'media-buy/x.json', { file: 'core/context.json', pointer: '' }],
    ['https://adcontextprotocol.org/schemas/3.1.19/enums/task-type.json#/enum', 'core/x.json', { file: 'enums/task-type.json', pointer: '/enum' }],
    ['../core/ext.json', 'media-buy/x.json', { file: 'core/ext.json', pointer: '' }],
    ['#/definitions/font_role', 'brand/x.json', { file: 'brand/x.json', pointer: '/definitions/font_role' }],
  ])('%s from %s', (ref, from, location) => {
    expect(resolveRef(ref, from, '3.1.19')).toEqual({ ok: true, location });
  });

  it.each([
    ['/schemas/3.0.26/core/context.json', 'points into AdCP "3.0.26"'],
    ['https://example.com/x.json', 'external URL'],
    ['../../outside.json', 'escapes the schema directory'],
    ['core/x.json#anchor', 'not a JSON pointer'],
  ])('rejects %s', (ref, reason) => {
    const resolved = resolveRef(ref, 'media-buy/x.json', '3.1.19');
    expect(resolved.ok).toBe(false);
    expect(resolved.ok ? '' : resolved.reason).toContain(reason);
  });
});
