// validateWebhookResult of all three releases (3.1.19 is the committed src/generated, the others are
// generated into a temp dir) and the whole-envelope check of validateMcpWebhookPayload: completed
// results against the task response, interim ones against their async response schema, other
// statuses any object; schemas are open; paths are JSON pointers. Generation is deterministic.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFiles } from '../../codegen/pipeline.js';
import { generatedApis, schemaDir, VERSIONS, type GeneratedApi, type Version } from './helpers.js';

type Validate = (taskType: string, status: string, value: unknown) => ReturnType<GeneratedApi['validateWebhookResult']>;

let apis: Map<Version, GeneratedApi>;
let workDir: string;

beforeAll(async () => {
  ({ apis, workDir } = await generatedApis('result-validators'));
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function validate(version: Version): Validate {
  return apis.get(version)!.validateWebhookResult as Validate;
}

/** A completed create_media_buy result every release accepts (3.1+ require confirmed_at, revision, status). */
function createdMediaBuy(): Record<string, unknown> {
  return { status: 'completed', media_buy_id: 'mb_1', packages: [], confirmed_at: '2026-01-01T00:00:00Z', revision: 1 };
}

function envelope(version: Version, result: unknown, status = 'completed'): Record<string, unknown> {
  const operationId = version === '3.0.26' ? {} : { operation_id: 'op_1' };
  return { idempotency_key: 'whk_01HW9D3H8FZP2N6R8T0V4X6Z9B', task_id: 'task_1', task_type: 'create_media_buy', status, timestamp: '2026-01-01T00:00:00Z', ...operationId, result };
}

function issues(outcome: { ok: boolean; errors?: readonly { path: string; keyword: string }[] }): Array<[string, string]> {
  expect(outcome.ok).toBe(false);
  return (outcome.errors ?? []).map((issue) => [issue.path, issue.keyword]);
}

describe.each(VERSIONS)('AdCP %s validateWebhookResult', (version) => {
  it('accepts a valid completed and a valid failed result of create_media_buy', () => {
    expect(validate(version)('create_media_buy', 'completed', createdMediaBuy())).toEqual({ ok: true, value: createdMediaBuy() });
    const failed = { status: 'failed', errors: [{ code: 'BUDGET_TOO_LOW', message: 'budget below the floor' }] };
    expect(validate(version)('create_media_buy', 'failed', failed).ok).toBe(true);
  });

  it('refuses media_buy_id: 5 at /media_buy_id, and at /result/media_buy_id inside the envelope', () => {
    const wrong = { ...createdMediaBuy(), media_buy_id: 5 };
    expect(issues(validate(version)('create_media_buy', 'completed', wrong))).toContainEqual(['/media_buy_id', 'type']);
    const api = apis.get(version)!;
    expect(api.validateMcpWebhookPayload(envelope(version, createdMediaBuy())).ok).toBe(true);
    expect(issues(api.validateMcpWebhookPayload(envelope(version, wrong)))).toContainEqual(['/result/media_buy_id', 'type']);
  });

  it('validates an interim result by its async response schema', () => {
    expect(validate(version)('create_media_buy', 'working', { percentage: 40, current_step: 'inventory check' }).ok).toBe(true);
    expect(issues(validate(version)('create_media_buy', 'working', { percentage: 'forty' }))).toEqual([['/percentage', 'type']]);
    expect(issues(apis.get(version)!.validateMcpWebhookPayload(envelope(version, { percentage: 'forty' }, 'working')))).toEqual([['/result/percentage', 'type']]);
  });

  it('lets an unknown member inside result pass (the schemas are open)', () => {
    expect(validate(version)('create_media_buy', 'completed', { ...createdMediaBuy(), seller_note: { any: ['thing'] } }).ok).toBe(true);
    expect(validate(version)('create_media_buy', 'working', { percentage: 1, seller_note: 'x' }).ok).toBe(true);
  });

  it('takes any object where the task type and status have no result schema', () => {
    const api = apis.get(version)!;
    expect(api.hasWebhookResultSchema('create_media_buy', 'canceled')).toBe(false);
    expect(api.hasWebhookResultSchema('create_media_buy', 'completed')).toBe(true);
    expect(validate(version)('create_media_buy', 'canceled', { media_buy_id: 5 }).ok).toBe(true);
    expect(issues(validate(version)('create_media_buy', 'canceled', []))).toEqual([['', 'type']]);
    expect(api.validateMcpWebhookPayload(envelope(version, { media_buy_id: 5 }, 'canceled')).ok).toBe(true);
  });
});

describe('result validator generation', () => {
  it('is deterministic: two runs give byte-identical files', async () => {
    const first = await generateFiles({ schemasDir: schemaDir('3.1.19') });
    const second = await generateFiles({ schemasDir: schemaDir('3.1.19') });
    expect(second).toEqual(first);
    expect(first.map((file) => file.path)).toEqual(expect.arrayContaining(['result-validators.ts', 'result-validators.standalone.ts']));
  }, 300_000);
});
