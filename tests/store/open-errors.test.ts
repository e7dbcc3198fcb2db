// A store that cannot be used says so at start-up, with a typed error naming the cause and never the
// credentials of its URL; it never hangs.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryStoreError } from '../../src/runtime/store/delivery-store-error.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { newDelivery } from './conformance.js';
import { PG_URL, dropOutbox, uniquePrefix } from './pg-helpers.js';

async function rejection(promise: Promise<unknown>): Promise<DeliveryStoreError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeliveryStoreError);
  return error as DeliveryStoreError;
}

describe('SQLite store start-up errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adcp-store-errors-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names a missing directory', async () => {
    const path = join(dir, 'no-such-dir', 'outbox.db');
    const error = await rejection(openSqliteDeliveryStore(path));
    expect(error.code).toBe('ADCP_STORE_CANNOT_OPEN');
    expect(error.message).toContain(path);
  });

  it('refuses a file that is not a SQLite database, and leaves it untouched', async () => {
    const path = join(dir, 'notes.db');
    const notes = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(path, notes);
    const error = await rejection(openSqliteDeliveryStore(path));
    expect(error.code).toBe('ADCP_STORE_NOT_A_DATABASE');
    expect(error.message).toContain(path);
    expect(readFileSync(path, 'utf8')).toBe(notes);
  });

  it('refuses a directory given as the file', async () => {
    const error = await rejection(openSqliteDeliveryStore(dir));
    expect(['ADCP_STORE_CANNOT_OPEN', 'ADCP_STORE_FAILED']).toContain(error.code);
    expect(error.message).toContain(dir);
  });

  it('rejects a table prefix that is not a plain identifier', async () => {
    const error = await rejection(openSqliteDeliveryStore(join(dir, 'x.db'), { tablePrefix: 'x"; DROP TABLE y; --' }));
    expect(error.code).toBe('ADCP_STORE_INVALID_CONFIG');
  });

  it('rejects operations after close with a typed error', async () => {
    const store = await openSqliteDeliveryStore(join(dir, 'closed.db'));
    await store.close();
    const error = await rejection(store.enqueue(newDelivery()));
    expect(error.code).toBe('ADCP_STORE_CLOSED');
  });

  it('migrates idempotently: reopening keeps the rows and the schema version', async () => {
    const path = join(dir, 'reopen.db');
    const delivery = newDelivery();
    const first = await openSqliteDeliveryStore(path);
    await first.enqueue(delivery);
    await first.close();
    const again = await openSqliteDeliveryStore(path);
    expect((await again.get(delivery.id))?.idempotencyKey).toBe(delivery.idempotencyKey);
    await again.close();
  });
});

describe('PostgreSQL store start-up errors', () => {
  it('reports a server that refuses connections, without the credentials of the URL', async () => {
    const started = Date.now();
    const error = await rejection(openPostgresDeliveryStore('postgres://postgres:hunter2-secret@127.0.0.1:1/test?sslmode=disable'));
    expect(error.code).toBe('ADCP_STORE_UNREACHABLE');
    expect(error.message).toContain('postgres://127.0.0.1:1/test');
    expect(error.message).not.toMatch(/hunter2|sslmode|postgres:hunter|postgres@/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('times out on a server that accepts the connection and never answers', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const error = await rejection(openPostgresDeliveryStore(`postgres://postgres@127.0.0.1:${port}/test`, { connectTimeoutMs: 300 }));
      expect(error.code).toBe('ADCP_STORE_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      silent.close();
    }
  });

  it('rejects a malformed connection string without keeping it (or its password) anywhere in the error', async () => {
    const error = await rejection(openPostgresDeliveryStore('postgres://app:pa55w0rd@db.internal:99999/outbox'));
    expect(error.code).toBe('ADCP_STORE_INVALID_CONFIG');
    expect(error.cause).toBeUndefined();
    expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('pa55w0rd');
  });

  it('names a database that does not exist', async () => {
    const error = await rejection(openPostgresDeliveryStore(PG_URL.replace(/\/test$/, '/no_such_db_adcp')));
    expect(error.code).toBe('ADCP_STORE_CANNOT_OPEN');
    expect(error.message).toContain('does not exist');
  });

  it('rejects a schema name that is not a plain identifier, before connecting', async () => {
    const error = await rejection(openPostgresDeliveryStore(PG_URL, { schema: 'public; DROP' }));
    expect(error.code).toBe('ADCP_STORE_INVALID_CONFIG');
  });

  it('migrates once when several replicas start at the same moment, into its own schema', async () => {
    const prefix = uniquePrefix('mig');
    const schema = `s${prefix}`.replace(/_$/, '');
    try {
      const stores = await Promise.all(
        Array.from({ length: 6 }, () => openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix, schema, poolSize: 2 })),
      );
      const delivery = newDelivery();
      await stores[0]!.enqueue(delivery);
      expect((await stores[5]!.get(delivery.id))?.id).toBe(delivery.id);
      await Promise.all(stores.map((store) => store.close()));
    } finally {
      await dropOutbox(prefix, schema);
    }
  });
});

describe('SQLite read-only file', () => {
  it('is refused at start-up as read-only', async () => {
    // Root ignores file modes, so under root the check runs in a child process as `nobody`.
    const { spawnSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'adcp-store-ro-'));
    const path = join(dir, 'outbox.db');
    try {
      const store = await openSqliteDeliveryStore(path);
      await store.close();
      chmodSync(path, 0o444);
      chmodSync(dir, 0o555);
      const script = `
        const { openSqliteDeliveryStore } = await import(${JSON.stringify(new URL('../../dist/src/runtime/store/sqlite-store.js', import.meta.url).href)});
        try { await openSqliteDeliveryStore(${JSON.stringify(path)}); console.log('opened'); }
        catch (error) { console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message })); }`;
      const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', ...asNobody });
      expect(child.stderr).toBe('');
      const outcome = JSON.parse(child.stdout) as { name: string; code: string; message: string };
      expect(outcome).toMatchObject({ name: 'DeliveryStoreError', code: 'ADCP_STORE_READ_ONLY' });
      expect(outcome.message).toContain(path);
    } finally {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
