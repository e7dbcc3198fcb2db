// Encryption at rest of stored bodies, against a real SQLite file and a real PostgreSQL table: the
// buyer's token never appears in the stored bytes when a keyring is given, rows name the key they
// were sealed under, and rotation keeps old rows readable.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createDurableOutbox } from '../../src/runtime/store/durable-outbox.js';
import type { BodyEncryptionKeyring } from '../../src/runtime/store/body-encryption.js';
import type { DeliveryStore, NewDelivery } from '../../src/runtime/store/delivery-store.js';
import { DeliveryStoreError } from '../../src/runtime/store/delivery-store-error.js';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { noSigner } from '../delivery/support/signers.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { PG_URL, dropOutbox, uniquePrefix, withPgClient } from './pg-helpers.js';

const TOKEN = 'tok_BUYER_SECRET_TOKEN_0123456789';
const K1 = randomBytes(32);
const K2 = randomBytes(32);
const ONLY_K1: BodyEncryptionKeyring = { activeKeyId: 'k1', keys: { k1: K1 } };
const ROTATED: BodyEncryptionKeyring = { activeKeyId: 'k2', keys: { k1: K1, k2: K2 } };
const ONLY_K2: BodyEncryptionKeyring = { activeKeyId: 'k2', keys: { k2: K2 } };

function delivery(): NewDelivery {
  const body = JSON.stringify({ idempotency_key: `whk_${randomBytes(12).toString('hex')}`, token: TOKEN, status: 'completed' });
  return {
    id: randomUUID(),
    idempotencyKey: JSON.parse(body).idempotency_key as string,
    url: 'https://buyer.example/hook',
    body: Buffer.from(body),
    signing: { mode: 'none' },
    nextAttemptAt: Date.now(),
  };
}

/** One backend: how to open its store, and what its raw stored bytes are. */
interface Backend {
  open(keyring?: BodyEncryptionKeyring): Promise<DeliveryStore>;
  /** Everything the database holds, as bytes (the files, or every column of every row). */
  rawBytes(): Promise<Buffer>;
  /** The stored body column of one row. */
  storedBody(id: string): Promise<Buffer>;
  dispose(): Promise<void>;
}

function sqliteBackend(): Backend & { readonly path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-enc-'));
  const path = join(dir, 'outbox.db');
  return {
    path,
    open: (keyring) => openSqliteDeliveryStore(path, keyring === undefined ? {} : { bodyEncryption: keyring }),
    rawBytes: async () => Buffer.concat(readdirSync(dir).map((file) => readFileSync(join(dir, file)))),
    async storedBody(id) {
      const db = new Database(path, { readonly: true });
      try {
        return db.prepare<[string], { body: Buffer }>('SELECT body FROM adcp_deliveries WHERE id = ?').get(id)!.body;
      } finally {
        db.close();
      }
    },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresBackend(): Backend {
  const prefix = uniquePrefix('enc');
  return {
    open: (keyring) => openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix, ...(keyring === undefined ? {} : { bodyEncryption: keyring }) }),
    rawBytes: () =>
      withPgClient(async (client) => {
        const rows = await client.query<{ row: string; body: Buffer }>(`SELECT row_to_json(d)::text AS row, body FROM "${prefix}deliveries" d`);
        return Buffer.concat(rows.rows.flatMap((row) => [Buffer.from(row.row), row.body]));
      }),
    storedBody: (id) =>
      withPgClient(async (client) => (await client.query<{ body: Buffer }>(`SELECT body FROM "${prefix}deliveries" WHERE id = $1`, [id])).rows[0]!.body),
    dispose: () => dropOutbox(prefix),
  };
}

