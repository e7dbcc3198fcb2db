// `deliveries list` and `deliveries retry` against real outboxes, through the built CLI.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { openPostgresDeliveryStore } from '../../src/runtime/store/postgres-store.js';
import { newDelivery } from '../store/conformance.js';
import { PG_URL, dropOutbox, uniquePrefix } from '../store/pg-helpers.js';
import { runCliProcess } from '../helpers/cli.js';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');

describe('deliveries list / retry (SQLite)', () => {
  let dir: string;
  let url: string;
  const waiting = newDelivery({ labels: { task_type: 'create_media_buy' }, url: 'https://buyer.example/hooks/cap_PATHSECRET_42?token=sekrit-123' });
  const failed = newDelivery();
  const delivered = newDelivery();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'adcp-cli-deliveries-'));
    url = `sqlite:${join(dir, 'outbox.db')}`;
    const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'), { now: () => T0 });
    await store.enqueue(failed);
    await store.enqueue(delivered);
    await store.enqueue(waiting);
    await store.claimDue({ now: T0, limit: 2, leaseMs: 1000, workerId: 'w' });
    await store.markFailed(failed.id, { attempts: 8, httpStatus: 503, errorClass: 'http_5xx' }, T0 + 1);
    await store.markDelivered(delivered.id, { attempts: 1, httpStatus: 204 }, T0 + 1);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every delivery as a table, never the body or the URL query', () => {
    const run = runCliProcess(['deliveries', 'list', '--store', url]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STATUS\s+ATTEMPTS\s+NEXT ATTEMPT\s+LAST ERROR\s+URL$/);
    expect(lines).toHaveLength(4);
    expect(run.stdout).toContain(failed.id);
    expect(run.stdout).toContain('http_5xx');
    expect(run.stdout).not.toContain('sekrit');
    expect(run.stdout).not.toContain('task_id');
    expect(run.stdout).not.toContain('PATHSECRET');
    expect(run.stdout).toMatch(/https:\/\/buyer\.example\/…#[0-9a-f]{8}/);
  });

  it('shows URL paths (never queries) only with --show-paths', () => {
    const run = runCliProcess(['deliveries', 'list', '--store', url, '--show-paths', '--status', 'pending', '--json']);
    expect(run.status).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    expect(rows.map((row) => row.url)).toEqual(['https://buyer.example/hooks/cap_PATHSECRET_42']);
  });

  it('filters by status and prints JSON', () => {
    const rows = listJson(url, 'failed');
    expect(rows).toEqual([
      expect.objectContaining({
        id: failed.id,
        idempotency_key: failed.idempotencyKey,
        status: 'failed',
        attempts: 8,
        last_http_status: 503,
        last_error_class: 'http_5xx',
        body_bytes: failed.body.byteLength,
        signing: { mode: 'rfc9421', keyId: 'seller-key-1' },
      }),
    ]);
    const pending = listJson(url, 'pending');
    expect(pending.map((row) => [row.id, row.url, row.labels])).toEqual([
      [waiting.id, expect.stringMatching(/^https:\/\/buyer\.example\/…#[0-9a-f]{8}$/), { task_type: 'create_media_buy' }],
    ]);
  });

  it('re-drives a failed delivery and refuses a delivered or unknown one', async () => {
    const retried = runCliProcess(['deliveries', 'retry', '--store', url, '--id', failed.id]);
    expect(retried.status).toBe(0);
    expect(retried.stdout).toContain(`re-driven ${failed.id}`);
    const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
    expect(await store.get(failed.id)).toMatchObject({ status: 'pending', attempts: 0 });
    await store.close();

    const refused = runCliProcess(['deliveries', 'retry', '--store', url, '--id', delivered.id]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('is delivered');
    const unknown = runCliProcess(['deliveries', 'retry', '--store', url, '--id', 'nope']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no delivery with id "nope"');
  });

  it('rejects an unknown --status', () => {
    const run = runCliProcess(['deliveries', 'list', '--store', url, '--status', 'in_flight']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--status must be one of pending, failed, delivered');
  });
});

describe('deliveries list: unusable stores', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'adcp-cli-deliveries-bad-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('does not create a missing SQLite file', () => {
    const run = runCliProcess(['deliveries', 'list', '--store', `sqlite:${join(dir, 'typo.db')}`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^adcp-codegen: cannot use the delivery store: SQLite delivery store .*typo\.db.* cannot be opened/);
  });

  it('names a file that is not a database', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'not a database at all, just text that is long enough to have a header\n'.repeat(20));
    const run = runCliProcess(['deliveries', 'list', '--store', `sqlite:${path}`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('is not a usable SQLite database');
  });

  it('names a PostgreSQL server that is down, without the password', () => {
    const run = runCliProcess(['deliveries', 'list', '--store', 'postgres://postgres:pa55word@127.0.0.1:1/test']);
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'adcp-codegen: cannot use the delivery store: PostgreSQL delivery store postgres://127.0.0.1:1/test: server unreachable (ECONNREFUSED)',
    );
  });

  it('rejects an unknown store scheme', () => {
    const run = runCliProcess(['deliveries', 'list', '--store', 'mysql://root:pw@db/x']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('expected memory:, sqlite:<path> or postgres://');
    expect(run.stderr).not.toContain('pw');
  });
});

describe('deliveries list (PostgreSQL)', () => {
  it('reads the outbox of the table prefix named in the URL', async () => {
    const prefix = uniquePrefix('cli');
    const store = await openPostgresDeliveryStore(PG_URL, { tablePrefix: prefix });
    const delivery = newDelivery();
    try {
      await store.enqueue(delivery);
      expect(listJson(`${PG_URL}?table_prefix=${prefix}`).map((row) => row.id)).toEqual([delivery.id]);
    } finally {
      await store.close();
      await dropOutbox(prefix);
    }
  });
});

function listJson(url: string, status?: string): Array<Record<string, unknown>> {
  const run = runCliProcess(['deliveries', 'list', '--store', url, '--json', ...(status === undefined ? [] : ['--status', status])]);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  return JSON.parse(run.stdout) as Array<Record<string, unknown>>;
}
