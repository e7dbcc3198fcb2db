// The operator commands against a store that is missing, fails mid-run, or encrypts its bodies:
// the built CLI as a real child process, a real SQLite file, a loopback receiver.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { eventually, startReceiver } from '../delivery/support/receiver.js';
import { startCli } from '../durable/processes.js';
import { runCliProcess, runCliProcessAsync } from '../helpers/cli.js';
import { newDelivery } from '../store/conformance.js';
import { dropOutbox, pgStoreUrl, uniquePrefix, withPgClient } from '../store/pg-helpers.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-cli-store-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Overwrites every page of the database file but the first (the header) with random bytes. */
function corruptPages(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    const size = fstatSync(fd).size;
    for (let offset = 4096; offset < size; offset += 4096) writeSync(fd, randomBytes(4096), 0, 4096, offset);
  } finally {
    closeSync(fd);
  }
}

describe('deliveries run --until-idle on a store that fails mid-run', () => {
  it('exits 2 with the store error when the SQLite file is corrupted under it', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.db');
    const held: ServerResponse[] = [];
    const receiver = await startReceiver((_request, response) => held.push(response));
    cleanups.push(() => receiver.close());
    const store = await openSqliteDeliveryStore(file);
    const body = new TextEncoder().encode(JSON.stringify({ status: 'completed', pad: 'x'.repeat(4000) }));
    for (let i = 0; i < 2000; i += 1) {
      await store.enqueue(newDelivery({ url: receiver.url, body, signing: { mode: 'none' }, nextAttemptAt: Date.now() - 1 }));
    }
    await store.close(); // the last connection checkpoints the WAL into the file

    const run = startCli(['deliveries', 'run', '--store', `sqlite:${file}`, '--until-idle', '--concurrency', '4', '--unsafe-allow-private-network', '--json']);
    cleanups.push(() => run.kill());
    expect(await eventually(() => held.length >= 4, 20_000)).toBe(true); // the first claim is on the wire
    corruptPages(file);
    for (const response of held.splice(0)) response.writeHead(204).end();
    receiver.requests.length = 0;
    const answerLater = setInterval(() => {
      for (const response of held.splice(0)) response.writeHead(204).end();
    }, 10);
    cleanups.push(() => clearInterval(answerLater));

    expect(await run.exited).toBe(2);
    expect(run.stderr()).toMatch(/cannot use the delivery store: SQLite delivery store .* is not a usable SQLite database \(.*malformed/);
  }, 60_000);
});

describe('operator commands on a store path that does not exist', () => {
  it('list, run and retry refuse it with exit 2 and create nothing', async () => {
    const dir = tempDir();
    const store = `sqlite:${join(dir, 'typo.db')}`;
    const runs = [
      runCliProcess(['deliveries', 'list', '--store', store]),
      runCliProcess(['deliveries', 'retry', '--store', store, '--id', 'x']),
      await runCliProcessAsync(['deliveries', 'run', '--store', store, '--until-idle']),
    ];
    for (const run of runs) {
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('cannot use the delivery store');
      expect(run.stderr).toContain('--create creates it');
    }
    expect(existsSync(join(dir, 'typo.db'))).toBe(false);
  });

  it('creates an empty outbox with --create', async () => {
    const dir = tempDir();
    const store = `sqlite:${join(dir, 'new.db')}`;
    const list = runCliProcess(['deliveries', 'list', '--store', store, '--create']);
    expect({ status: list.status, stdout: list.stdout, stderr: list.stderr }).toEqual({ status: 0, stdout: 'no deliveries\n', stderr: '' });
    expect(existsSync(join(dir, 'new.db'))).toBe(true);
    rmSync(join(dir, 'new.db'));
    const run = await runCliProcessAsync(['deliveries', 'run', '--store', store, '--until-idle', '--create', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ delivered: 0, failed: 0 });
  });
});

