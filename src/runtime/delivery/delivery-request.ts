// What a caller hands the runtime for one webhook, and its synchronous admission checks: the URL
// against the SSRF policy, and the payload serialized once into the bytes every attempt sends.
import { findDuplicateJsonKey } from '../json/duplicate-keys.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import type { SigningDescriptor } from '../store/delivery-store.js';
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

/**
 * A webhook to deliver given as its MCP envelope object (`buildMcpWebhookPayload`); the runtime serializes it
 * once and every attempt sends those bytes (webhooks.mdx "Webhook payload formats").
 */
export interface PayloadDeliveryRequest extends RequestCommon {
  /** The envelope object. Gets a fresh `idempotency_key` unless it carries one. */
  readonly payload: object;
}

/**
 * A webhook to deliver given as the exact serialized body bytes; they are checked for duplicate keys
 * (security.mdx "Duplicate object keys") and sent verbatim on every attempt.
 */
export interface SerializedDeliveryRequest extends RequestCommon {
  /** Pre-serialized envelope bytes, sent as they are; must be a JSON object without duplicate keys. */
  readonly body: Uint8Array;
  /** Must equal the body's `idempotency_key` when given. */
  readonly idempotencyKey?: string;
}

/**
 * What `deliver`, `deliverInBackground` and `DurableOutbox.enqueue` accept: a payload object or serialized bytes,
 * the buyer's URL, a signer and optional non-secret labels.
 */
export type WebhookDeliveryRequest = PayloadDeliveryRequest | SerializedDeliveryRequest;

type PreparedBody =
  | { readonly ok: true; readonly body: Uint8Array; readonly idempotencyKey: string }
  | { readonly ok: false; readonly errorClass: DeliveryErrorClass; readonly idempotencyKey: string };

/**
 * An admitted request as plain values: every member the runtime uses was read exactly once, so a
 * getter or Proxy cannot answer one way to the checks and another way to the store or the network.
 */
export interface PreparedRequest {
  readonly ok: true;
  readonly body: Uint8Array;
  readonly idempotencyKey: string;
  readonly target: WebhookTarget;
  /** The URL string that passed the check. */
  readonly url: string;
  /** Kept as given: each attempt calls it under its own guard (a throw there is `signing_error`). */
  readonly signer: WebhookSigner;
  /** A plain copy of the signer's descriptor, as the store records it. */
  readonly signing: SigningDescriptor;
  readonly labels: Readonly<Record<string, string>> | undefined;
}

export interface RefusedRequest {
  readonly ok: false;
  readonly errorClass: DeliveryErrorClass;
  readonly idempotencyKey: string;
  /** The request's labels when they could be read, for the refusal result. */
  readonly labels: Readonly<Record<string, string>> | undefined;
}

export type PreparedDelivery = PreparedRequest | RefusedRequest;

/** AdCP receivers SHOULD refuse bodies over 1 MB with 413; larger ones are refused before sending. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const UNREADABLE = Symbol('unreadable');
type Readable<T> = T | typeof UNREADABLE;

/**
 * Admission checks for one webhook (webhooks.mdx — push_notification_config; security.mdx —
 * Webhook callbacks: the URL passes the SSRF policy before anything is queued). Never throws,
 * whatever `request` is — getters that throw, Proxies, revoked Proxies at any depth: every
 * problem becomes an error class.
 */
export function prepareDelivery(request: unknown, policy: SsrfPolicy, maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES): PreparedDelivery {
  if (typeof request !== 'object' || request === null) return refuse('invalid_payload', newIdempotencyKey(), undefined);
  const labels = copyLabels(readMember(request, 'labels'));
  const readableLabels = labels === UNREADABLE ? undefined : labels;
  const prepared = prepareBody(request);
  if (!prepared.ok) return refuse(prepared.errorClass, prepared.idempotencyKey, readableLabels);
  const { body, idempotencyKey } = prepared;
  if (body.byteLength > maxBodyBytes) return refuse('payload_too_large', idempotencyKey, readableLabels);
  const url = readMember(request, 'url');
  if (typeof url !== 'string') return refuse('invalid_url', idempotencyKey, readableLabels);
  const check = checkTargetUrlCached(url, policy);
  if (!check.ok) return refuse(check.errorClass, idempotencyKey, readableLabels);
  const signer = readSigner(readMember(request, 'signer'));
  if (signer === undefined) return refuse('signer_unavailable', idempotencyKey, readableLabels);
  if (labels === UNREADABLE) return refuse('invalid_payload', idempotencyKey, undefined);
  return { ok: true, body, idempotencyKey, target: check.target, url, signer: signer.signer, signing: signer.signing, labels };
}

