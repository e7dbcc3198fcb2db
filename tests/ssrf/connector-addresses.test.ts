// How the SSRF-guarded connector uses a resolver's answer: it reads each answer once and connects
// only to the copy it checked, and it tries every validated address (Happy Eyeballs, RFC 8305)
// rather than only the first. Real undici, a real loopback receiver.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDelivery } from '../../src/runtime/delivery/index.js';
import type { SocketConnector } from '../../src/runtime/ssrf/guarded-connector.js';
import type { ResolvedAddress } from '../../src/runtime/ssrf/resolver.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { noSigner } from '../delivery/support/signers.js';

const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';
/** Discard-only prefix (RFC 6666): no route, the connect fails only after the kernel gives up. */
const UNROUTABLE_V6 = '100::1';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

/** An answer entry whose `address` getter answers `first` on the first read and `later` after. */
function shiftingAnswer(first: string, later: string): ResolvedAddress & { reads(): number } {
  let reads = 0;
  return {
    get address() {
      reads += 1;
      return reads === 1 ? first : later;
    },
    family: 4,
    reads: () => reads,
  };
}

/** Records each connect; connects to the loopback receiver only for `reachable`, refuses the rest. */
function connectSpy(reachable: string) {
  const calls: { hostname: string; servername: string | undefined }[] = [];
  const connector: SocketConnector = (options, callback) => {
    calls.push({ hostname: options.hostname, servername: options.servername });
    if (options.hostname !== reachable) {
      setImmediate(() => callback(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), null));
      return;
    }
    const socket: Socket = connect(receiver.port, '127.0.0.1');
    socket.once('connect', () => callback(null, socket));
    socket.once('error', (error) => callback(error, null));
  };
  return { connector, calls };
}

describe('a resolver answer is read once, and the copy is what is checked and connected to', () => {
  it('an address getter answering 127.0.0.1 first and a public address after never reaches the loopback listener', async () => {
    const answer = shiftingAnswer('127.0.0.1', PUBLIC_V4);
    const delivery = createWebhookDelivery({ resolver: async () => [answer], retry: { maxAttempts: 1 } });
    const before = receiver.connections();
    const result = await delivery.deliver({ url: `https://buyer.example:${receiver.port}/hook`, payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    expect(result).toMatchObject({ delivered: false, errorClass: 'ssrf_blocked' });
    expect(receiver.connections()).toBe(before);
    expect(answer.reads()).toBe(1);
  });

  it('a Proxy answer that shifts on every read never reaches the loopback listener', async () => {
    let reads = 0;
    const entry = new Proxy({} as ResolvedAddress, {
      get: (_target, key) => {
        if (key !== 'address') return key === 'family' ? 4 : undefined;
        reads += 1;
        return reads % 2 === 1 ? '127.0.0.1' : PUBLIC_V4;
      },
    });
    const delivery = createWebhookDelivery({ resolver: async () => [entry, entry], retry: { maxAttempts: 1 } });
    const before = receiver.connections();
    const result = await delivery.deliver({ url: `https://buyer.example:${receiver.port}/hook`, payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    expect(result.delivered).toBe(false);
    expect(receiver.connections()).toBe(before);
  });

  it('the reverse trick (public first, 127.0.0.1 after) connects only to the public address it checked', async () => {
    const answer = shiftingAnswer(PUBLIC_V4, '127.0.0.1');
    const spy = connectSpy('none');
    const delivery = createWebhookDelivery({ resolver: async () => [answer], socketConnector: spy.connector, retry: { maxAttempts: 1 } });
    const result = await delivery.deliver({ url: `https://buyer.example:${receiver.port}/hook`, payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    expect(result).toMatchObject({ delivered: false, errorClass: 'connect_error' });
    expect(spy.calls.map((call) => call.hostname)).toEqual([PUBLIC_V4]);
    expect(answer.reads()).toBe(1);
  });

  it('an answer entry whose getter throws is a DNS failure, nothing is connected', async () => {
    const spy = connectSpy(PUBLIC_V4);
    const throwing = {
      get address(): string {
        throw new Error('getter');
      },
      family: 4,
    };
    const delivery = createWebhookDelivery({ resolver: async () => [throwing], socketConnector: spy.connector, retry: { maxAttempts: 1 } });
    const result = await delivery.deliver({ url: 'https://buyer.example/hook', payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    expect(result).toMatchObject({ delivered: false, errorClass: 'dns_failure' });
    expect(spy.calls).toEqual([]);
  });
});

describe('every validated address is tried', () => {
  it('an unroutable IPv6 address, then 127.0.0.1: the loopback receiver is reached (real sockets)', async () => {
    const delivery = createWebhookDelivery({
      unsafeAllowPrivateNetwork: true,
      resolver: async () => [
        { address: UNROUTABLE_V6, family: 6 },
        { address: '127.0.0.1', family: 4 },
      ],
      retry: { maxAttempts: 1 },
    });
    const before = receiver.requests.length;
    const result = await delivery.deliver({ url: `http://buyer.test:${receiver.port}/happy-eyeballs`, payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    expect(result).toMatchObject({ delivered: true, attempts: 1 });
    expect(receiver.requests.slice(before).map((request) => request.url)).toEqual(['/happy-eyeballs']);
  });

  it('a refused address, then 127.0.0.1: the loopback receiver is reached (real sockets)', async () => {
    const delivery = createWebhookDelivery({
      unsafeAllowPrivateNetwork: true,
      resolver: async () => [
        { address: '::1', family: 6 },
        { address: '127.0.0.2', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ],
      retry: { maxAttempts: 1 },
    });
    const result = await delivery.deliver({ url: `http://buyer.test:${receiver.port}/refused-first`, payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    expect(result).toMatchObject({ delivered: true, attempts: 1 });
  });

  it('in the strict policy, every connection goes to an address that passed the deny list, families interleaved', async () => {
    const spy = connectSpy(PUBLIC_V4);
    const delivery = createWebhookDelivery({
      resolver: async () => [
        { address: PUBLIC_V6, family: 6 },
        { address: '2606:4700::1111', family: 6 },
        { address: PUBLIC_V4, family: 4 },
      ],
      socketConnector: spy.connector,
      retry: { maxAttempts: 1 },
    });
    const result = await delivery.deliver({ url: 'https://buyer.example/hook', payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    // The spy hands undici a plain TCP socket to the loopback receiver for the one reachable address.
    expect(result.delivered).toBe(true);
    expect(spy.calls.map((call) => call.hostname)).toEqual([PUBLIC_V6, PUBLIC_V4]);
    expect(spy.calls.every((call) => call.servername === 'buyer.example')).toBe(true);
  });

  it('one denied address among public ones refuses the whole answer: nothing is dialled', async () => {
    const spy = connectSpy(PUBLIC_V4);
    const delivery = createWebhookDelivery({
      resolver: async () => [
        { address: UNROUTABLE_V6, family: 6 },
        { address: PUBLIC_V4, family: 4 },
        { address: '10.0.0.1', family: 4 },
      ],
      socketConnector: spy.connector,
      retry: { maxAttempts: 1 },
    });
    const result = await delivery.deliver({ url: 'https://buyer.example/hook', payload: { n: 1 }, signer: noSigner });
    await delivery.close();
    expect(result).toMatchObject({ delivered: false, errorClass: 'ssrf_blocked' });
    expect(spy.calls).toEqual([]);
  });
});
