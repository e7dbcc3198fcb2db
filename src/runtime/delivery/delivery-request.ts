// What a caller hands the runtime for one webhook, and its synchronous admission checks: the URL
// against the SSRF policy, and the payload serialized once into the bytes every attempt sends.
import { findDuplicateJsonKey } from '../json/duplicate-keys.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import type { SsrfPolicy } from '../ssrf/policy.js';
import type { WebhookTarget } from '../ssrf/target-url.js';
import { checkTargetUrlCached } from '../ssrf/target-url-cache.js';
import { isValidIdempotencyKey, newIdempotencyKey, serializeEnvelopeForDelivery } from './envelope-body.js';
import type { DeliveryErrorClass } from './error-class.js';

interface RequestCommon {
  /** The buyer's webhook URL (push_notification_config.url), used verbatim. */
  readonly url: string;
  /** Signs each attempt afresh. */
  readonly signer: WebhookSigner;
  /** Non-secret labels stored with the delivery and echoed in its result (task type, operation id…). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PayloadDeliveryRequest extends RequestCommon {
  /** The envelope object. Gets a fresh `idempotency_key` unless it carries one. */
  readonly payload: object;
}

export interface SerializedDeliveryRequest extends RequestCommon {
  /** Pre-serialized envelope bytes, sent as they are; must be a JSON object without duplicate keys. */
  readonly body: Uint8Array;
  /** Must equal the body's `idempotency_key` when given. */
  readonly idempotencyKey?: string;
}

export type WebhookDeliveryRequest = PayloadDeliveryRequest | SerializedDeliveryRequest;

type PreparedBody =
  | { readonly ok: true; readonly body: Uint8Array; readonly idempotencyKey: string }
  | { readonly ok: false; readonly errorClass: DeliveryErrorClass; readonly idempotencyKey: string };

export type PreparedDelivery =
  | { readonly ok: true; readonly body: Uint8Array; readonly idempotencyKey: string; readonly target: WebhookTarget }
  | { readonly ok: false; readonly errorClass: DeliveryErrorClass; readonly idempotencyKey: string };

/** AdCP receivers SHOULD refuse bodies over 1 MB with 413; larger ones are refused before sending. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Never throws: every problem becomes an error class. */
export function prepareDelivery(
  request: WebhookDeliveryRequest,
  policy: SsrfPolicy,
  maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES,
): PreparedDelivery {
  if (typeof request !== 'object' || request === null) {
    return { ok: false, errorClass: 'invalid_payload', idempotencyKey: newIdempotencyKey() };
  }
  const prepared = prepareBody(request);
  if (!prepared.ok) return prepared;
  if (prepared.body.byteLength > maxBodyBytes) {
    return { ok: false, errorClass: 'payload_too_large', idempotencyKey: prepared.idempotencyKey };
  }
  const url = typeof request.url === 'string' ? checkTargetUrlCached(request.url, policy) : undefined;
  if (url === undefined || !url.ok) {
    return { ok: false, errorClass: url?.errorClass ?? 'invalid_url', idempotencyKey: prepared.idempotencyKey };
  }
  if (!isSigner(request.signer)) {
    return { ok: false, errorClass: 'signer_unavailable', idempotencyKey: prepared.idempotencyKey };
  }
  return { ok: true, body: prepared.body, idempotencyKey: prepared.idempotencyKey, target: url.target };
}

function prepareBody(request: WebhookDeliveryRequest): PreparedBody {
  if ('body' in request && request.body !== undefined) {
    return prepareSerialized(request);
  }
  return serializeEnvelopeForDelivery((request as PayloadDeliveryRequest).payload);
}

function prepareSerialized(request: SerializedDeliveryRequest): PreparedBody {
  const refuse = (errorClass: DeliveryErrorClass): PreparedBody => ({
    ok: false,
    errorClass,
    idempotencyKey: isValidIdempotencyKey(request.idempotencyKey) ? request.idempotencyKey : newIdempotencyKey(),
  });
  if (!(request.body instanceof Uint8Array)) return refuse('invalid_payload');
  const body = Buffer.from(request.body); // our own copy: later changes by the caller cannot alter the bytes
  const key = bodyIdempotencyKey(body);
  if (key === undefined) return refuse('invalid_payload');
  if (request.idempotencyKey !== undefined && request.idempotencyKey !== key) return refuse('invalid_payload');
  return { ok: true, body, idempotencyKey: key };
}

/** The body's `idempotency_key` when it is an unambiguous JSON object carrying a valid one. */
function bodyIdempotencyKey(body: Uint8Array): string | undefined {
  try {
    if (findDuplicateJsonKey(body) !== undefined) return undefined;
    const parsed: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const key = (parsed as { idempotency_key?: unknown }).idempotency_key;
    return isValidIdempotencyKey(key) ? key : undefined;
  } catch {
    return undefined;
  }
}

function isSigner(signer: unknown): signer is WebhookSigner {
  if (typeof signer !== 'object' || signer === null) return false;
  const candidate = signer as Partial<WebhookSigner>;
  return typeof candidate.headersFor === 'function' && typeof candidate.descriptor?.mode === 'string';
}
