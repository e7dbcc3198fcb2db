// Agent URL → brand.json → `agents[]` entry → `jwks_uri` (security.mdx "Webhook callbacks" → JWKS
// discovery, steps 1–3, and "Discovering an agent's signing keys via brand_json_url", steps 3–6).
// The brand.json fetch follows no HTTP redirect; a redirect *document* (`authoritative_location`
// or the `house` redirect variant) is followed once. The document is cached (a success up to the
// cache TTL, a failure for at most the negative-cache time); the origin binding is judged on every
// lookup, because operator delegations carry validity windows.
import { redactUrl } from '../../logging/logger.js';
import { DiscoveryContext, fetchFailureDetail, MAX_BRAND_JSON_BYTES } from './discovery-context.js';
import { operatorDomainsAt, parseStrictJson, readBrandJson, type BrandJsonDocument } from './documents.js';
import { bindAgentToBrandJson } from './origin-binding.js';
import { originOf } from './revocation-list.js';

export type BrandResolution =
  | { readonly ok: true; readonly jwksUri: string }
  | { readonly ok: false; readonly detail: string };

type DocumentRead =
  | { readonly ok: true; readonly brandJson: BrandJsonDocument; readonly url: string }
  | { readonly ok: false; readonly detail: string };

interface DocumentEntry {
  readonly read: DocumentRead;
  readonly until: number;
}

export class BrandResolver {
  readonly #documents = new Map<string, DocumentEntry>();

  constructor(private readonly context: DiscoveryContext) {}

  /** Resolves `agentUrl`'s `jwks_uri` through the brand.json at `brandJsonUrl`, as of `now`. */
  async resolve(agentUrl: string, brandJsonUrl: string, now: number, ttlSeconds: number): Promise<BrandResolution> {
    const document = await this.#cachedDocument(brandJsonUrl, now, ttlSeconds);
    const answer = document.ok ? resolveInDocument(agentUrl, brandJsonUrl, document, now) : document;
    if (!answer.ok) this.context.warn('webhook key discovery: brand.json resolution failed', { detail: answer.detail });
    return answer;
  }

  async #cachedDocument(brandJsonUrl: string, now: number, ttlSeconds: number): Promise<DocumentRead> {
    const cached = this.#documents.get(brandJsonUrl);
    if (cached !== undefined && now < cached.until) return cached.read;
    const read = await this.#document(brandJsonUrl);
    this.#documents.set(brandJsonUrl, { read, until: now + (read.ok ? ttlSeconds : this.context.bounds.negativeSeconds) });
    return read;
  }

  async #document(brandJsonUrl: string): Promise<DocumentRead> {
    const first = await this.#fetchBrandJson(brandJsonUrl);
    if (!first.ok || first.brandJson.redirectTo === undefined) return first;
    const second = await this.#fetchBrandJson(first.brandJson.redirectTo);
    if (second.ok && second.brandJson.redirectTo !== undefined) {
      return { ok: false, detail: `brand_json_malformed: ${redactUrl(second.url)}: a second brand.json redirect (one is followed)` };
    }
    return second;
  }

  async #fetchBrandJson(url: string): Promise<DocumentRead> {
    const outcome = await this.context.fetch(url, MAX_BRAND_JSON_BYTES);
    if (!outcome.ok) {
      const code = outcome.kind === 'too_large' ? 'brand_json_malformed' : 'brand_json_unreachable';
      return { ok: false, detail: fetchFailureDetail(code, url, outcome, MAX_BRAND_JSON_BYTES) };
    }
    const parsed = parseStrictJson(outcome.body);
    const brandJson = parsed.ok ? readBrandJson(parsed.value) : undefined;
    if (brandJson === undefined) {
      return { ok: false, detail: `brand_json_malformed: ${redactUrl(url)}: ${parsed.ok ? 'not a JSON object' : parsed.reason}` };
    }
    return { ok: true, brandJson, url };
  }
}

function resolveInDocument(
  agentUrl: string,
  brandJsonUrl: string,
  document: Extract<DocumentRead, { ok: true }>,
  now: number,
): BrandResolution {
  const binding = bindAgentToBrandJson(agentUrl, brandJsonUrl, operatorDomainsAt(document.brandJson.authorizedOperators, now));
  if (!binding.ok) {
    return {
      ok: false,
      detail:
        `brand_origin_mismatch: agent eTLD+1 ${binding.agentEtld1 ?? '(none)'} differs from brand.json eTLD+1 ` +
        `${binding.brandJsonEtld1 ?? '(none)'} and is not in authorized_operators`,
    };
  }
  const matches = document.brandJson.agents.filter((entry) => entry.url === agentUrl);
  if (matches.length === 0) {
    return { ok: false, detail: `agent_not_in_brand_json: no agents[] url byte-equals the agent URL in ${redactUrl(document.url)}` };
  }
  if (matches.length > 1) {
    return { ok: false, detail: `brand_json_ambiguous: ${matches.length} agents[] entries match the agent URL in ${redactUrl(document.url)}` };
  }
  return jwksUriOf(agentUrl, matches[0]!.jwksUri);
}

function jwksUriOf(agentUrl: string, declared: string | undefined): BrandResolution {
  if (declared !== undefined) {
    return declared.startsWith('https://')
      ? { ok: true, jwksUri: declared }
      : { ok: false, detail: 'jwks_untrusted: the agents[] entry declares a jwks_uri that is not https' };
  }
  const origin = originOf(agentUrl);
  return origin === undefined
    ? { ok: false, detail: 'agent_not_in_brand_json: the agent URL has no origin' }
    : { ok: true, jwksUri: `${origin}/.well-known/jwks.json` };
}

/** The operator brand.json of an agent when none is configured: `/.well-known/brand.json` at its eTLD+1. */
export function defaultBrandJsonUrl(registrableDomain: string): string {
  return `https://${registrableDomain}/.well-known/brand.json`;
}
