// `@target-uri` and `@authority` canonicalization for the AdCP RFC 9421 profile (security.mdx
// "AdCP RFC 9421 profile"; AdCP URL canonicalization, RFC 3986 §6.2.2–6.2.3):
//   scheme and host lowercased, IDN → ACE (UTS-46 non-transitional), userinfo dropped, exactly one
//   trailing root dot removed, default port removed, percent-encoding hex uppercased and encoded
//   unreserved characters decoded in the path, dot segments removed, empty path → "/", query kept
//   byte for byte, fragment dropped. IPv6 literals keep their brackets; zone identifiers, bare IPv6
//   and empty hosts are rejected. The URL is parsed by hand (RFC 3986 appendix B), not by WHATWG
//   `URL`, which would silently repair inputs (`https:///p` → `https://p/`) the profile rejects.
import { isIPv6 } from 'node:net';
import { domainToASCII } from 'node:url';
import { TargetUriMalformedError } from './errors.js';

export interface CanonicalUrl {
  /** The `@target-uri` component value. */
  readonly targetUri: string;
  /** The `@authority` component value: `host[:port]`. */
  readonly authority: string;
}

const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };
const URI_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#.*)?$/s;
// RFC 3986 pchar / query characters (unreserved, sub-delims, ':', '@', '/', '?', '%' for escapes).
const PATH_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const QUERY_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
const REG_NAME_FORBIDDEN = /[\s%/?#@[\]\\<>"^`{|}\u0000-\u001f\u007f]/;

/** `@target-uri` for `url`. Throws `TargetUriMalformedError` (never echoing the URL). */
export function canonicalTargetUri(url: string | URL): string {
  return canonicalizeUrl(url).targetUri;
}

/** `@authority` for `url`: lowercase `host[:port]`, default port stripped, IPv6 brackets kept. */
export function canonicalAuthority(url: string | URL): string {
  return canonicalizeUrl(url).authority;
}

export function canonicalizeUrl(url: string | URL): CanonicalUrl {
  const text = typeof url === 'string' ? url : url.href;
  const parts = URI_PARTS.exec(text);
  if (parts === null) throw new TargetUriMalformedError('not an absolute URI');
  const [, rawScheme = '', rawAuthority, rawPath = '', query] = parts;
  const scheme = rawScheme.toLowerCase();
  const defaultPort = DEFAULT_PORTS[scheme];
  if (defaultPort === undefined) throw new TargetUriMalformedError('scheme must be http or https');
  if (rawAuthority === undefined || rawAuthority === '') throw new TargetUriMalformedError('empty authority');
  const authority = canonicalHostPort(rawAuthority, defaultPort);
  const path = canonicalPath(rawPath);
  if (query !== undefined && !QUERY_CHARS.test(query)) {
    throw new TargetUriMalformedError('query contains characters that must be percent-encoded');
  }
  const targetUri = `${scheme}://${authority}${path}${query === undefined ? '' : `?${query}`}`;
  return { targetUri, authority };
}

function canonicalHostPort(rawAuthority: string, defaultPort: string): string {
  const hostPort = rawAuthority.slice(rawAuthority.lastIndexOf('@') + 1);
  const { host, port } = splitHostPort(hostPort);
  const canonicalHost = host.startsWith('[') ? canonicalIpv6(host) : canonicalRegName(host);
  if (port === '' || port === undefined) return canonicalHost;
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) throw new TargetUriMalformedError('invalid port');
  const normalizedPort = String(Number(port));
  return normalizedPort === defaultPort ? canonicalHost : `${canonicalHost}:${normalizedPort}`;
}

function splitHostPort(hostPort: string): { host: string; port: string | undefined } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    if (close === -1) throw new TargetUriMalformedError('IPv6 literal is missing its closing bracket');
    const rest = hostPort.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw new TargetUriMalformedError('unexpected text after IPv6 literal');
    return { host: hostPort.slice(0, close + 1), port: rest === '' ? undefined : rest.slice(1) };
  }
  const colons = hostPort.split(':').length - 1;
  if (colons > 1) throw new TargetUriMalformedError('IPv6 literal must be bracketed');
  const colon = hostPort.indexOf(':');
  if (colon === -1) return { host: hostPort, port: undefined };
  return { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

function canonicalIpv6(bracketed: string): string {
  const address = bracketed.slice(1, -1);
  if (address.includes('%')) throw new TargetUriMalformedError('IPv6 zone identifiers are not allowed');
  if (!isIPv6(address)) throw new TargetUriMalformedError('invalid IPv6 literal');
  return `[${address.toLowerCase()}]`;
}

function canonicalRegName(host: string): string {
  if (host === '') throw new TargetUriMalformedError('authority has no host');
  if (REG_NAME_FORBIDDEN.test(host)) throw new TargetUriMalformedError('host contains invalid characters');
  const withoutRootDot = host.endsWith('.') ? host.slice(0, -1) : host;
  if (withoutRootDot === '' || withoutRootDot.split('.').some((label) => label === '')) {
    throw new TargetUriMalformedError('host has an empty label');
  }
  const ascii = domainToASCII(withoutRootDot);
  if (ascii === '') throw new TargetUriMalformedError('host is not a valid domain name');
  return ascii;
}

function canonicalPath(rawPath: string): string {
  if (!PATH_CHARS.test(rawPath)) throw new TargetUriMalformedError('path contains characters that must be percent-encoded');
  const normalized = normalizePercentEncoding(rawPath);
  const withoutDots = removeDotSegments(normalized);
  return withoutDots === '' ? '/' : withoutDots;
}

/** Uppercases `%xx` hex and decodes escapes of unreserved characters (RFC 3986 §6.2.2.1–2). */
function normalizePercentEncoding(path: string): string {
  return path.replace(/%(.{0,2})/gs, (_match, hex: string) => {
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new TargetUriMalformedError('malformed percent-encoding in path');
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /^[A-Za-z0-9\-._~]$/.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/** RFC 3986 §5.2.4 remove_dot_segments; consecutive slashes are kept. */
function removeDotSegments(path: string): string {
  let input = path;
  const output: string[] = [];
  while (input !== '') {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) {
      input = input.slice(3);
      output.pop();
    } else if (input === '/..') {
      input = '/';
      output.pop();
    } else if (input === '.' || input === '..') input = '';
    else {
      const next = input.indexOf('/', input.startsWith('/') ? 1 : 0);
      const segment = next === -1 ? input : input.slice(0, next);
      output.push(segment);
      input = next === -1 ? '' : input.slice(next);
    }
  }
  return output.join('');
}
