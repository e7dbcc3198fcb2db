// Turns a webhook payload into the exact bytes every attempt will send: compact JSON, serialized
// once. Each new payload gets a fresh crypto-random idempotency_key unless the caller supplies one
// (e.g. re-sending a stored delivery), which then must match the AdCP pattern.
import { randomUUID } from 'node:crypto';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{16,255}$/;

export function newIdempotencyKey(): string {
  return `whk_${randomUUID()}`;
}

export function isValidIdempotencyKey(key: unknown): key is string {
  return typeof key === 'string' && IDEMPOTENCY_KEY.test(key);
}

export type SerializedEnvelope =
  | { readonly ok: true; readonly body: Buffer; readonly idempotencyKey: string }
  | { readonly ok: false; readonly errorClass: 'serialization_error' | 'invalid_payload'; readonly idempotencyKey: string };

/**
 * Serializes `payload` with its `idempotency_key`: the payload's own when present, else a fresh
 * one placed first. Never throws: cycles, BigInt and throwing getters become `serialization_error`;
 * a payload that is not a plain JSON object (an array, a string, a top-level `toJSON`) is
 * `invalid_payload`.
 */
export function serializeEnvelope(payload: unknown): SerializedEnvelope {
  try {
    return serializeObject(payload);
  } catch {
    // A getter, proxy or nested toJSON threw, or the graph has a cycle or a BigInt.
    return { ok: false, errorClass: 'serialization_error', idempotencyKey: newIdempotencyKey() };
  }
}

function serializeObject(payload: unknown): SerializedEnvelope {
  if (!isEnvelopeObject(payload)) {
    return { ok: false, errorClass: 'invalid_payload', idempotencyKey: newIdempotencyKey() };
  }
  const ownKey = payload.idempotency_key;
  if (ownKey !== undefined && !isValidIdempotencyKey(ownKey)) {
    return { ok: false, errorClass: 'invalid_payload', idempotencyKey: newIdempotencyKey() };
  }
  const json: string | undefined = JSON.stringify(payload);
  if (json === undefined || !json.startsWith('{')) {
    return { ok: false, errorClass: 'serialization_error', idempotencyKey: ownKey ?? newIdempotencyKey() };
  }
  if (ownKey !== undefined) return { ok: true, body: Buffer.from(json, 'utf8'), idempotencyKey: ownKey };
  // Splice the fresh key in front instead of copying the payload into a new object; the key's
  // charset ([A-Za-z0-9_.:-]) needs no JSON escaping.
  const idempotencyKey = newIdempotencyKey();
  const rest = json === '{}' ? '}' : `,${json.slice(1)}`;
  return { ok: true, body: Buffer.from(`{"idempotency_key":"${idempotencyKey}"${rest}`, 'utf8'), idempotencyKey };
}

/** A plain object (no top-level toJSON that could rewrite the envelope behind the key check). */
function isEnvelopeObject(payload: unknown): payload is { readonly idempotency_key?: unknown } {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    !Array.isArray(payload) &&
    typeof (payload as { toJSON?: unknown }).toJSON !== 'function'
  );
}
