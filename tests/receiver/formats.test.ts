// Payload formats: the A2A response-extraction vectors against the extractor, and the same AdCP
// data received as an MCP envelope, an A2A Task and an A2A TaskStatusUpdateEvent through the
// receiver (webhooks.mdx "Payload extraction"; a known format wins over detection).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedDir } from '../helpers/shared.js';
import {
  createWebhookReceiver,
  detectWebhookFormat,
  extractA2aWebhook,
  staticKeySource,
  type WebhookRegistration,
} from '../../src/runtime/receiver/index.js';
import { envelope, publicSharedKey, SELLER_KID, signedRequest } from './support.js';

interface ExtractionVector {
  readonly id: string;
  readonly response: unknown;
  readonly expected_data: unknown;
  readonly expected_error_type?: string;
}

const extraction = JSON.parse(readFileSync(resolve(sharedDir, 'adcp/test-vectors/a2a-response-extraction.json'), 'utf8')) as {
  vectors: ExtractionVector[];
};

describe('A2A response extraction vectors', () => {
  it.each(extraction.vectors.map((vector) => [vector.id, vector] as const))('%s', (_id, vector) => {
    const outcome = extractA2aWebhook(vector.response);
    if (vector.expected_error_type === 'wrapper_detected') {
      expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('response') });
    } else if (vector.expected_data === null) {
      expect(outcome.ok ? outcome.value.data : undefined).toBeUndefined();
    } else {
      expect(outcome.ok ? outcome.value.data : outcome.reason).toEqual(vector.expected_data);
    }
  });
});

const NOW = 1_776_520_800;
const URL_ = 'https://buyer.example.com/adcp/a2a/task_456';
const RESULT = { status: 'completed', media_buy_id: 'mb_001', packages: [{ package_id: 'pkg_1' }], confirmed_at: '2026-04-18T10:00:00Z', revision: 1 };

function receiverFor(registration: WebhookRegistration) {
  return createWebhookReceiver({
    keys: staticKeySource([publicSharedKey(SELLER_KID)], { sender: 'https://seller.example.com' }),
    registration,
    now: () => NOW * 1000,
  });
}

const a2aTask = {
  id: 'task_456',
  contextId: 'ctx_1',
  status: { state: 'completed', timestamp: '2026-04-18T10:00:00Z' },
  artifacts: [{ artifactId: 'result', parts: [{ kind: 'text', text: 'done' }, { kind: 'data', data: RESULT }] }],
};
const a2aStatusUpdate = {
  statusUpdate: {
    taskId: 'task_456',
    contextId: 'ctx_1',
    status: { state: 'TASK_STATE_WORKING', timestamp: '2026-04-18T09:59:00Z', message: { role: 'agent', parts: [{ data: { percentage: 40 } }] } },
  },
};

describe('the same AdCP data from MCP and A2A bodies', () => {
  it('an A2A Task yields the result the MCP envelope carries', async () => {
    const mcp = await receiverFor({ mode: 'rfc9421' }).receive(signedRequest(URL_, JSON.stringify(envelope({ result: RESULT })), NOW));
    const a2a = await receiverFor({ mode: 'rfc9421', format: 'a2a', taskType: 'create_media_buy' }).receive(
      signedRequest(URL_, JSON.stringify(a2aTask), NOW),
    );
    expect(mcp).toMatchObject({ kind: 'event', format: 'mcp', taskType: 'create_media_buy', status: 'completed', taskId: 'task_456' });
    expect(a2a).toMatchObject({ kind: 'event', format: 'a2a', taskType: 'create_media_buy', status: 'completed', taskId: 'task_456', contextId: 'ctx_1' });
    expect(a2a.kind === 'event' ? a2a.result : undefined).toEqual(mcp.kind === 'event' ? mcp.result : 'no MCP event');
  });

  it('an A2A 1.0 stream-wrapped TaskStatusUpdateEvent yields the interim data an MCP working envelope carries', async () => {
    const mcp = await receiverFor({ mode: 'rfc9421' }).receive(
      signedRequest(URL_, JSON.stringify(envelope({ status: 'working', result: { percentage: 40 } })), NOW),
    );
    const a2a = await receiverFor({ mode: 'rfc9421', format: 'a2a', taskType: 'create_media_buy' }).receive(
      signedRequest(URL_, JSON.stringify(a2aStatusUpdate), NOW),
    );
    expect(a2a).toMatchObject({ kind: 'event', format: 'a2a', status: 'working', taskId: 'task_456' });
    expect(a2a.kind === 'event' ? a2a.result : undefined).toEqual(mcp.kind === 'event' ? mcp.result : 'no MCP event');
  });

  it('without a known format the body is detected; a registration without a task type gives an untyped event', async () => {
    expect(detectWebhookFormat(a2aTask)).toBe('a2a');
    expect(detectWebhookFormat(a2aStatusUpdate)).toBe('a2a');
    expect(detectWebhookFormat(envelope())).toBe('mcp');
    const outcome = await receiverFor({ mode: 'rfc9421' }).receive(signedRequest(URL_, JSON.stringify(a2aTask), NOW));
    expect(outcome).toMatchObject({ kind: 'event', format: 'a2a', taskType: undefined, result: RESULT });
  });

  it('a known format wins over detection: an A2A body on an MCP registration fails the envelope schema', async () => {
    const outcome = await receiverFor({ mode: 'rfc9421', format: 'mcp' }).receive(signedRequest(URL_, JSON.stringify(a2aTask), NOW));
    expect(outcome).toMatchObject({ kind: 'rejected', code: 'webhook_payload_invalid', stage: 'envelope' });
  });

  it('A2A retries dedupe on the body bytes; a wrapper DataPart and a bare message are refused', async () => {
    const receiver = receiverFor({ mode: 'rfc9421', format: 'a2a' });
    const body = JSON.stringify(a2aTask);
    expect((await receiver.receive(signedRequest(URL_, body, NOW))).kind).toBe('event');
    expect((await receiver.receive(signedRequest(URL_, body, NOW))).kind).toBe('duplicate');
    const wrapped = { ...a2aTask, artifacts: [{ parts: [{ data: { response: RESULT } }] }] };
    expect(await receiver.receive(signedRequest(URL_, JSON.stringify(wrapped), NOW))).toMatchObject({ code: 'webhook_payload_invalid', status: 400 });
    const bare = { message: { role: 'agent', parts: [{ text: 'hello' }] } };
    expect(await receiver.receive(signedRequest(URL_, JSON.stringify(bare), NOW))).toMatchObject({ code: 'webhook_payload_invalid', status: 400 });
  });

  it('an A2A registration token is checked against X-A2A-Notification-Token', async () => {
    const receiver = receiverFor({ mode: 'rfc9421', format: 'a2a', token: 'a2a-notification-token-1234' });
    const request = signedRequest(URL_, JSON.stringify(a2aTask), NOW);
    expect(await receiver.receive(request)).toMatchObject({ code: 'webhook_token_invalid' });
    const withToken = signedRequest(URL_, JSON.stringify({ ...a2aTask, id: 'task_457' }), NOW);
    expect(
      await receiver.receive({ ...withToken, headers: { ...withToken.headers, 'x-a2a-notification-token': 'a2a-notification-token-1234' } }),
    ).toMatchObject({ kind: 'event', taskId: 'task_457' });
  });
});