describe('operator commands on a store whose bodies are encrypted at rest', () => {
  async function encryptedStore() {
    const dir = tempDir();
    const file = join(dir, 'outbox.db');
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const store = await openSqliteDeliveryStore(file, { bodyEncryption: { activeKeyId: 'k1', keys: { k1: oldKey } } });
    const first = newDelivery({ url: receiver.url, signing: { mode: 'none' }, nextAttemptAt: Date.now() - 1 });
    await store.enqueue(first);
    await store.close();
    const rotated = await openSqliteDeliveryStore(file, { bodyEncryption: { activeKeyId: 'k2', keys: { k1: oldKey, k2: newKey } } });
    const second = newDelivery({ url: receiver.url, signing: { mode: 'none' }, nextAttemptAt: Date.now() - 1 });
    await rotated.enqueue(second);
    await rotated.close();
    const keyFile = join(dir, 'body-keys.json');
    writeFileSync(keyFile, JSON.stringify({ activeKeyId: 'k2', keys: { k1: oldKey.toString('base64'), k2: newKey.toString('base64url') } }));
    return { store: `sqlite:${file}`, keyFile, receiver, ids: [first.id, second.id], secrets: [oldKey, newKey] };
  }

  it('list and run fail closed without the keyring, naming the key id and the flag', async () => {
    const { store, receiver } = await encryptedStore();
    const list = runCliProcess(['deliveries', 'list', '--store', store]);
    expect(list.status).toBe(2);
    expect(list.stderr).toMatch(/encrypted under key id "k[12]".*--body-key-file/);
    const run = await runCliProcessAsync(['deliveries', 'run', '--store', store, '--until-idle', '--unsafe-allow-private-network']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--body-key-file');
    expect(receiver.requests).toHaveLength(0);
  });

  it('list, retry and run work with --body-key-file, and no key material reaches the output', async () => {
    const { store, keyFile, receiver, ids, secrets } = await encryptedStore();
    const list = runCliProcess(['deliveries', 'list', '--store', store, '--body-key-file', keyFile, '--json']);
    expect(list.stderr).toBe('');
    expect((JSON.parse(list.stdout) as Array<{ id: string }>).map((row) => row.id).sort()).toEqual([...ids].sort());
    const retry = runCliProcess(['deliveries', 'retry', '--store', store, '--body-key-file', keyFile, '--id', ids[0]!]);
    expect(retry.status).toBe(0);
    const run = await runCliProcessAsync(['deliveries', 'run', '--store', store, '--body-key-file', keyFile, '--until-idle', '--unsafe-allow-private-network', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ delivered: 2, failed: 0 });
    expect(receiver.requests.map((request) => JSON.parse(request.body.toString('utf8')).status)).toEqual(['completed', 'completed']);
    for (const output of [list.stdout, list.stderr, retry.stdout, retry.stderr, run.stdout, run.stderr]) {
      for (const key of secrets) {
        expect(output).not.toContain(key.toString('base64'));
        expect(output).not.toContain(key.toString('base64url'));
        expect(output).not.toContain(key.toString('hex'));
      }
    }
  });

  it('refuses a bad keyring file without echoing its contents', async () => {
    const { store } = await encryptedStore();
    const dir = tempDir();
    const cases: Array<[string, RegExp]> = [
      ['{"activeKeyId":"k1","keys":{"k1":"c2hvcnQtc2VjcmV0LWtleQ=="}}', /key "k1" must decode to 32 bytes/],
      ['{"activeKeyId":"k9","keys":{"k1":"' + randomBytes(32).toString('base64') + '"}}', /"activeKeyId" "k9" is not one of its keys/],
      ['{"activeKeyId":"k1","keys":{"k1":"not base64 at all!"}}', /key "k1" must be a base64 string/],
      ['{"activeKeyId": "k1", "keys": {"k1": "trailing', /not valid JSON/],
    ];
    for (const [index, [text, expected]] of cases.entries()) {
      const file = join(dir, `bad-${index}.json`);
      writeFileSync(file, text);
      const run = runCliProcess(['deliveries', 'list', '--store', store, '--body-key-file', file]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(expected);
      expect(run.stderr).not.toContain('c2hvcnQtc2VjcmV0LWtleQ');
      expect(run.stderr).not.toContain('trailing');
      expect(run.stderr).not.toContain('not base64 at all');
    }
    const missing = runCliProcess(['deliveries', 'list', '--store', store, '--body-key-file', join(dir, 'nope.json')]);
    expect(missing.stderr).toContain('nope.json: cannot read it (ENOENT)');
  });
});

describe('operator commands on PostgreSQL tables that do not exist', () => {
  it('refuse them with exit 2 and create nothing, unless --create', async () => {
    const prefix = uniquePrefix('cli');
    cleanups.push(() => dropOutbox(prefix));
    const store = pgStoreUrl(prefix);
    const tableExists = () =>
      withPgClient(async (client) => (await client.query('SELECT to_regclass($1)::text AS t', [`${prefix}deliveries`])).rows[0]?.t !== null);
    const list = runCliProcess(['deliveries', 'list', '--store', store]);
    expect(list.status).toBe(2);
    expect(list.stderr).toContain(`has no outbox table "${prefix}deliveries" (it must exist; --create creates it)`);
    const run = await runCliProcessAsync(['deliveries', 'run', '--store', store, '--until-idle']);
    expect(run.status).toBe(2);
    expect(await tableExists()).toBe(false);
    const created = runCliProcess(['deliveries', 'list', '--store', store, '--create']);
    expect({ status: created.status, stdout: created.stdout }).toEqual({ status: 0, stdout: 'no deliveries\n' });
    expect(await tableExists()).toBe(true);
  });
});

describe('webhook send --enqueue-only into a store whose bodies are encrypted at rest', () => {
  it('seals the body with --body-key-file (no token in the file), and deliveries run opens it', async () => {
    const dir = tempDir();
    const file = join(dir, 'outbox.db');
    const keyFile = join(dir, 'body-keys.json');
    writeFileSync(keyFile, JSON.stringify({ activeKeyId: 'k1', keys: { k1: randomBytes(32).toString('base64') } }));
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const token = 'buyer-token-0123456789abcdef';
    const enqueue = runCliProcess([
      'webhook', 'send', '--url', receiver.url, '--task-type', 'create_media_buy', '--status', 'completed', '--operation-id', 'op-42',
      '--token', token, '--unsigned', '--store', `sqlite:${file}`, '--enqueue-only', '--body-key-file', keyFile, '--unsafe-allow-private-network',
    ]);
    expect({ status: enqueue.status, stderr: enqueue.stderr }).toEqual({ status: 0, stderr: '' });
    const db = new Database(file, { readonly: true });
    const bodies = db.prepare('SELECT body FROM adcp_deliveries').all() as Array<{ body: Buffer }>;
    db.close();
    expect(bodies).toHaveLength(1);
    expect(bodies[0]!.body.includes(token)).toBe(false);
    expect(bodies[0]!.body.includes('op-42')).toBe(false);

    const run = await runCliProcessAsync(['deliveries', 'run', '--store', `sqlite:${file}`, '--body-key-file', keyFile, '--until-idle', '--unsafe-allow-private-network', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(receiver.requests[0]!.body.toString('utf8'))).toMatchObject({ token, operation_id: 'op-42' });
  });
});
