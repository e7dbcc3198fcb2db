// The SSRF guard, end to end through the delivery runtime in its default (safe) mode. The socket
// connector under the guard is a spy that would connect to a real loopback receiver whatever
// address it is given — so if any hostile target slipped through, the receiver would count a
// connection. None may: every target must be refused before a byte is sent.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDelivery, type WebhookDelivery } from '../../src/runtime/delivery/index.js';
import type { Logger } from '../../src/runtime/logging/logger.js';
import type { ResolvedAddress } from '../../src/runtime/ssrf/resolver.js';
import type { SocketConnector } from '../../src/runtime/ssrf/guarded-connector.js';
import { startReceiver, type Receiver } from '../delivery/support/receiver.js';
import { noSigner } from '../delivery/support/signers.js';

const PUBLIC_V4 = '93.184.216.34';

const DNS: Record<string, readonly string[]> = {
  'private.example': ['10.0.0.5'],
  'metadata.example': ['169.254.169.254'],
  'cgnat.example': ['100.64.1.1'],
  'loopback6.example': ['::1'],
  'ula.example': ['fd12:3456::1'],
  'mapped.example': ['::ffff:10.0.0.1'],
  'nat64.example': ['64:ff9b::a9fe:a9fe'],
  'mixed.example': [PUBLIC_V4, '192.168.0.10'],
  'mixed6.example': ['2606:4700::1', 'fe80::1'],
};

