// `webhook send … --store URL --enqueue-only`, then `deliveries run`: the two halves of durable
// delivery from the command line.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { startReceiver } from '../delivery/support/receiver.js';
import { startCli } from '../durable/processes.js';
import { runCliProcess } from '../helpers/cli.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-enqueue-only-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const send = (url: string, ...extra: string[]) => [
  'webhook', 'send', '--url', url, '--task-type', 'create_media_buy', '--status', 'completed', '--operation-id', 'op-42', ...extra,
];

describe('webhook send --store --enqueue-only', () => {
  it('writes the webhook to the outbox without sending it; deliveries run then delivers those exact bytes', async () => {
    const dir = tempDir();
    const store = `sqlite:${join(dir, 'outbox.db')}`;
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());

    const enqueued = runCliProcess(send(receiver.url, '--unsigned', '--store', store, '--enqueue-only', '--unsafe-allow-private-network', '--json'));
    expect({ status: enqueued.status, stderr: enqueued.stderr }).toEqual({ status: 0, stderr: '' });
    const { enqueued: ok, delivery_id: id, idempotency_key: key } = JSON.parse(enqueued.stdout) as Record<string, string>;
    expect(ok).toBe(true);
    expect(receiver.requests).toHaveLength(0);

    const outbox = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
    const record = await outbox.get(id!);
    await outbox.close();
    expect(record).toMatchObject({ status: 'pending', idempotencyKey: key, signing: { mode: 'none' }, labels: { source: 'cli' } });
    expect(JSON.parse(Buffer.from(record!.body).toString('utf8'))).toMatchObject({ idempotency_key: key, operation_id: 'op-42', status: 'completed' });

    const run = startCli(['deliveries', 'run', '--store', store, '--until-idle', '--unsafe-allow-private-network']);
    expect(await run.exited).toBe(0);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.body.equals(Buffer.from(record!.body))).toBe(true);
  });

  it('refuses HMAC and Bearer: the store keeps no secret for a later worker to sign with', () => {
    const dir = tempDir();
    const secret = 'hm4c-Secret-0123456789-abcdefghijklmnop';
    for (const flag of ['--hmac-secret', '--bearer']) {
      const run = runCliProcess(send('https://buyer.example/hook', flag, secret, '--store', `sqlite:${join(dir, 'o.db')}`, '--enqueue-only'));
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('--enqueue-only stores no secret');
      expect(run.stderr).not.toContain(secret);
    }
  });

  it('needs --store and --enqueue-only together', () => {
    const alone = runCliProcess(send('https://buyer.example/hook', '--unsigned', '--enqueue-only'));
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain('--enqueue-only needs --store');
    const storeOnly = runCliProcess(send('https://buyer.example/hook', '--unsigned', '--store', 'memory:'));
    expect(storeOnly.status).toBe(2);
    expect(storeOnly.stderr).toContain('--store is used with --enqueue-only');
  });

  it('reports an unreachable store as a one-line error without its password, exit 2', () => {
    const run = runCliProcess(send('https://buyer.example/hook', '--unsigned', '--store', 'postgres://app:hunter2@127.0.0.1:1/outbox', '--enqueue-only'));
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'adcp-codegen: cannot use the delivery store: PostgreSQL delivery store postgres://127.0.0.1:1/outbox: server unreachable (ECONNREFUSED)',
    );
  });
});
