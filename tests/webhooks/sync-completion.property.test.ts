// Property: whatever the params, push config and response look like, the gate never throws, never
// changes the response, and in every skip case nothing is sent, so the buyer's sync response is
// exactly what it would have been without a push config.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SPEC_WEBHOOK_TASK_TYPES } from '../../src/generated/index.js';
import {
  createSyncCompletionGate,
  maybeEmitSyncCompletion,
  SYNC_COMPLETION_TASK_TYPES,
  type OutgoingTaskWebhook,
  type WebhookSender,
} from '../../src/runtime/webhooks/index.js';
import { handleSyncCall } from './support/sync-seller.js';
import { LOOPBACK_PUSH_POLICY } from './support/wiring.js';

/** A WebhookSender port that records what it is handed (the delivery runtime is not the subject here). */
function recordingSender(): WebhookSender & { readonly sent: OutgoingTaskWebhook[] } {
  const sent: OutgoingTaskWebhook[] = [];
  return {
    sent,
    send(webhook) {
      sent.push(webhook as unknown as OutgoingTaskWebhook);
      return { queued: true, idempotencyKey: 'whk_recorded_0000000' };
    },
  };
}

const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom('https://buyer.example.com/hook', 'http://127.0.0.1:1/hook', 'javascript:alert(1)', 'file:///etc/passwd', 'https://10.0.0.1/'),
  fc.string(),
  fc.anything(),
);
const FIRING_CONFIG = { url: 'http://127.0.0.1:1/hook', operation_id: 'op_1', token: 'tok_0123456789abcdef' };
const pushConfig = fc.oneof(
  fc.constant(undefined),
  fc.constant(FIRING_CONFIG),
  fc.anything(),
  fc.record(
    {
      url,
      operation_id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_.:-]{1,24}$/), fc.string(), fc.anything()),
      token: fc.oneof(fc.string({ minLength: 0, maxLength: 40 }), fc.anything()),
      authentication: fc.anything(),
      extra: fc.anything(),
    },
    { requiredKeys: [] },
  ),
);
const params = fc.oneof(
  fc.record({ push_notification_config: pushConfig, idempotency_key: fc.oneof(fc.string(), fc.anything()), context: fc.anything() }, { requiredKeys: [] }),
  fc.anything(),
);
const response = fc.oneof(
  fc.anything(),
  fc.record({ task_id: fc.string(), status: fc.constantFrom('submitted', 'completed', 'working') }),
  fc.record({ task_id: fc.string(), status: fc.constant('submitted'), message: fc.string() }),
  fc.dictionary(fc.string(), fc.jsonValue()),
);
const tool = fc.oneof(fc.constantFrom(...SYNC_COMPLETION_TASK_TYPES), fc.constantFrom(...SPEC_WEBHOOK_TASK_TYPES), fc.string(), fc.anything());

function withoutPushConfig(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { push_notification_config: _removed, ...rest } = value as Record<string, unknown>;
  return rest;
}

describe('sync-completion gate: property over arbitrary input', () => {
  it('never throws, never changes the response, and sends nothing when it skips', async () => {
    let scheduled = 0;
    await fc.assert(
      fc.asyncProperty(tool, params, response, fc.boolean(), fc.boolean(), async (toolName, requestParams, handlerResult, enabled, wired) => {
        const sender = recordingSender();
        const gate = createSyncCompletionGate({
          enabled,
          ...(wired ? { sender } : {}),
          pushConfigPolicy: LOOPBACK_PUSH_POLICY,
        });
        const snapshot = structuredClone(handlerResult);
        const withConfig = await handleSyncCall(gate, toolName as string, requestParams, () => handlerResult);
        const withoutConfig = await handleSyncCall(gate, toolName as string, withoutPushConfig(requestParams), () => handlerResult);
        expect(withConfig.response).toStrictEqual(withoutConfig.response);
        expect(handlerResult).toEqual(snapshot);
        expect(withoutConfig.outcome).not.toBe('scheduled');
        expect(() => gate.flush()).not.toThrow();
        // A scheduled webhook is sent at most once (its push config may still be refused in the batch).
        expect(sender.sent.length).toBeLessThanOrEqual(withConfig.outcome === 'scheduled' ? 1 : 0);
        scheduled += sender.sent.length;
      }),
      {
        numRuns: 400,
        // One known firing case always runs, so the sending branch is exercised on every seed.
        examples: [['update_media_buy', { idempotency_key: 'idem-0000000000000001', push_notification_config: FIRING_CONFIG }, { status: 'completed' }, true, true]],
      },
    );
    expect(scheduled).toBeGreaterThan(0); // the sending branch was exercised too
  });

  it('never throws when called with arbitrary call objects, gates included', () => {
    const gate = createSyncCompletionGate({ enabled: true, sender: recordingSender() });
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (call, maybeGate) => {
        expect(() => maybeEmitSyncCompletion(gate, call as never)).not.toThrow();
        expect(maybeEmitSyncCompletion(maybeGate as never, { tool: 'create_media_buy', params: {}, response: {} })).toBe('skipped_gate_error');
        const hostileGate = new Proxy({}, { getPrototypeOf: () => { throw new Error('boom'); } });
        expect(maybeEmitSyncCompletion(hostileGate as never, call as never)).toBe('skipped_gate_error');
      }),
      { numRuns: 300 },
    );
    expect(() => gate.flush()).not.toThrow();
  });
});
