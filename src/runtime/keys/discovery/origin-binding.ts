// Origin binding between an agent URL and the brand.json that declares it (security.mdx
// "Discovering an agent's signing keys via brand_json_url", step 3): the two hosts' eTLD+1 must
// be equal, or the brand.json's `authorized_operators[]` must list the agent's eTLD+1. eTLD+1 is
// computed from the Public Suffix List snapshot bundled in the exact-pinned `tldts` release (ICANN
// and PRIVATE sections both in scope), never from a list fetched at run time.
import { getDomain } from 'tldts';

/** ASCII-lowercase A-label form of a URL's host (WHATWG URL parsing applies IDNA), or undefined. */
export function canonicalHost(url: string): string | undefined {
  try {
    const hostname = new URL(url).hostname;
    return hostname === '' ? undefined : hostname.toLowerCase().replace(/\.$/, '');
  } catch {
    return undefined;
  }
}

/** The registrable domain (eTLD+1) of a URL's host; undefined for IP literals and bare suffixes. */
export function registrableDomainOf(url: string): string | undefined {
  const host = canonicalHost(url);
  if (host === undefined) return undefined;
  return getDomain(host, { allowPrivateDomains: true, extractHostname: false }) ?? undefined;
}

/** A domain as written in brand.json, in the same canonical form as `canonicalHost`. */
export function canonicalDomain(domain: string): string | undefined {
  return canonicalHost(`https://${domain}/`);
}

export type OriginBinding =
  | { readonly ok: true; readonly via: 'same_etld1' | 'authorized_operator' }
  | { readonly ok: false; readonly agentEtld1: string | undefined; readonly brandJsonEtld1: string | undefined };

/** Judges step 3 for an agent URL, the brand.json URL and that document's operator domains. */
export function bindAgentToBrandJson(
  agentUrl: string,
  brandJsonUrl: string,
  authorizedOperatorDomains: readonly string[],
): OriginBinding {
  const agentEtld1 = registrableDomainOf(agentUrl);
  const brandJsonEtld1 = registrableDomainOf(brandJsonUrl);
  if (agentEtld1 !== undefined && agentEtld1 === brandJsonEtld1) return { ok: true, via: 'same_etld1' };
  if (agentEtld1 !== undefined && authorizedOperatorDomains.some((domain) => canonicalDomain(domain) === agentEtld1)) {
    return { ok: true, via: 'authorized_operator' };
  }
  return { ok: false, agentEtld1, brandJsonEtld1 };
}