function refuse(errorClass: DeliveryErrorClass, idempotencyKey: string, labels: Readonly<Record<string, string>> | undefined): RefusedRequest {
  return { ok: false, errorClass, idempotencyKey, labels };
}

/** One read of `object[key]`; a throwing getter or Proxy trap gives UNREADABLE. */
function readMember(object: object, key: string): Readable<unknown> {
  try {
    return (object as Record<string, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}

function prepareBody(request: object): PreparedBody {
  const body = readMember(request, 'body');
  if (body === UNREADABLE) return { ok: false, errorClass: 'invalid_payload', idempotencyKey: newIdempotencyKey() };
  if (body !== undefined) return prepareSerialized(body, readMember(request, 'idempotencyKey'));
  const payload = readMember(request, 'payload');
  if (payload === UNREADABLE) return { ok: false, errorClass: 'serialization_error', idempotencyKey: newIdempotencyKey() };
  return serializeEnvelopeForDelivery(payload);
}

function prepareSerialized(rawBody: unknown, givenKey: unknown): PreparedBody {
  const refuseBody = (errorClass: DeliveryErrorClass): PreparedBody => ({
    ok: false,
    errorClass,
    idempotencyKey: isValidIdempotencyKey(givenKey) ? givenKey : newIdempotencyKey(),
  });
  const body = copyBytes(rawBody); // our own copy: later changes by the caller cannot alter the bytes
  if (body === undefined) return refuseBody('invalid_payload');
  const key = bodyIdempotencyKey(body);
  if (key === undefined) return refuseBody('invalid_payload');
  if (givenKey !== undefined && givenKey !== key) return refuseBody('invalid_payload');
  return { ok: true, body, idempotencyKey: key };
}

function copyBytes(value: unknown): Buffer | undefined {
  try {
    return value instanceof Uint8Array ? Buffer.from(value) : undefined;
  } catch {
    return undefined; // a Proxy whose prototype lookup throws, or a detached buffer
  }
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

/** The signer and a plain copy of its descriptor, or undefined when it is not a usable signer. */
function readSigner(value: unknown): { readonly signer: WebhookSigner; readonly signing: SigningDescriptor } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    const candidate = value as Partial<WebhookSigner>;
    if (typeof candidate.headersFor !== 'function') return undefined;
    const signing = copyDescriptor(candidate.descriptor);
    return signing === undefined ? undefined : { signer: value as WebhookSigner, signing };
  } catch {
    return undefined;
  }
}

/** Throws on a hostile descriptor; the caller turns that into `signer_unavailable`. */
function copyDescriptor(descriptor: unknown): SigningDescriptor | undefined {
  if (typeof descriptor !== 'object' || descriptor === null) return undefined;
  const { mode, keyId, credentialRef } = descriptor as Record<string, unknown>;
  if (typeof mode !== 'string') return undefined;
  return {
    mode,
    ...(typeof keyId === 'string' ? { keyId } : {}),
    ...(typeof credentialRef === 'string' ? { credentialRef } : {}),
  } as SigningDescriptor;
}

/** A plain copy of string labels; UNREADABLE for anything else (non-string values, throwing getters, Proxies). */
function copyLabels(labels: Readable<unknown>): Readable<Readonly<Record<string, string>> | undefined> {
  if (labels === undefined || labels === UNREADABLE) return labels;
  try {
    if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return UNREADABLE;
    const entries: [string, string][] = [];
    for (const key of Object.keys(labels)) {
      const value = (labels as Record<string, unknown>)[key];
      if (typeof value !== 'string') return UNREADABLE;
      entries.push([key, value]);
    }
    return Object.fromEntries(entries);
  } catch {
    return UNREADABLE;
  }
}
