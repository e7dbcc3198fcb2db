import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeEnvelope, serializeEnvelopeForDelivery } from '../../src/runtime/delivery/envelope-body.js';
import { findDuplicateJsonKey } from '../../src/runtime/json/duplicate-keys.js';
import { isRuntimeSerializedBody } from '../../src/runtime/signing/serialized-bodies.js';

describe('serializeEnvelope', () => {
  it('puts a fresh key first and keeps every other member, byte for byte what JSON.stringify gives', () => {
    const payload = { task_id: 't', status: 'completed', result: { a: [1, 'x'] } };
    const serialized = serializeEnvelope(payload);
    expect(serialized.ok).toBe(true);
    if (!serialized.ok) return;
    expect(serialized.body.toString('utf8')).toBe(JSON.stringify({ idempotency_key: serialized.idempotencyKey, ...payload }));
  });

  it('an empty object gets just the key; a payload with its own valid key is sent unchanged', () => {
    const empty = serializeEnvelope({});
    expect(empty.ok && JSON.parse(empty.body.toString())).toEqual({ idempotency_key: empty.idempotencyKey });
    const own = serializeEnvelope({ status: 'working', idempotency_key: 'whk_0123456789abcdef' });
    expect(own.ok && own.body.toString()).toBe('{"status":"working","idempotency_key":"whk_0123456789abcdef"}');
    expect(own.idempotencyKey).toBe('whk_0123456789abcdef');
  });

  it('for any JSON object: valid JSON, no duplicate keys, the key matches the body, a new key each time', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((key) => key !== 'idempotency_key' && key !== 'toJSON'), fc.jsonValue()), (payload) => {
        const first = serializeEnvelope(payload);
        const second = serializeEnvelope(payload);
        expect(first.ok && second.ok).toBe(true);
        if (!first.ok) return;
        expect(findDuplicateJsonKey(first.body)).toBeUndefined();
        const parsed = JSON.parse(first.body.toString('utf8'));
        expect(parsed.idempotency_key).toBe(first.idempotencyKey);
        expect(first.idempotencyKey).not.toBe(second.idempotencyKey);
        expect(first.idempotencyKey).toMatch(/^[A-Za-z0-9_.:-]{16,255}$/);
      }),
      { numRuns: 300 },
    );
  });
});

describe('serializeEnvelopeForDelivery (bodies the runtime keeps to itself)', () => {
  it('marks its JSON.stringify output as runtime-serialized; the public serializeEnvelope never marks', () => {
    const spliced = serializeEnvelopeForDelivery({ status: 'completed' });
    const own = serializeEnvelopeForDelivery({ status: 'completed', idempotency_key: 'whk_0123456789abcdef' });
    const publicOne = serializeEnvelope({ status: 'completed' });
    expect(spliced.ok && isRuntimeSerializedBody(spliced.body)).toBe(true);
    expect(own.ok && isRuntimeSerializedBody(own.body)).toBe(true);
    expect(publicOne.ok && isRuntimeSerializedBody(publicOne.body)).toBe(false);
  });

  it('leaves a body unmarked when a getter slipped an idempotency_key into the JSON behind the splice', () => {
    let reads = 0;
    const payload = {
      status: 'completed',
      get idempotency_key() {
        reads += 1;
        return reads === 1 ? undefined : 'whk_fedcba9876543210';
      },
    };
    const serialized = serializeEnvelopeForDelivery(payload);
    expect(serialized.ok).toBe(true);
    if (!serialized.ok) return;
    expect(findDuplicateJsonKey(serialized.body)).toBe('idempotency_key');
    expect(isRuntimeSerializedBody(serialized.body)).toBe(false);
  });

  it('leaves a body unmarked when a nested member is named idempotency_key (no proof then, so the signer scans)', () => {
    const serialized = serializeEnvelopeForDelivery({ result: { idempotency_key: 'nested' } });
    expect(serialized.ok && isRuntimeSerializedBody(serialized.body)).toBe(false);
  });
});
