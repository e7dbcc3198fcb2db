// @target-uri / @authority canonicalization. Cases follow the AdCP request-signing
// canonicalization conformance set (one per rule) plus the 3.2 trailing-root-dot rule.
import { describe, expect, it } from 'vitest';
import {
  canonicalAuthority,
  canonicalizeUrl,
  canonicalTargetUri,
  TargetUriMalformedError,
} from '../../src/runtime/signing/index.js';

describe('canonicalizeUrl', () => {
  it.each([
    ['scheme lowercased', 'HTTPS://seller.example.com/adcp/create_media_buy', 'https://seller.example.com/adcp/create_media_buy', 'seller.example.com'],
    ['host lowercased', 'https://Seller.Example.COM/p', 'https://seller.example.com/p', 'seller.example.com'],
    ['IDN to ACE', 'https://bücher.example/p', 'https://xn--bcher-kva.example/p', 'xn--bcher-kva.example'],
    ['IDN mixed case (UTS-46 mapping)', 'https://BÜCHER.Example/p', 'https://xn--bcher-kva.example/p', 'xn--bcher-kva.example'],
    ['IPv6 hex lowercased, brackets kept', 'https://[2001:DB8::1]/p', 'https://[2001:db8::1]/p', '[2001:db8::1]'],
    ['IPv6 with port', 'https://[::1]:8443/p', 'https://[::1]:8443/p', '[::1]:8443'],
    ['userinfo stripped', 'https://user:pass@seller.example.com/p', 'https://seller.example.com/p', 'seller.example.com'],
    ['default https port stripped', 'https://seller.example.com:443/a', 'https://seller.example.com/a', 'seller.example.com'],
    ['default http port stripped', 'http://seller.example.com:80/p', 'http://seller.example.com/p', 'seller.example.com'],
    ['443 on http kept', 'http://seller.example.com:443/p', 'http://seller.example.com:443/p', 'seller.example.com:443'],
    ['non-default port kept', 'https://seller.example.com:8443/p', 'https://seller.example.com:8443/p', 'seller.example.com:8443'],
    ['empty port dropped', 'https://seller.example.com:/p', 'https://seller.example.com/p', 'seller.example.com'],
    ['dot segment', 'https://seller.example.com/adcp/./create_media_buy', 'https://seller.example.com/adcp/create_media_buy', 'seller.example.com'],
    ['double-dot segment', 'https://seller.example.com/a/b/../c', 'https://seller.example.com/a/c', 'seller.example.com'],
    ['consecutive slashes kept', 'https://seller.example.com/a//b', 'https://seller.example.com/a//b', 'seller.example.com'],
    ['dot segment before double slash', 'https://seller.example.com/a/.//b', 'https://seller.example.com/a//b', 'seller.example.com'],
    ['double dot across double slash', 'https://seller.example.com/a//../b', 'https://seller.example.com/a/b', 'seller.example.com'],
    ['encoded dot segments', 'https://seller.example.com/a/%2E%2e/b', 'https://seller.example.com/b', 'seller.example.com'],
    ['empty path becomes /', 'https://seller.example.com?x=1', 'https://seller.example.com/?x=1', 'seller.example.com'],
    ['percent hex uppercased', 'https://seller.example.com/path%2fhere', 'https://seller.example.com/path%2Fhere', 'seller.example.com'],
    ['reserved escapes kept', 'https://seller.example.com/a%3Ab%3Fc', 'https://seller.example.com/a%3Ab%3Fc', 'seller.example.com'],
    ['unreserved ~ decoded', 'https://seller.example.com/%7Efoo', 'https://seller.example.com/~foo', 'seller.example.com'],
    ['unreserved ALPHA decoded', 'https://seller.example.com/%41%42C', 'https://seller.example.com/ABC', 'seller.example.com'],
    ['UTF-8 escapes uppercased', 'https://b.example/op_%e2%98%83', 'https://b.example/op_%E2%98%83', 'b.example'],
    ['query byte-preserved', 'https://seller.example.com/p?b=2&a=1&c=3', 'https://seller.example.com/p?b=2&a=1&c=3', 'seller.example.com'],
    ['query + kept', 'https://seller.example.com/p?x=a+b', 'https://seller.example.com/p?x=a+b', 'seller.example.com'],
    ['query escapes untouched', 'https://seller.example.com/p?x=%7e%2f', 'https://seller.example.com/p?x=%7e%2f', 'seller.example.com'],
    ['trailing empty query kept', 'https://seller.example.com/p?', 'https://seller.example.com/p?', 'seller.example.com'],
    ['no query', 'https://seller.example.com/p', 'https://seller.example.com/p', 'seller.example.com'],
    ['fragment dropped', 'https://seller.example.com/p#frag', 'https://seller.example.com/p', 'seller.example.com'],
    ['one trailing root dot removed', 'https://example.com./p', 'https://example.com/p', 'example.com'],
    ['trailing dot on IDN', 'https://bücher.example./p', 'https://xn--bcher-kva.example/p', 'xn--bcher-kva.example'],
    ['trailing dot on A-label', 'https://xn--bcher-kva.example.:8443/p', 'https://xn--bcher-kva.example:8443/p', 'xn--bcher-kva.example:8443'],
  ])('%s', (_rule, input, targetUri, authority) => {
    expect(canonicalizeUrl(input)).toEqual({ targetUri, authority });
    expect(canonicalTargetUri(input)).toBe(targetUri);
    expect(canonicalAuthority(input)).toBe(authority);
  });

  it('is idempotent', () => {
    const once = canonicalTargetUri('HTTPS://Bücher.Example.:443/a/./b/%7e/%2f?q=%2f#x');
    expect(once).toBe('https://xn--bcher-kva.example/a/b/~/%2F?q=%2f');
    expect(canonicalTargetUri(once)).toBe(once);
  });

  it('accepts a URL object', () => {
    expect(canonicalTargetUri(new URL('https://Example.com:443/a?b'))).toBe('https://example.com/a?b');
  });

  it.each([
    ['port without host', 'https://:443/p'],
    ['userinfo without host', 'https://user@/p'],
    ['empty authority', 'https:///p'],
    ['IPv6 missing closing bracket', 'https://[::1/p'],
    ['bare IPv6', 'https://fe80::1/p'],
    ['IPv6 zone identifier', 'https://[fe80::1%25eth0]/p'],
    ['invalid IPv6', 'https://[zz::1]/p'],
    ['two trailing dots', 'https://example.com../p'],
    ['empty label', 'https://a..example/p'],
    ['non-http scheme', 'ftp://example.com/p'],
    ['relative reference', '/just/a/path'],
    ['port out of range', 'https://example.com:70000/p'],
    ['non-numeric port', 'https://example.com:https/p'],
    ['malformed percent-encoding', 'https://example.com/a%2'],
    ['bad hex in percent-encoding', 'https://example.com/a%zz'],
    ['space in path', 'https://example.com/a b'],
    ['raw non-ASCII in path', 'https://example.com/café'],
    ['space in query', 'https://example.com/p?a=b c'],
    ['invalid host character', 'https://exa<mple.com/p'],
  ])('rejects %s', (_name, input) => {
    expect(() => canonicalizeUrl(input)).toThrow(TargetUriMalformedError);
  });

  it('never echoes the URL (its query may hold secrets) in the error', () => {
    try {
      canonicalizeUrl('https://example.com/p?token=s3cr3t value');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cr3t');
      expect((error as TargetUriMalformedError).code).toBe('ADCP_SIGNING_TARGET_URI_MALFORMED');
    }
  });
});
