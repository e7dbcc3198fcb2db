// Turns a webhook payload into the exact bytes every attempt will send: compact JSON, serialized
// once. Each new payload gets a fresh crypto-random idempotency_key unless the caller supplies one
// (e.g. re-sending a stored delivery), which then must match the AdCP pattern.
import { randomUUID } from 'node:crypto';
import { markRuntimeSerializedBody } from '../signing/serialized-bodies.js';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{16,255}$/;

export function newIdempotencyKey(): string {
  const key = `whk_${randomUUID()}`;
  // randomUUID builds its text by concatenation: a tree of ~20 string nodes (~500 bytes) that every
  // stored delivery and result would keep alive. Reading a character makes V8 flatten it (~60 bytes).
  key.charCodeAt(0);
  return key;
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
  return serializeChecked(payload).envelope;
}

/**
 * `serializeEnvelope` for the delivery runtime, which keeps the body to itself: a body that
 * provably repeats no object key is marked as runtime-serialized, so signers do not re-scan it on
 * every attempt.
 */
export function serializeEnvelopeForDelivery(payload: unknown): SerializedEnvelope {
  const { envelope, repeatsNoKey } = serializeChecked(payload);
  if (envelope.ok && repeatsNoKey) markRuntimeSerializedBody(envelope.body);
  return envelope;
}

interface CheckedEnvelope {
  readonly envelope: SerializedEnvelope;
  /** JSON.stringify never repeats a key within an object; only our splice of the key could. */
  readonly repeatsNoKey: boolean;
}

function serializeChecked(payload: unknown): CheckedEnvelope {
  try {
    return serializeObject(payload);
  } catch {
    // A getter, proxy or nested toJSON threw, or the graph has a cycle or a BigInt.
    return refused('serialization_error', newIdempotencyKey());
  }
}

function serializeObject(payload: unknown): CheckedEnvelope {
  if (!isEnvelopeObject(payload)) return refused('invalid_payload', newIdempotencyKey());
  const ownKey = payload.idempotency_key;
  if (ownKey !== undefined && !isValidIdempotencyKey(ownKey)) return refused('invalid_payload', newIdempotencyKey());
  const json: string | undefined = JSON.stringify(payload);
  if (json === undefined || !json.startsWith('{')) return refused('serialization_error', ownKey ?? newIdempotencyKey());
  if (ownKey !== undefined) {
    return { envelope: { ok: true, body: Buffer.from(json, 'utf8'), idempotencyKey: ownKey }, repeatsNoKey: true };
  }
  // Splice the fresh key in front instead of copying the payload into a new object; the key's
  // charset ([A-Za-z0-9_.:-]) needs no JSON escaping. A getter or proxy could still have put an
  // `idempotency_key` into the JSON: then the body is left for the signer's duplicate-key scan.
  const idempotencyKey = newIdempotencyKey();
  const rest = json === '{}' ? '}' : `,${json.slice(1)}`;
  const body = Buffer.from(`{"idempotency_key":"${idempotencyKey}"${rest}`, 'utf8');
  return { envelope: { ok: true, body, idempotencyKey }, repeatsNoKey: !json.includes('"idempotency_key"') };
}

function refused(errorClass: 'serialization_error' | 'invalid_payload', idempotencyKey: string): CheckedEnvelope {
  return { envelope: { ok: false, errorClass, idempotencyKey }, repeatsNoKey: false };
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
