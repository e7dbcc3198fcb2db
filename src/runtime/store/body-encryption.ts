// Encryption at rest of stored webhook bodies. A body echoes the buyer's push_notification_config
// `token` (webhooks.mdx — push_notification_config: the token is echoed in every webhook), so a
// durable outbox holds that token unless its bodies are encrypted. With a keyring, the SQLite and
// PostgreSQL stores seal each body with AES-256-GCM before it is written and open it when a row
// is read; the row's stored body names the key id it was sealed under, so keys rotate by id: new
// rows use the active key, older rows still open with the key they name.
//
// Stored layout: MAGIC (6 bytes, starts with NUL so no JSON body can match) | key id length (1) |
// key id (ASCII) | IV (12) | tag (16) | ciphertext. The additional authenticated data is the
// header plus the delivery id, so a sealed body copied into another row does not open there.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DeliveryStoreError } from './delivery-store-error.js';

/**
 * Keys for encrypting stored bodies, supplied by the application (from its secret manager; the
 * store never writes them anywhere). Every key is 32 random bytes.
 */
export interface BodyEncryptionKeyring {
  /** The key new bodies are sealed under; must be in `keys`. */
  readonly activeKeyId: string;
  /** Every key a stored body may name: the active one and the retired ones still in rows. */
  readonly keys: Readonly<Record<string, Uint8Array>>;
}

/** How a store turns a body into the bytes it writes, and back. */
export interface BodyCodec {
  seal(deliveryId: string, body: Uint8Array): Buffer;
  open(deliveryId: string, stored: Uint8Array): Uint8Array;
}

const MAGIC = Buffer.from([0x00, 0x61, 0x64, 0x65, 0x6e, 0x01]); // NUL "aden" version 1
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Bodies stored as they are (no keyring); a sealed row cannot be opened and says so. */
export const plainBodies: BodyCodec = {
  seal: (_deliveryId, body) => asBuffer(body),
  open(deliveryId, stored) {
    if (isSealed(stored)) throw keyUnavailable(deliveryId, headerOf(stored)?.keyId);
    return stored;
  },
};

/** The codec for a store's options: plain without a keyring. Throws DeliveryStoreError('ADCP_STORE_INVALID_CONFIG') on a bad keyring. */
export function bodyCodecFor(keyring: BodyEncryptionKeyring | undefined): BodyCodec {
  if (keyring === undefined) return plainBodies;
  const { activeKeyId, keys } = copyKeyring(keyring);
  const activeKey = keys.get(activeKeyId)!;
  const activeHeader = Buffer.concat([MAGIC, Buffer.from([activeKeyId.length]), Buffer.from(activeKeyId, 'ascii')]);
  return {
    seal(deliveryId, body) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', activeKey, iv);
      cipher.setAAD(Buffer.concat([activeHeader, Buffer.from(deliveryId, 'utf8')]));
      const ciphertext = Buffer.concat([cipher.update(body), cipher.final()]);
      return Buffer.concat([activeHeader, iv, cipher.getAuthTag(), ciphertext]);
    },
    open(deliveryId, stored) {
      if (!isSealed(stored)) return stored; // written before encryption was turned on
      const header = headerOf(stored);
      const key = header === undefined ? undefined : keys.get(header.keyId);
      if (header === undefined || key === undefined) throw keyUnavailable(deliveryId, header?.keyId);
      return openSealed(deliveryId, stored, header.length, key);
    },
  };
}

function openSealed(deliveryId: string, stored: Uint8Array, headerLength: number, key: Buffer): Buffer {
  const bytes = asBuffer(stored);
  const iv = bytes.subarray(headerLength, headerLength + IV_BYTES);
  const tag = bytes.subarray(headerLength + IV_BYTES, headerLength + IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.concat([bytes.subarray(0, headerLength), Buffer.from(deliveryId, 'utf8')]));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(bytes.subarray(headerLength + IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new DeliveryStoreError('ADCP_STORE_DECRYPTION_FAILED', `the stored body of delivery ${deliveryId} does not verify under its key`);
  }
}

function isSealed(stored: Uint8Array): boolean {
  return stored.byteLength > MAGIC.length && asBuffer(stored).subarray(0, MAGIC.length).equals(MAGIC);
}

function headerOf(stored: Uint8Array): { readonly keyId: string; readonly length: number } | undefined {
  const bytes = asBuffer(stored);
  const idLength = bytes[MAGIC.length];
  if (idLength === undefined) return undefined;
  const length = MAGIC.length + 1 + idLength;
  if (bytes.byteLength < length + IV_BYTES + TAG_BYTES) return undefined;
  const keyId = bytes.subarray(MAGIC.length + 1, length).toString('ascii');
  return KEY_ID.test(keyId) ? { keyId, length } : undefined;
}

function keyUnavailable(deliveryId: string, keyId: string | undefined): DeliveryStoreError {
  return new DeliveryStoreError(
    'ADCP_STORE_DECRYPTION_FAILED',
    keyId === undefined
      ? `the stored body of delivery ${deliveryId} is encrypted and unreadable`
      : `the stored body of delivery ${deliveryId} is encrypted under key id ${JSON.stringify(keyId)}, which the keyring does not hold`,
  );
}

/** Reads the application's keyring once into our own buffers; never echoes key bytes in an error. */
function copyKeyring(keyring: BodyEncryptionKeyring): { activeKeyId: string; keys: Map<string, Buffer> } {
  let activeKeyId: unknown;
  const keys = new Map<string, Buffer>();
  try {
    activeKeyId = keyring.activeKeyId;
    for (const [keyId, key] of Object.entries(keyring.keys)) {
      if (!KEY_ID.test(keyId)) throw invalidKeyring(`key id ${JSON.stringify(keyId.slice(0, 64))} must match ${KEY_ID.source}`);
      if (!(key instanceof Uint8Array) || key.byteLength !== KEY_BYTES) throw invalidKeyring(`key ${JSON.stringify(keyId)} must be ${KEY_BYTES} bytes`);
      keys.set(keyId, Buffer.from(key));
    }
  } catch (error) {
    throw error instanceof DeliveryStoreError ? error : invalidKeyring('it is not a readable { activeKeyId, keys } object');
  }
  if (typeof activeKeyId !== 'string' || !keys.has(activeKeyId)) throw invalidKeyring('activeKeyId must name one of its keys');
  return { activeKeyId, keys };
}

function invalidKeyring(reason: string): DeliveryStoreError {
  return new DeliveryStoreError('ADCP_STORE_INVALID_CONFIG', `bodyEncryption keyring refused: ${reason}`);
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
