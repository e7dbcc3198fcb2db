// `@target-uri` and `@authority` of a webhook URL as signed: the URL must pass the profile's strict
// checks as given (so `https:///p` is refused rather than repaired), and what is signed is its WHATWG
// serialization, canonicalized: node HTTP clients (undici, node:http) put that on the wire, so it is
// what the receiver sees and canonicalizes. For a valid URI the two only differ in spelling the
// canonicalizer does not touch (an IPv6 literal's zeros, `'` in a query).
//
// A seller signs every attempt to the same few buyer URLs, so results are kept per URL string in a
// small bounded cache (emptied when full); refusals are not cached and throw on every call.
import { TargetUriMalformedError } from './errors.js';
import { canonicalizeUrl, type CanonicalUrl } from './target-uri.js';

const MAX_CACHED_URLS = 1024;
const cache = new Map<string, CanonicalUrl>();

export function signedTargetOf(url: string): CanonicalUrl {
  const cached = cache.get(url);
  if (cached !== undefined) return cached;
  const target = canonicalWireTarget(url);
  if (typeof url === 'string') {
    if (cache.size >= MAX_CACHED_URLS) cache.clear();
    cache.set(url, target);
  }
  return target;
}

function canonicalWireTarget(url: string): CanonicalUrl {
  canonicalizeUrl(url);
  let href: string;
  try {
    href = new URL(url).href;
  } catch {
    throw new TargetUriMalformedError('not a parseable absolute URL');
  }
  return canonicalizeUrl(href);
}
