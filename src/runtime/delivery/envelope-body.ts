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
 * one placed first. Never throws: cycles, BigInt and throwing `toJSON` become `serialization_error`.
 */
export function serializeEnvelope(payload: unknown): SerializedEnvelope {
  try {
    return serializeObject(payload);
  } catch {
    // A getter, proxy or toJSON threw, or the graph has a cycle or a BigInt.
    return { ok: false, errorClass: 'serialization_error', idempotencyKey: newIdempotencyKey() };
  }
}

function serializeObject(payload: unknown): SerializedEnvelope {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, errorClass: 'invalid_payload', idempotencyKey: newIdempotencyKey() };
  }
  const ownKey = (payload as { idempotency_key?: unknown }).idempotency_key;
  if (ownKey !== undefined && !isValidIdempotencyKey(ownKey)) {
    return { ok: false, errorClass: 'invalid_payload', idempotencyKey: newIdempotencyKey() };
  }
  const idempotencyKey = ownKey ?? newIdempotencyKey();
  const envelope = ownKey === undefined ? { idempotency_key: idempotencyKey, ...payload } : payload;
  const json: string | undefined = JSON.stringify(envelope);
  if (json === undefined || !json.startsWith('{')) {
    return { ok: false, errorClass: 'serialization_error', idempotencyKey };
  }
  return { ok: true, body: Buffer.from(json, 'utf8'), idempotencyKey };
}
