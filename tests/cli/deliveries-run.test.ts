// `deliveries run` through the built CLI against a real SQLite outbox and a loopback receiver.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryStore, SigningDescriptor } from '../../src/runtime/store/delivery-store.js';
import { openSqliteDeliveryStore } from '../../src/runtime/store/sqlite-store.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { startCli } from '../durable/processes.js';
import { newDelivery } from '../store/conformance.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function setUp(): Promise<{ dir: string; url: string; store: DeliveryStore; receiver: Receiver; jwkFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'adcp-cli-run-'));
  const store = await openSqliteDeliveryStore(join(dir, 'outbox.db'));
  const receiver = await startReceiver();
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwkFile = join(dir, 'key.jwk.json');
  writeFileSync(jwkFile, JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'cli-key', alg: 'EdDSA' }));
  cleanups.push(async () => {
    await receiver.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, url: `sqlite:${join(dir, 'outbox.db')}`, store, receiver, jwkFile };
}

function enqueue(store: DeliveryStore, url: string, signing: SigningDescriptor) {
  const delivery = newDelivery({ url, signing, nextAttemptAt: Date.now() - 1 });
  return store.enqueue(delivery).then(() => delivery);
}

describe('deliveries run', () => {
  it('delivers what it can sign and leaves HMAC, Bearer and other-key deliveries untouched', async () => {
    const { url, store, receiver, jwkFile } = await setUp();
    const unsigned = await enqueue(store, receiver.url, { mode: 'none' });
    const ours = await enqueue(store, receiver.url, { mode: 'rfc9421', keyId: 'cli-key' });
    const untouched = [
      await enqueue(store, receiver.url, { mode: 'rfc9421', keyId: 'someone-else' }),
      await enqueue(store, receiver.url, { mode: 'hmac-sha256', credentialRef: 'buyer/hmac' }),
      await enqueue(store, receiver.url, { mode: 'bearer', credentialRef: 'buyer/bearer' }),
    ];

    const run = startCli(['deliveries', 'run', '--store', url, '--until-idle', '--jwk', jwkFile, '--unsafe-allow-private-network', '--json']);
    expect(await run.exited).toBe(0);
    expect(await run.waitFor((event) => 'delivered' in event, 100)).toMatchObject({ delivered: 2, failed: 0 });
    expect(run.stderr()).toContain('"signing":["none","rfc9421 keyid=cli-key"]');

    expect(receiver.requests).toHaveLength(2);
    const signed = receiver.requests.find((request) => request.headers['signature-input'] !== undefined);
    expect(String(signed?.headers['signature-input'])).toContain('keyid="cli-key"');
    expect((await store.get(unsigned.id))?.status).toBe('delivered');
    expect((await store.get(ours.id))?.status).toBe('delivered');
    for (const delivery of untouched) expect(await store.get(delivery.id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('keeps the SSRF guard on unless told otherwise: a loopback http URL fails, exit 1', async () => {
    const { url, store, receiver } = await setUp();
    const delivery = await enqueue(store, receiver.url, { mode: 'none' });
    const run = startCli(['deliveries', 'run', '--store', url, '--until-idle', '--json']);
    expect(await run.exited).toBe(1);
    expect(await run.waitFor((event) => 'failed' in event, 100)).toMatchObject({ delivered: 0, failed: 1 });
    expect(receiver.requests).toHaveLength(0);
    expect((await store.get(delivery.id))?.status).toBe('failed');
  });

  it('runs until SIGTERM, picking up deliveries enqueued meanwhile by another process', async () => {
    const { url, store, receiver } = await setUp();
    const run = startCli(['deliveries', 'run', '--store', url, '--poll-ms', '50', '--unsafe-allow-private-network', '--json']);
    cleanups.push(async () => run.kill());
    await vi.waitFor(() => expect(run.stderr()).toContain('deliveries run: claiming'), { timeout: 10_000 });
    const delivery = await enqueue(store, receiver.url, { mode: 'none' });
    await vi.waitFor(async () => expect((await store.get(delivery.id))?.status).toBe('delivered'), { timeout: 10_000 });
    run.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(await run.waitFor((event) => 'delivered' in event, 100)).toMatchObject({ delivered: 1, failed: 0 });
  });

  it('rejects an unreadable or public --jwk, and a missing store, with exit 2', async () => {
    const { url, dir } = await setUp();
    const missing = startCli(['deliveries', 'run', '--store', url, '--until-idle', '--jwk', join(dir, 'nope.json')]);
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toContain('nope.json: not a readable JSON file');

    const { publicKey } = generateKeyPairSync('ed25519');
    const publicFile = join(dir, 'public.jwk.json');
    writeFileSync(publicFile, JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid: 'pub' }));
    const publicOnly = startCli(['deliveries', 'run', '--store', url, '--until-idle', '--jwk', publicFile]);
    expect({ exit: await publicOnly.exited, stderr: publicOnly.stderr() }).toMatchObject({ exit: 2, stderr: expect.stringContaining('public key') });

    const noStore = startCli(['deliveries', 'run', '--store', `sqlite:${join(dir, 'typo.db')}`, '--until-idle']);
    expect(await noStore.exited).toBe(2);
    expect(noStore.stderr()).toContain('cannot use the delivery store');
  });
});
