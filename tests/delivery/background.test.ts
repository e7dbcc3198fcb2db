// deliverInBackground: synchronous admission, bounded concurrency and queue, drain and close.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhookDelivery, type DeliveryResult, type WebhookDeliveryOptions } from '../../src/runtime/delivery/index.js';
import type { Logger } from '../../src/runtime/logging/logger.js';
import { createInstantClock } from './support/instant-clock.js';
import { eventually, startReceiver, type Receiver } from './support/receiver.js';
import { noSigner } from './support/signers.js';

const receivers: Receiver[] = [];
const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const receiver of receivers.splice(0)) await receiver.close();
});

/** A receiver that holds every response until `release()`; tracks how many it holds at once. */
async function gatedReceiver() {
  const held: ServerResponse[] = [];
  let maxHeld = 0;
  const receiver = await startReceiver((_request, response) => {
    held.push(response);
    maxHeld = Math.max(maxHeld, held.length);
  });
  receivers.push(receiver);
  return {
    receiver,
    held: () => held.length,
    maxHeld: () => maxHeld,
    release(status = 204) {
      for (const response of held.splice(0)) response.writeHead(status).end();
    },
  };
}

function runtime(options: WebhookDeliveryOptions = {}) {
  const results: DeliveryResult[] = [];
  const delivery = createWebhookDelivery({
    unsafeAllowPrivateNetwork: true,
    clock: createInstantClock(),
    observer: (result) => results.push(result),
    ...options,
  });
  closers.push(() => delivery.close());
  return { delivery, results };
}

const request = (url: string) => ({ url, payload: { task_id: 't', status: 'completed' }, signer: noSigner });

describe('deliverInBackground', () => {
  it('returns synchronously, before any byte reaches the receiver, and reports through the observer', async () => {
    const gate = await gatedReceiver();
    const { delivery, results } = runtime();
    const acceptance = delivery.deliverInBackground(request(gate.receiver.url));
    expect(acceptance).toMatchObject({ accepted: true });
    expect(acceptance).not.toBeInstanceOf(Promise);
    expect(gate.receiver.connections()).toBe(0);
    expect(delivery.stats()).toMatchObject({ accepted: 1, pending: 1 });

    await eventually(() => gate.held() === 1);
    gate.release();
    await eventually(() => results.length === 1);
    expect(results[0]).toMatchObject({ delivered: true, attempts: 1, finalStatus: 204, ...(acceptance.accepted ? { deliveryId: acceptance.deliveryId, idempotencyKey: acceptance.idempotencyKey } : {}) });
    expect(delivery.stats()).toMatchObject({ delivered: 1, pending: 0, inFlight: 0 });
  });

  it('never runs more than `concurrency` attempts at once', async () => {
    const gate = await gatedReceiver();
    const { delivery, results } = runtime({ concurrency: 3 });
    for (let i = 0; i < 10; i++) delivery.deliverInBackground(request(gate.receiver.url));
    while (results.length < 10) {
      await eventually(() => gate.held() > 0 || results.length === 10);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(delivery.stats().inFlight).toBeLessThanOrEqual(3);
      gate.release();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(gate.maxHeld()).toBe(3);
    expect(results.every((result) => result.delivered)).toBe(true);
  });

  it('refuses beyond maxQueue with queue_full, a counter and one logged error — without blocking', async () => {
    const gate = await gatedReceiver();
    const logs: { level: string; message: string }[] = [];
    const logger: Logger = { log: (level, message) => logs.push({ level, message }) };
    const { delivery, results } = runtime({ maxQueue: 3, logger });
    const acceptances = Array.from({ length: 5 }, () => delivery.deliverInBackground(request(gate.receiver.url)));
    expect(acceptances.map((acceptance) => acceptance.accepted)).toEqual([true, true, true, false, false]);
    expect(acceptances[3]).toMatchObject({ accepted: false, reason: 'queue_full' });
    expect(delivery.stats()).toMatchObject({ accepted: 3, refusedQueueFull: 2, pending: 3 });
    expect(logs.filter((entry) => entry.level === 'error' && /queue full/.test(entry.message))).toHaveLength(2);
    expect(results.filter((result) => result.errorClass === 'queue_full')).toHaveLength(2);

    await eventually(() => gate.held() === 3);
    gate.release();
    await eventually(() => delivery.stats().pending === 0);
    expect(delivery.deliverInBackground(request(gate.receiver.url)).accepted).toBe(true);
  });
});

describe('drain and close', () => {
  it('drain waits for in-flight work and returns nothing undelivered when it all settles', async () => {
    const gate = await gatedReceiver();
    const { delivery } = runtime();
    for (let i = 0; i < 4; i++) delivery.deliverInBackground(request(gate.receiver.url));
    await eventually(() => gate.held() === 4);
    const draining = delivery.drain(5_000);
    setTimeout(() => gate.release(), 30);
    await expect(draining).resolves.toEqual({ timedOut: false, undelivered: [] });
    expect(delivery.stats()).toMatchObject({ delivered: 4, pending: 0 });
    expect(delivery.deliverInBackground(request(gate.receiver.url))).toMatchObject({ accepted: false, reason: 'closed' });
  });

  it('drain returns what was not delivered by the deadline; close then ends those as `closed`', async () => {
    const failing = await startReceiver((_request, response) => response.writeHead(503).end());
    receivers.push(failing);
    const results: DeliveryResult[] = [];
    // Real clock: the retry is a minute away, so the deadline passes first.
    const delivery = createWebhookDelivery({
      unsafeAllowPrivateNetwork: true,
      retry: { baseDelayMs: 60_000, jitter: 0 },
      observer: (result) => results.push(result),
    });
    const accepted = [delivery.deliverInBackground(request(failing.url)), delivery.deliverInBackground(request(failing.url))];
    await eventually(() => failing.requests.length === 2);

    const report = await delivery.drain(100);
    expect(report.timedOut).toBe(true);
    expect(report.undelivered.map((left) => left.deliveryId).sort()).toEqual(
      accepted.map((acceptance) => acceptance.deliveryId).sort(),
    );
    for (const left of report.undelivered) {
      expect(left.attempts).toBe(1);
      expect(left.nextAttemptAt).toBeGreaterThan(Date.now() + 50_000);
    }

    await delivery.close();
    expect(results.map((result) => result.errorClass)).toEqual(['closed', 'closed']);
    expect(failing.requests).toHaveLength(2);
  });

  it('close aborts attempts on the wire promptly', async () => {
    const gate = await gatedReceiver();
    const { delivery } = runtime();
    const pending = delivery.deliver(request(gate.receiver.url));
    await eventually(() => gate.held() === 1);
    const started = Date.now();
    await delivery.close();
    await expect(pending).resolves.toMatchObject({ delivered: false, errorClass: 'closed' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(delivery.stats()).toMatchObject({ pending: 0, inFlight: 0, openSockets: 0 });
  });
});
