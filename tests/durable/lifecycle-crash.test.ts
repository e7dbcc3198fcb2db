// A seller process answers after its lifecycle webhooks are durable and is SIGKILLed at once (it runs
// no worker); a worker process started afterwards on the same store delivers both webhooks, and the
// receiver (its own process) verifies every RFC 9421 signature.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDeliveryStore } from '../../src/runtime/store/store-url.js';
import { PG_URL, dropOutbox, uniquePrefix } from '../store/pg-helpers.js';
import { pollUntil, reservePort, startFixture, startReceiver, writeSigningKey } from './processes.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

describe.each(['sqlite', 'postgres'] as const)('lifecycle webhooks survive a seller crash (%s)', (kind) => {
  it('SIGKILL right after the answer; a restarted worker delivers working and completed, signatures verify', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'adcp-lifecycle-crash-'));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const prefix = uniquePrefix('lcrash');
    if (kind === 'postgres') cleanups.push(() => dropOutbox(prefix));
    const storeUrl = kind === 'sqlite' ? `sqlite:${join(dir, 'outbox.db')}` : `${PG_URL}?table_prefix=${prefix}`;
    const port = await reservePort();
    const { jwkFile, publicJwk } = writeSigningKey(dir);

    const seller = startFixture('lifecycle-seller.mjs', { STORE_URL: storeUrl, TARGET: `http://127.0.0.1:${port}/hooks/adcp`, JWK_FILE: jwkFile });
    cleanups.push(async () => seller.kill());
    const answered = await seller.waitFor((event) => event.event === 'responded', 30_000);
    seller.kill('SIGKILL');
    await seller.exited;
    expect(answered).toMatchObject({ working: { queued: true }, completed: { queued: true } });

    const store = await openDeliveryStore(storeUrl);
    cleanups.push(() => store.close());
    expect((await store.list({ status: 'pending' })).map((row) => row.labels?.['status']).sort()).toEqual(['completed', 'working']);

    const receiver = await startReceiver({ port, publicJwk });
    cleanups.push(() => receiver.stop());
    const worker = startFixture('worker.mjs', { STORE_URL: storeUrl, WORKER_NAME: 'restarted', JWK_FILE: jwkFile });
    cleanups.push(async () => worker.kill());
    await pollUntil(async () => ((await store.list({ status: 'delivered' })).length === 2 ? true : undefined), 30_000, 'both webhooks delivered');
    const stats = await receiver.stats();
    expect(stats).toMatchObject({ distinctKeys: 2, verified: stats.requests, rejected: {} });
    expect(stats.requests).toBeGreaterThanOrEqual(2);
  });
});