function fakeResolver(table: Record<string, readonly string[]>) {
  const calls: string[] = [];
  const resolver = async (hostname: string): Promise<readonly ResolvedAddress[]> => {
    calls.push(hostname);
    const addresses = table[hostname.replace(/\.$/, '')]; // like DNS: a trailing root dot names the same host
    if (addresses === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return { resolver, calls };
}

interface ConnectSpy {
  readonly connector: SocketConnector;
  readonly calls: { hostname: string; servername: string | undefined; port: string }[];
}

/** Records each connect and opens a plain TCP socket to the loopback receiver instead. */
function connectSpy(receiver: Receiver): ConnectSpy {
  const calls: ConnectSpy['calls'] = [];
  const connector: SocketConnector = (options, callback) => {
    calls.push({ hostname: options.hostname, servername: options.servername, port: options.port });
    const socket: Socket = connect(receiver.port, '127.0.0.1');
    socket.once('connect', () => callback(null, socket));
    socket.once('error', (error) => callback(error, null));
  };
  return { connector, calls };
}

const HOSTILE_TARGETS: readonly string[] = [
  // IPv4 literals in every deny range, and in the spellings WHATWG URL normalizes
  'https://127.0.0.1/hook',
  'https://127.1/hook',
  'https://2130706433/hook',
  'https://0x7f000001/hook',
  'https://0177.0.0.1/hook',
  'https://0x7f.0.0.1/hook',
  'https://017700000001/hook',
  'https://%31%32%37.0.0.1/hook',
  'https://10.0.0.1/hook',
  'https://172.16.5.4/hook',
  'https://192.168.1.1/hook',
  'https://100.64.0.1/hook',
  'https://169.254.169.254/latest/meta-data/',
  'https://0.0.0.0/hook',
  'https://255.255.255.255/hook',
  'https://224.0.0.1/hook',
  'https://240.0.0.1/hook',
  // IPv6 literals, including IPv4 embedded in IPv6
  'https://[::1]/hook',
  'https://[::]/hook',
  'https://[::ffff:127.0.0.1]/hook',
  'https://[::ffff:169.254.169.254]/hook',
  'https://[::127.0.0.1]/hook',
  'https://[64:ff9b::a9fe:a9fe]/hook',
  'https://[2002:7f00:1::]/hook',
  'https://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook',
  'https://[fe80::1]/hook',
  'https://[fc00::1]/hook',
  'https://[fd00:ec2::254]/hook',
  'https://[ff02::1]/hook',
  // local names, refused without resolving
  'https://localhost/hook',
  'https://localhost./hook',
  'https://LOCALHOST:8443/hook',
  'https://api.localhost/hook',
  'https://metadata.google.internal/computeMetadata/v1/',
  // names resolving into denied ranges (any one denied address is enough)
  'https://private.example/hook',
  'https://metadata.example/hook',
  'https://cgnat.example/hook',
  'https://loopback6.example/hook',
  'https://ula.example/hook',
  'https://mapped.example/hook',
  'https://nat64.example/hook',
  'https://mixed.example/hook',
  'https://mixed6.example/hook',
  'https://private.example./hook',
  // plain http in safe mode
  'http://public.example/hook',
];

describe('SSRF table: hostile targets are refused before a byte is sent', () => {
  let receiver: Receiver;
  let spy: ConnectSpy;
  let delivery: WebhookDelivery;
  const logs: string[] = [];
  const logger: Logger = { log: (level, message, fields) => logs.push(JSON.stringify({ level, message, ...fields })) };

  beforeAll(async () => {
    receiver = await startReceiver();
    spy = connectSpy(receiver);
    delivery = createWebhookDelivery({
      resolver: fakeResolver({ ...DNS, 'public.example': [PUBLIC_V4] }).resolver,
      socketConnector: spy.connector,
      logger,
      retry: { maxAttempts: 1 },
    });
  });

  afterAll(async () => {
    await delivery.close();
    await receiver.close();
  });

  it(`has at least 30 targets (${HOSTILE_TARGETS.length})`, () => {
    expect(HOSTILE_TARGETS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(HOSTILE_TARGETS)('refuses %s', async (url) => {
    const result = await delivery.deliver({ url, payload: { task_id: 't', status: 'completed' }, signer: noSigner });
    expect(result).toMatchObject({ delivered: false, errorClass: 'ssrf_blocked', errorMessage: 'the webhook destination is not allowed' });
    expect(result.finalStatus).toBeUndefined();
    expect(spy.calls).toEqual([]);
    expect(receiver.connections()).toBe(0);
  });

  it('never names a resolved address in results or logs', async () => {
    const result = await delivery.deliver({ url: 'https://private.example/hook', payload: { a: 1 }, signer: noSigner });
    expect(JSON.stringify(result)).not.toContain('10.0.0.5');
    expect(logs.join('\n')).not.toContain('10.0.0.5');
    expect(logs.join('\n')).not.toContain('192.168.0.10');
  });
});

describe('the connection is pinned to the validated address', () => {
  it('DNS rebinding: public at validation, private afterwards — the socket goes to the public address, then the name is refused', async () => {
    const receiver = await startReceiver();
    const spy = connectSpy(receiver);
    let lookups = 0;
    const rebinding = async (): Promise<readonly ResolvedAddress[]> => {
      lookups += 1;
      return lookups === 1 ? [{ address: PUBLIC_V4, family: 4 }] : [{ address: '127.0.0.1', family: 4 }];
    };
    const first = createWebhookDelivery({ resolver: rebinding, socketConnector: spy.connector, retry: { maxAttempts: 1 } });
    const delivered = await first.deliver({ url: 'https://rebind.example/hook?x=1', payload: { a: 1 }, signer: noSigner });
    await first.close();

    expect(delivered).toMatchObject({ delivered: true, attempts: 1 });
    expect(lookups).toBe(1);
    expect(spy.calls).toEqual([{ hostname: PUBLIC_V4, servername: 'rebind.example', port: '' }]);
    expect(receiver.requests[0]?.headers.host).toBe('rebind.example');
    expect(receiver.requests[0]?.url).toBe('/hook?x=1');

    const second = createWebhookDelivery({ resolver: rebinding, socketConnector: spy.connector, retry: { maxAttempts: 1 } });
    const refused = await second.deliver({ url: 'https://rebind.example/hook', payload: { a: 1 }, signer: noSigner });
    await second.close();
    expect(refused).toMatchObject({ delivered: false, errorClass: 'ssrf_blocked' });
    expect(spy.calls).toHaveLength(1);
    expect(receiver.connections()).toBe(1);
    await receiver.close();
  });

  it('a public name on a non-default port connects to the validated IP with SNI from the URL', async () => {
    const receiver = await startReceiver();
    const spy = connectSpy(receiver);
    const { resolver } = fakeResolver({ 'buyer.example': [PUBLIC_V4, '2606:4700::1'] });
    const delivery = createWebhookDelivery({ resolver, socketConnector: spy.connector });
    const result = await delivery.deliver({ url: 'https://Buyer.Example:9443/hook', payload: { a: 1 }, signer: noSigner });
    await delivery.close();
    await receiver.close();
    expect(result.delivered).toBe(true);
    expect(spy.calls).toEqual([{ hostname: PUBLIC_V4, servername: 'buyer.example', port: '9443' }]);
    expect(receiver.requests[0]?.headers.host).toBe('buyer.example:9443');
  });

  it('the hardened port set refuses other ports', async () => {
    const receiver = await startReceiver();
    const spy = connectSpy(receiver);
    const { resolver } = fakeResolver({ 'buyer.example': [PUBLIC_V4] });
    const delivery = createWebhookDelivery({ resolver, socketConnector: spy.connector, allowedPorts: [443, 8443] });
    const refused = await delivery.deliver({ url: 'https://buyer.example:9443/hook', payload: { a: 1 }, signer: noSigner });
    const allowed = await delivery.deliver({ url: 'https://buyer.example:8443/hook', payload: { a: 1 }, signer: noSigner });
    await delivery.close();
    await receiver.close();
    expect(refused).toMatchObject({ delivered: false, errorClass: 'ssrf_blocked' });
    expect(allowed.delivered).toBe(true);
    expect(spy.calls.map((call) => call.port)).toEqual(['8443']);
  });
});
