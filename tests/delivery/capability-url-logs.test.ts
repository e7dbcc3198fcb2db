// A buyer's webhook URL may be a capability URL: the secret is its path. Log lines show the
// origin and a short stable hash of the path unless the application opts in to full paths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import { redactUrl, type Logger } from '../../src/runtime/logging/logger.js';
import { createInstantClock } from './support/instant-clock.js';
import { noSigner } from './support/signers.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const PATH_SECRET = 'cap_PATH_SECRET_0123456789';

describe('redactUrl', () => {
  it('shows origin and an 8-hex hash of the path, stable and distinct per path, never query or userinfo', () => {
    const shown = redactUrl(`https://user:pw@buyer.example:8443/hooks/${PATH_SECRET}?token=t#frag`);
    expect(shown).toMatch(/^https:\/\/buyer\.example:8443\/…#[0-9a-f]{8}$/);
    expect(redactUrl(`https://buyer.example:8443/hooks/${PATH_SECRET}`)).toBe(shown);
    expect(redactUrl('https://buyer.example:8443/hooks/other')).not.toBe(shown);
    expect(redactUrl('https://buyer.example/')).toBe('https://buyer.example/');
  });

  it('shows the path only on explicit opt-in', () => {
    expect(redactUrl(`https://buyer.example/hooks/${PATH_SECRET}?token=t`, { showPath: true })).toBe(`https://buyer.example/hooks/${PATH_SECRET}`);
  });
});

describe('delivery log lines', () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver((request, response) => {
      if (request.url.includes('/hang')) return;
      response.writeHead(request.url.includes('/fail') ? 503 : 204).end();
    });
  });
  afterAll(() => receiver.close());

  async function run(logUrlPaths: boolean | undefined): Promise<string> {
    const lines: string[] = [];
    const logger: Logger = { log: (level, message, fields) => lines.push(JSON.stringify({ level, message, ...fields })) };
    const delivery = createWebhookDelivery({
      unsafeAllowPrivateNetwork: true,
      logger,
      clock: createInstantClock(),
      retry: { maxAttempts: 2, baseDelayMs: 1 },
      attemptTimeoutMs: 200,
      maxQueue: 2,
      ...(logUrlPaths === undefined ? {} : { logUrlPaths }),
    });
    const base = `http://127.0.0.1:${receiver.port}/hooks/${PATH_SECRET}`;
    const failing = delivery.deliver({ url: `${base}/fail`, payload: { n: 1 }, signer: noSigner });
    const hanging = delivery.deliver({ url: `${base}/hang`, payload: { n: 2 }, signer: noSigner });
    const full = delivery.deliverInBackground({ url: `${base}/ok`, payload: { n: 3 }, signer: noSigner });
    expect(full).toMatchObject({ accepted: false, reason: 'queue_full' });
    await Promise.all([failing, hanging]);
    await delivery.close();
    const text = lines.join('\n');
    for (const event of ['webhook delivery failed', 'retry scheduled', 'queue full']) expect(text, event).toContain(event);
    return text;
  }

  it('"delivery failed", "retry scheduled" and "queue full" never show the path by default', async () => {
    const text = await run(undefined);
    expect(text).not.toContain(PATH_SECRET);
    expect(text).toContain(`http://127.0.0.1:${receiver.port}/…#`);
  });

  it('show the full path (never the query) with logUrlPaths', async () => {
    const text = await run(true);
    expect(text).toContain(`/hooks/${PATH_SECRET}/fail`);
  });
});