describe.each([
  ['SQLite', sqliteBackend],
  ['PostgreSQL', postgresBackend],
] as const)('%s', (_name, makeBackend) => {
  it('without a keyring the body, token included, is stored as it is (what the README says)', async () => {
    const backend = makeBackend();
    const store = await backend.open();
    await store.enqueue(delivery());
    await store.close();
    expect((await backend.rawBytes()).includes(TOKEN)).toBe(true);
    await backend.dispose();
  });

  it('with a keyring the token never appears in the stored bytes, and the store reads the exact body back', async () => {
    const backend = makeBackend();
    const store = await backend.open(ONLY_K1);
    const written = [delivery(), delivery(), delivery()];
    for (const entry of written) await store.enqueue(entry);
    for (const entry of written) expect(Buffer.from((await store.get(entry.id))!.body).equals(Buffer.from(entry.body))).toBe(true);
    const claimed = await store.claimDue({ now: Date.now() + 1, limit: 10, leaseMs: 10_000, workerId: 'w' });
    expect(claimed.map((record) => Buffer.from(record.body).toString())).toEqual(expect.arrayContaining(written.map((entry) => Buffer.from(entry.body).toString())));
    await store.close();
    const raw = await backend.rawBytes();
    expect(raw.includes(TOKEN)).toBe(false);
    expect(raw.includes('"status":"completed"')).toBe(false);
    await backend.dispose();
  });

  it('rotation by key id: rows name their key, old rows open with the retired key, a missing key is a typed error', async () => {
    const backend = makeBackend();
    const plain = delivery();
    const before = await backend.open();
    await before.enqueue(plain); // written before encryption was turned on
    await before.close();

    const first = await backend.open(ONLY_K1);
    const underK1 = delivery();
    await first.enqueue(underK1);
    await first.close();

    const rotated = await backend.open(ROTATED);
    const underK2 = delivery();
    await rotated.enqueue(underK2);
    for (const entry of [plain, underK1, underK2]) {
      expect(Buffer.from((await rotated.get(entry.id))!.body).toString()).toBe(Buffer.from(entry.body).toString());
    }
    await rotated.close();
    expect((await backend.storedBody(underK1.id)).includes('k1')).toBe(true);
    expect((await backend.storedBody(underK2.id)).includes('k2')).toBe(true);

    const k2Only = await backend.open(ONLY_K2);
    expect(Buffer.from((await k2Only.get(underK2.id))!.body).toString()).toBe(Buffer.from(underK2.body).toString());
    const missing = await k2Only.get(underK1.id).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(DeliveryStoreError);
    expect(missing).toMatchObject({ code: 'ADCP_STORE_DECRYPTION_FAILED' });
    expect((missing as Error).message).toContain('"k1"');
    await k2Only.close();

    const noKeyring = await backend.open();
    await expect(noKeyring.get(underK2.id)).rejects.toMatchObject({ code: 'ADCP_STORE_DECRYPTION_FAILED' });
    await noKeyring.close();
    await backend.dispose();
  });
});

describe('SQLite specifics', () => {
  it('a sealed body copied into another row does not open there', async () => {
    const backend = sqliteBackend();
    const store = await backend.open(ONLY_K1);
    const [a, b] = [delivery(), delivery()];
    await store.enqueue(a);
    await store.enqueue(b);
    await store.close();
    const db = new Database(backend.path);
    db.prepare('UPDATE adcp_deliveries SET body = ? WHERE id = ?').run(await backend.storedBody(a.id), b.id);
    db.close();
    const reopened = await backend.open(ONLY_K1);
    await expect(reopened.get(b.id)).rejects.toMatchObject({ code: 'ADCP_STORE_DECRYPTION_FAILED' });
    expect(Buffer.from((await reopened.get(a.id))!.body).toString()).toBe(Buffer.from(a.body).toString());
    await reopened.close();
    await backend.dispose();
  });

  it('refuses a bad keyring before opening anything, without echoing key bytes', async () => {
    const backend = sqliteBackend();
    const short = randomBytes(16);
    const cases: BodyEncryptionKeyring[] = [
      { activeKeyId: 'k1', keys: { k1: short } },
      { activeKeyId: 'k9', keys: { k1: K1 } },
      { activeKeyId: 'bad id', keys: { 'bad id': K1 } },
      {
        get activeKeyId(): string {
          throw new Error('getter');
        },
        keys: { k1: K1 },
      },
    ];
    for (const keyring of cases) {
      const error = await backend.open(keyring).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'ADCP_STORE_INVALID_CONFIG' });
      expect((error as Error).message).toContain('bodyEncryption');
      expect((error as Error).message).not.toContain(short.toString('hex'));
    }
    expect(readdirSync(backend.path.replace(/outbox\.db$/, ''))).toEqual([]);
    await backend.dispose();
  });

  it('the durable outbox delivers the exact original bytes from an encrypted store', async () => {
    const receiver: Receiver = await startReceiver();
    const backend = sqliteBackend();
    const store = await backend.open(ONLY_K1);
    const outbox = createDurableOutbox({ store, unsafeAllowPrivateNetwork: true, resolveSigner: () => noSigner, startWorker: false });
    const payload = { token: TOKEN, status: 'completed' };
    const accepted = await outbox.enqueue({ url: `${receiver.url}`, payload, signer: noSigner });
    expect(accepted.accepted).toBe(true);
    expect(await outbox.worker!.runUntilIdle()).toEqual({ delivered: 1, failed: 0 });
    expect(JSON.parse(receiver.requests[0]!.body.toString())).toMatchObject(payload);
    await outbox.close();
    await store.close();
    await receiver.close();
    expect((await backend.rawBytes()).includes(TOKEN)).toBe(false);
    await backend.dispose();
  });
});
