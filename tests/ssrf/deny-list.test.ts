import { describe, expect, it } from 'vitest';
import { isDeniedAddress } from '../../src/runtime/ssrf/deny-list.js';
import { isLocalHostName } from '../../src/runtime/ssrf/host-names.js';
import { checkTargetUrl } from '../../src/runtime/ssrf/target-url.js';
import { HARDENED_WEBHOOK_PORTS, resolveSsrfPolicy } from '../../src/runtime/ssrf/policy.js';

describe('isDeniedAddress', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', '0.0.0.0/8'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'CGNAT'],
    ['100.100.100.200', 'Alibaba metadata (CGNAT)'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback /8'],
    ['169.254.169.254', 'link-local metadata'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private /12 end'],
    ['192.168.0.1', 'private'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['198.18.0.1', 'benchmarking'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['168.63.129.16', 'Azure WireServer'],
    ['::', 'unspecified v6'],
    ['::1', 'loopback v6'],
    ['::127.0.0.1', 'IPv4-compatible'],
    ['::8.8.8.8', 'IPv4-compatible (deprecated form, any)'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:8.8.8.8', 'IPv4-mapped (whole range denied)'],
    ['::ffff:0:a00:1', 'IPv4-translated'],
    ['64:ff9b::7f00:1', 'NAT64 of loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 of metadata'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2002:a00:1::', '6to4 of 10.0.0.1'],
    ['2002:7f00:1::1', '6to4 of loopback'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'Teredo client 127.0.0.1'],
    ['2001:0:7f00:1::1', 'Teredo server 127.0.0.1'],
    ['2001:db8::1', 'documentation v6'],
    ['100::1', 'discard-only'],
    ['fc00::1', 'ULA'],
    ['fd00:ec2::254', 'AWS metadata v6'],
    ['fe80::1', 'link-local v6'],
    ['fe80::1%eth0', 'link-local with zone'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast v6'],
    ['not-an-ip', 'unparseable (fail closed)'],
    ['', 'empty (fail closed)'],
  ])('denies %s (%s)', (address) => {
    expect(isDeniedAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '64:ff9b::808:808', '2002:808:808::1', '2001:4860:4860::8888'])(
    'allows public %s',
    (address) => {
      expect(isDeniedAddress(address)).toBe(false);
    },
  );
});

describe('isLocalHostName', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'a.b.localhost', 'printer.local', 'metadata.google.internal', 'nas.home.arpa', 'localhost.localdomain'])(
    'treats %s as local',
    (name) => expect(isLocalHostName(name)).toBe(true),
  );
  it.each(['example.com', 'localhost.example.com', 'internal.example', 'mylocal'])('treats %s as public', (name) => {
    expect(isLocalHostName(name)).toBe(false);
  });
});

describe('checkTargetUrl', () => {
  const strict = resolveSsrfPolicy();
  const hardened = resolveSsrfPolicy({ allowedPorts: HARDENED_WEBHOOK_PORTS });

  it('accepts a public https URL on any port by default, keeping the query for the request line', () => {
    const check = checkTargetUrl('https://buyer.example:9443/hooks/x?op=1#frag', strict);
    expect(check).toMatchObject({ ok: true, target: { origin: 'https://buyer.example:9443', path: '/hooks/x?op=1' } });
  });

  it.each([
    ['not a url', 'invalid_url'],
    ['ftp://buyer.example/x', 'invalid_url'],
    ['https://user:pass@buyer.example/x', 'invalid_url'],
    ['https://user@buyer.example/x', 'invalid_url'],
    ['http://buyer.example/x', 'ssrf_blocked'],
    ['https://127.0.0.1/x', 'ssrf_blocked'],
    ['https://0x7f000001/x', 'ssrf_blocked'],
    ['https://[::ffff:10.0.0.1]/x', 'ssrf_blocked'],
    ['https://localhost./x', 'ssrf_blocked'],
  ])('refuses %s as %s', (url, errorClass) => {
    expect(checkTargetUrl(url, strict)).toEqual({ ok: false, errorClass });
  });

  it('the hardened port set allows 443 and 8443 only', () => {
    expect(checkTargetUrl('https://buyer.example/x', hardened).ok).toBe(true);
    expect(checkTargetUrl('https://buyer.example:8443/x', hardened).ok).toBe(true);
    expect(checkTargetUrl('https://buyer.example:9443/x', hardened)).toEqual({ ok: false, errorClass: 'ssrf_blocked' });
  });

  it('the unsafe mode allows http and loopback but still refuses userinfo', () => {
    const unsafe = resolveSsrfPolicy({ unsafeAllowPrivateNetwork: true });
    expect(checkTargetUrl('http://127.0.0.1:8080/x', unsafe).ok).toBe(true);
    expect(checkTargetUrl('http://u:p@127.0.0.1:8080/x', unsafe).ok).toBe(false);
  });
});
