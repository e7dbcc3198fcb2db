// The row shape shared by the SQLite and PostgreSQL stores, and its mapping to DeliveryRecord.
// Signing is stored as a mode plus a reference (key id or credential ref): never key material.
import type { BodyCodec } from './body-encryption.js';
import { DeliveryStoreError } from './delivery-store-error.js';
import { isDeliveryErrorClass, type DeliveryErrorClass } from '../delivery/error-class.js';
import { DELIVERY_STATUSES, type DeliveryRecord, type DeliveryStatus, type SigningDescriptor } from './delivery-store.js';

export const DEFAULT_TABLE_PREFIX = 'adcp_';

/** A row as a driver returns it; PostgreSQL hands back int8 columns as strings. */
export interface DeliveryRow {
  id: string;
  idempotency_key: string;
  url: string;
  body: Uint8Array;
  signing_mode: string;
  signing_ref: string | null;
  /** JSON text (SQLite) or an already parsed jsonb value (PostgreSQL). */
  labels: string | Record<string, string> | null;
  status: string;
  attempts: number | string;
  next_attempt_at: number | string;
  created_at: number | string;
  updated_at: number | string;
  last_http_status: number | null;
  last_error_class: string | null;
  lease_owner: string | null;
  lease_expires_at: number | string | null;
}

export function signingToColumns(signing: SigningDescriptor): { mode: string; ref: string | null } {
  switch (signing.mode) {
    case 'rfc9421':
      return { mode: signing.mode, ref: signing.keyId };
    case 'hmac-sha256':
    case 'bearer':
      return { mode: signing.mode, ref: signing.credentialRef };
    case 'none':
      return { mode: signing.mode, ref: null };
  }
}

/**
 * The descriptor a row's columns hold. An unknown mode is not read as `none` (that would send a
 * delivery unsigned): the row is refused as not ours, like any other value outside a closed set.
 */
function signingFromColumns(id: string, mode: string, ref: string | null): SigningDescriptor {
  switch (mode) {
    case 'rfc9421':
      return { mode, keyId: ref ?? '' };
    case 'hmac-sha256':
    case 'bearer':
      return { mode, credentialRef: ref ?? '' };
    case 'none':
      return { mode };
    default:
      throw foreignValue(id, 'signing_mode', mode);
  }
}

function statusFromColumn(id: string, status: string): DeliveryStatus {
  if ((DELIVERY_STATUSES as readonly string[]).includes(status)) return status as DeliveryStatus;
  throw foreignValue(id, 'status', status);
}

function errorClassFromColumn(id: string, errorClass: string): DeliveryErrorClass {
  if (isDeliveryErrorClass(errorClass)) return errorClass;
  throw foreignValue(id, 'last_error_class', errorClass);
}

/** A stored value outside its closed set: written by something other than this package. */
function foreignValue(id: string, column: string, value: string): DeliveryStoreError {
  return new DeliveryStoreError(
    'ADCP_STORE_NOT_A_DATABASE',
    `delivery ${id}: column ${column} holds ${JSON.stringify(value.slice(0, 40))}, which this package never writes`,
  );
}

/** A claim filter as [mode, ref] pairs, `ref` '' for mode none (matched against COALESCE(signing_ref, '')). */
export function signingFilterPairs(filter: readonly SigningDescriptor[] | undefined): Array<[string, string]> | undefined {
  return filter?.map((descriptor) => {
    const { mode, ref } = signingToColumns(descriptor);
    return [mode, ref ?? ''];
  });
}

export function labelsToColumn(labels: Readonly<Record<string, string>> | undefined): string | null {
  return labels === undefined ? null : JSON.stringify(labels);
}

/** The record a row holds; its body opened by `bodies` (decrypted when the store encrypts). */
export function rowToRecord(row: DeliveryRow, bodies: BodyCodec): DeliveryRecord {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    url: row.url,
    body: bodies.open(row.id, row.body),
    signing: signingFromColumns(row.id, row.signing_mode, row.signing_ref),
    nextAttemptAt: Number(row.next_attempt_at),
    ...(row.labels !== null && { labels: parseLabels(row.labels) }),
    status: statusFromColumn(row.id, row.status),
    attempts: Number(row.attempts),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    ...(row.last_http_status !== null && { lastHttpStatus: row.last_http_status }),
    ...(row.last_error_class !== null && { lastErrorClass: errorClassFromColumn(row.id, row.last_error_class) }),
    ...(row.lease_owner !== null && { leaseOwner: row.lease_owner }),
    ...(row.lease_expires_at !== null && { leaseExpiresAt: Number(row.lease_expires_at) }),
  };
}

function parseLabels(labels: string | Record<string, string>): Record<string, string> {
  return typeof labels === 'string' ? (JSON.parse(labels) as Record<string, string>) : labels;
}

/** Claimed rows come back from `UPDATE … RETURNING` in no defined order. */
export function byNextAttempt(a: DeliveryRecord, b: DeliveryRecord): number {
  return a.nextAttemptAt - b.nextAttemptAt || a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Table prefixes and schema names end up in SQL text, so only plain lower-case identifiers pass. */
export function assertIdentifier(kind: 'table prefix' | 'schema', value: string): void {
  const pattern = kind === 'table prefix' ? /^(?:[a-z_][a-z0-9_]{0,39})?$/ : /^[a-z_][a-z0-9_]{0,39}$/;
  if (!pattern.test(value)) {
    throw new DeliveryStoreError('ADCP_STORE_INVALID_CONFIG', `${kind} must match ${pattern.source}; got ${JSON.stringify(value)}`);
  }
}

/** Drivers bind Buffers as BLOB/bytea; wrapping a Uint8Array's memory costs no copy. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
