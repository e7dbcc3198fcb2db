// The precompiled validators and the payload builder of all three releases: the schemas' own examples
// validate, broken envelopes/configs are rejected with useful JSON-pointer paths, and builder output
// validates. 3.1.19 is the committed src/generated; the others are generated into a temp dir.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatedApis, repoRoot, schemaDir, VERSIONS, type GeneratedApi, type Version } from './helpers.js';


let apis: Map<Version, GeneratedApi>;
let workDir: string;

beforeAll(async () => {
  ({ apis, workDir } = await generatedApis('codegen-runtime'));
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function api(version: Version): GeneratedApi {
  return apis.get(version)!;
}

function envelopeExamples(version: Version): Array<{ description: string; data: Record<string, unknown> }> {
  const schema = JSON.parse(readFileSync(path.join(schemaDir(version), 'core', 'mcp-webhook-payload.json'), 'utf8')) as { examples: [] };
  return schema.examples;
}

function issuesOf(result: { ok: boolean; errors?: readonly { path: string; keyword: string; message: string }[] }): Array<[string, string]> {
  expect(result.ok).toBe(false);
  return (result.errors ?? []).map((issue) => [issue.path, issue.keyword]);
}

/**
 * Envelope examples whose `result` fails the task's own result schema (the envelope schema itself
 * checks `result` only to be an object, so the spec's examples were never held to it): version →
 * example description → first failing path and keyword, and why.
 */
const ENVELOPE_EXAMPLE_FAILURES: Readonly<Record<Version, Readonly<Record<string, string>>>> = {
  '3.0.26': {},
  '3.1.19': {
    'Webhook for completed create_media_buy':
      '/result/confirmed_at required — the result lacks confirmed_at and revision (required by the success branch of media-buy/create-media-buy-response.json) and status (required by core/protocol-envelope.json, which every task response includes through allOf)',
    'Webhook for failed sync_creatives':
      '/result/status required — the result lacks status, required by core/protocol-envelope.json, which every task response includes through allOf',
  },
  '3.2.0-beta.5': {
    'Webhook for completed create_media_buy':
      '/result/confirmed_at required — the result lacks confirmed_at and revision (required by the success branch of media-buy/create-media-buy-response.json) and status (required by core/protocol-envelope.json, which every task response includes through allOf)',
    'Webhook for failed sync_creatives':
      '/result/status required — the result lacks status, required by core/protocol-envelope.json, which every task response includes through allOf',
  },
};

describe('validateMcpWebhookPayload', () => {
  it.each(VERSIONS)('%s accepts every example of the envelope schema, except the listed spec mistakes', (version) => {
    const examples = envelopeExamples(version);
    expect(examples.length).toBeGreaterThan(0);
    const failing: Record<string, string> = {};
    for (const example of examples) {
      const verdict = api(version).validateMcpWebhookPayload(example.data);
      if (verdict.ok) expect(verdict, example.description).toEqual({ ok: true, value: example.data });
      else failing[example.description] = `${verdict.errors[0]!.path} ${verdict.errors[0]!.keyword}`;
    }
    expect(Object.keys(failing).sort()).toEqual(Object.keys(ENVELOPE_EXAMPLE_FAILURES[version]).sort());
    for (const [description, why] of Object.entries(failing)) expect(`${description}: ${ENVELOPE_EXAMPLE_FAILURES[version][description]}`).toContain(`${description}: ${why} —`);
  });

  /** Example 1 (a completed create_media_buy) with the members its 3.1 result schema requires. */
  const base = (): Record<string, unknown> => {
    const payload = structuredClone(envelopeExamples('3.1.19')[1]!.data);
    Object.assign(payload['result'] as Record<string, unknown>, { status: 'completed', confirmed_at: '2024-01-15T14:30:00Z', revision: 1 });
    return payload;
  };

  type Payload = Record<string, unknown>;
  const breakages: Array<[string, (payload: Payload) => void, [string, string]]> = [
    ['a missing task_id', (p) => void delete p['task_id'], ['/task_id', 'required']],
    ['a missing operation_id (required since 3.1)', (p) => void delete p['operation_id'], ['/operation_id', 'required']],
    ['an unknown task_type', (p) => void (p['task_type'] = 'not_a_task'), ['/task_type', 'enum']],
    ['an unknown status', (p) => void (p['status'] = 'done'), ['/status', 'enum']],
    ['a protocol outside adcp-protocol', (p) => void (p['protocol'] = 'account'), ['/protocol', 'enum']],
    ['a timestamp that is not date-time', (p) => void (p['timestamp'] = 'yesterday'), ['/timestamp', 'format']],
    ['a result that is not an object', (p) => void (p['result'] = 'done'), ['/result', 'type']],
  ];

  it.each(breakages)('3.1.19 rejects %s at its path', (_name, breakIt, expected) => {
    const payload = base();
    breakIt(payload);
    expect(issuesOf(api('3.1.19').validateMcpWebhookPayload(payload))).toEqual([expected]);
  });

  it('reports every problem, each at its own path', () => {
    const payload = { ...base(), idempotency_key: 'short key!' };
    delete (payload as Record<string, unknown>)['task_id'];
    expect(issuesOf(api('3.1.19').validateMcpWebhookPayload(payload))).toEqual([
      ['/task_id', 'required'],
      ['/idempotency_key', 'minLength'],
      ['/idempotency_key', 'pattern'],
    ]);
    expect(issuesOf(api('3.1.19').validateMcpWebhookPayload('nope'))).toEqual([['', 'type']]);
  });

  it('never echoes the offending value (a token) into messages', () => {
    const result = api('3.1.19').validateMcpWebhookPayload({ ...base(), token: 'secret-tok' });
    expect(issuesOf(result)).toEqual([['/token', 'minLength']]);
    expect(JSON.stringify(result)).not.toContain('secret-tok');
  });

  it('counts string length in code points, as JSON Schema does', () => {
    const withToken = (token: string) => api('3.1.19').validateMcpWebhookPayload({ ...base(), token });
    expect(withToken('😀'.repeat(16)).ok).toBe(true);
    expect(issuesOf(withToken('😀'.repeat(15)))).toEqual([['/token', 'minLength']]);
  });

  it('3.0.26 does not require operation_id', () => {
    const payload = base();
    delete payload['operation_id'];
    expect(api('3.0.26').validateMcpWebhookPayload(payload).ok).toBe(true);
  });

  it('checks result against the schema of its task type and status, with paths under /result', () => {
    expect(api('3.1.19').validateMcpWebhookPayload(base()).ok).toBe(true);
    const wrongId = base();
    (wrongId['result'] as Record<string, unknown>)['media_buy_id'] = 5;
    expect(issuesOf(api('3.1.19').validateMcpWebhookPayload(wrongId))).toContainEqual(['/result/media_buy_id', 'type']);
    expect(api('3.1.19').validateMcpWebhookPayload({ ...base(), status: 'canceled', result: { anything: true } }).ok).toBe(true);
  });
});

describe('validatePushNotificationConfig', () => {
  const valid = { url: 'https://buyer.example/webhooks/adcp?tenant=7', operation_id: 'op_1', token: 'tok_0123456789abcdefXYZ' };

  it.each(VERSIONS)('%s accepts a valid registration', (version) => {
    expect(api(version).validatePushNotificationConfig(valid)).toEqual({ ok: true, value: valid });
  });

  it.each([
    ['a missing url', { token: valid.token }, [['/url', 'required']]],
    ['a url that is not a URI', { url: 'not a uri' }, [['/url', 'format']]],
    ['an operation_id with a space', { ...valid, operation_id: 'op 1' }, [['/operation_id', 'pattern']]],
    ['an unknown auth scheme and short credentials', { url: valid.url, authentication: { schemes: ['Basic'], credentials: 'short' } }, [['/authentication/schemes/0', 'enum'], ['/authentication/credentials', 'minLength']]],
  ] as const)('3.1.19 rejects %s', (_name, config, expected) => {
    expect(issuesOf(api('3.1.19').validatePushNotificationConfig(config))).toEqual(expected);
  });
});

describe('CommonJS build', () => {
  // The generated code imports the runtime's binding entry, so both compile (rootDir src/).
  it('the generated code works when compiled to CommonJS and loaded with require()', () => {
    const outDir = path.join(workDir, 'cjs');
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = spawnSync(
      process.execPath,
      [tsc, '--module', 'CommonJS', '--moduleResolution', 'Node10', '--target', 'ES2022', '--esModuleInterop', '--skipLibCheck', '--types', 'node', '--rootDir', path.join(repoRoot, 'src'), '--outDir', outDir, path.join(repoRoot, 'src', 'generated', 'index.ts')],
      { encoding: 'utf8' },
    );
    expect(build.stdout + build.stderr).toBe('');
    writeFileSync(path.join(outDir, 'package.json'), '{"type":"commonjs"}');
    const script = `const g = require(${JSON.stringify(path.join(outDir, 'generated', 'index.js'))});
const p = g.buildMcpWebhookPayload({ operation_id: 'op_1', task_id: 't', task_type: 'log_event', status: 'completed' });
const bad = g.validateMcpWebhookPayload({ ...p, token: 'short' });
process.stdout.write(JSON.stringify([g.validateMcpWebhookPayload(p).ok, bad.ok, bad.errors, g.validatePushNotificationConfig({ url: 'https://x.example/h' }).ok]));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: repoRoot });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual([true, false, [{ path: '/token', keyword: 'minLength', message: 'must NOT have fewer than 16 characters' }], true]);
  });
});

describe('buildMcpWebhookPayload', () => {
  const fixedClock = (): Date => new Date('2026-05-26T09:00:44.582Z');
  const fixedBytes = (size: number): Uint8Array => Uint8Array.from({ length: size }, (_, i) => i * 17);

  it.each(VERSIONS)('%s output validates and carries the supplied fields', (version) => {
    const { buildMcpWebhookPayload, validateMcpWebhookPayload } = api(version);
    // The 3.0 envelope has no `token` field (it arrived in 3.1).
    const token = version === '3.0.26' ? {} : { token: 'tok_0123456789abcdefXYZ' };
    const payload = buildMcpWebhookPayload({
      operation_id: 'op_1',
      task_id: 'task_1',
      task_type: 'create_media_buy',
      status: 'working',
      message: 'Validating inventory',
      ...token,
      result: { percentage: 50 },
    });
    expect(validateMcpWebhookPayload(payload)).toEqual({ ok: true, value: payload });
    expect(payload.idempotency_key).toMatch(/^whk_[A-Za-z0-9_-]{22}$/);
    expect(payload).toMatchObject({ operation_id: 'op_1', ...token, protocol: 'media-buy', message: 'Validating inventory' });
    expect(Number.isNaN(Date.parse(payload.timestamp))).toBe(false);
  });

  it('uses the injected clock and randomness, in schema field order', () => {
    const { buildMcpWebhookPayload } = api('3.1.19');
    const payload = buildMcpWebhookPayload(
      { task_type: 'sync_accounts', status: 'completed', task_id: 'task_9', operation_id: 'op_9', context_id: 'ctx_1' },
      { now: fixedClock, randomBytes: fixedBytes },
    );
    expect(payload).toEqual({
      idempotency_key: 'whk_ABEiM0RVZneImaq7zN3u_w',
      operation_id: 'op_9',
      task_id: 'task_9',
      task_type: 'sync_accounts',
      status: 'completed',
      timestamp: '2026-05-26T09:00:44.582Z',
      context_id: 'ctx_1',
    });
    expect(Object.keys(payload)).toEqual(['idempotency_key', 'operation_id', 'task_id', 'task_type', 'status', 'timestamp', 'context_id']);
    expect('protocol' in payload).toBe(false);
  });

  it('draws a fresh idempotency key per event', () => {
    const { buildMcpWebhookPayload } = api('3.1.19');
    const input = { operation_id: 'op_1', task_id: 't', task_type: 'log_event', status: 'completed' } as const;
    expect(buildMcpWebhookPayload(input).idempotency_key).not.toBe(buildMcpWebhookPayload(input).idempotency_key);
  });

  it('3.0.26 builds without operation_id', () => {
    const { validateMcpWebhookPayload } = api('3.0.26');
    // Typed against the 3.1.19 API, whose input requires operation_id; the 3.0 input does not.
    const buildWithout = api('3.0.26').buildMcpWebhookPayload as unknown as (input: object) => Record<string, unknown>;
    const payload = buildWithout({ task_id: 't', task_type: 'get_signals', status: 'submitted' });
    expect(validateMcpWebhookPayload(payload).ok).toBe(true);
    expect('operation_id' in payload).toBe(false);
  });
});
