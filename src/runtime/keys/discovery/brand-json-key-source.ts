// The webhook key source that finds a seller's keys the way security.mdx "Webhook callbacks" →
// JWKS discovery says: agent URL → operator brand.json (origin-bound by eTLD+1, or delegated via
// `authorized_operators`) → the `agents[]` entry byte-equal to the agent URL → its `jwks_uri` →
// the key named by `keyid`, with an optional publisher pin, and its revocation state from the
// operator's signed revocation list.
import { AdcpError } from '../../errors/adcp-error.js';
import type { Logger } from '../../logging/logger.js';
import type { PublicJwk } from '../jwk.js';
import type { KeyRevocationState, WebhookKeyLookup, WebhookKeyQuery, WebhookKeySource } from '../webhook-key-source.js';
import { BrandResolver, defaultBrandJsonUrl } from './brand-resolution.js';
import { DiscoveryContext, MAX_NEGATIVE_CACHE_SECONDS } from './discovery-context.js';
import { createDiscoveryFetcher, type DiscoveryFetcher, type DiscoveryFetchOptions } from './guarded-fetch.js';
import { JwksCache } from './jwks-cache.js';
import { registrableDomainOf } from './origin-binding.js';
import { PublisherPins } from './publisher-pins.js';
import { originOf, REVOCATION_POLL_CEILING_SECONDS, REVOCATION_POLL_FLOOR_SECONDS } from './revocation-list.js';
import { RevocationPoller } from './revocation-poller.js';

/** One seller agent whose webhooks the receiver accepts. */
export interface BrandJsonAgent {
  /** The agent URL exactly as its brand.json `agents[]` entry spells it (compared byte for byte). */
  readonly agentUrl: string;
  /**
   * The operator's brand.json, e.g. the agent's `identity.brand_json_url`. Default:
   * `https://{eTLD+1 of agentUrl}/.well-known/brand.json`.
   */
  readonly brandJsonUrl?: string;
  /**
   * A publisher's adagents.json whose `signing_keys` pin for this agent is authoritative. Only for
   * sell-side webhook delivery (security.mdx "Discovering an agent's signing keys via
   * brand_json_url", step 6); the pin's JWK is what the lookup returns.
   */
  readonly publisherAdagentsUrl?: string;
  /**
   * The signed revocation list. Default: `/.well-known/governance-revocations.json` at the
   * brand.json origin, the combined list of security.mdx "Transport revocation".
   */
  readonly revocationListUrl?: string;
}

/**
 * Options of {@link brandJsonKeySource}: which seller agents, network limits, cache lifetimes and the revocation
 * policy (building/by-layer/L1/security.mdx — Discovering an agent's signing keys via `brand_json_url`, Transport revocation).
 */
export interface BrandJsonKeySourceOptions {
  /** The seller agents; or use `agentUrl` (with `brandJsonUrl`) for a single one. */
  readonly agents?: readonly BrandJsonAgent[];
  readonly agentUrl?: string;
  readonly brandJsonUrl?: string;
  /** Network options: SSRF policy, resolver, TLS, connect/total deadlines (defaults 5 s / 10 s). */
  readonly fetch?: DiscoveryFetchOptions;
  /**
   * Upper bound of every positive cache entry, seconds (default 300). The revocation list's polling
   * interval bounds it further, and 1,800 s (the polling ceiling) always does.
   */
  readonly cacheTtlSeconds?: number;
  /** How long a failed fetch is remembered, seconds (default 30, at most 60). */
  readonly negativeCacheSeconds?: number;
  /**
   * `'required'` (default): a key whose revocation list cannot be fetched and verified answers
   * `stale`, failing closed. `'off'`: no list is consulted and every key answers `valid`.
   */
  readonly revocation?: 'required' | 'off';
  /** Receives discovery failures (codes, redacted URLs, statuses; never key material). */
  readonly logger?: Logger;
  /** Replaces the guarded network layer; tests only. */
  readonly fetcher?: DiscoveryFetcher;
}

/** A key source holding network resources: `close()` releases its connection pool. */
export interface BrandJsonKeySource extends WebhookKeySource {
  close(): Promise<void>;
}

/** The key-source configuration is unusable (no agent, a non-https URL, a bad bound). */
export class KeySourceConfigError extends AdcpError<'ADCP_KEYS_CONFIG_INVALID'> {
  constructor(reason: string) {
    super('ADCP_KEYS_CONFIG_INVALID', `brand.json key source configuration is invalid: ${reason}`);
  }
}

interface ResolvedAgent {
  readonly agentUrl: string;
  readonly brandJsonUrl: string;
  readonly publisherAdagentsUrl?: string;
  readonly revocationListUrl: string;
  readonly acceptedIssuers: readonly string[];
}

type AgentKey =
  | { readonly ok: true; readonly jwk: PublicJwk; readonly pinRevokedAt?: number }
  | { readonly ok: false; readonly detail: string };

/**
 * Creates a `WebhookKeySource` that discovers seller keys through brand.json (security.mdx
 * "Webhook callbacks" → JWKS discovery; "Discovering an agent's signing keys via brand_json_url";
 * "Transport revocation"). Every fetch goes through the SSRF guard (https only, pinned address, no
 * redirects, 64 KiB JWKS and 256 KiB brand.json caps, connect and total deadlines). A kid miss
 * refetches the JWKS once, then not again for 30 s per `jwks_uri`. Throws `KeySourceConfigError`
 * on bad options; `lookup` never throws and fails closed with `webhook_signature_key_unknown`,
 * its `detail` starting with the discovery-chain code (`brand_origin_mismatch`,
 * `agent_not_in_brand_json`, `jwks_untrusted`, `key_unknown`, …).
 */
export function brandJsonKeySource(options: BrandJsonKeySourceOptions): BrandJsonKeySource {
  const agents = resolveAgents(options);
  const ttlCeiling = boundedSeconds(options.cacheTtlSeconds ?? 300, 1, REVOCATION_POLL_CEILING_SECONDS, 'cacheTtlSeconds');
  const negativeSeconds = boundedSeconds(options.negativeCacheSeconds ?? 30, 0, MAX_NEGATIVE_CACHE_SECONDS, 'negativeCacheSeconds');
  const context = new DiscoveryContext(options.fetcher ?? createDiscoveryFetcher(options.fetch), { ttlSeconds: ttlCeiling, negativeSeconds }, options.logger);
  const brands = new BrandResolver(context);
  const jwks = new JwksCache(context);
  const pins = new PublisherPins(context);
  const revocations = new RevocationPoller(context);
  const checkRevocation = options.revocation !== 'off';

  // Until the agent's list has been read its interval is unknown, so the polling floor bounds TTLs.
  function ttlFor(agent: ResolvedAgent): number {
    if (!checkRevocation) return ttlCeiling;
    return Math.min(ttlCeiling, revocations.pollIntervalOf(agent.revocationListUrl) ?? REVOCATION_POLL_FLOOR_SECONDS);
  }

  async function jwksUriOf(agent: ResolvedAgent, now: number): Promise<{ ok: true; jwksUri: string } | { ok: false; detail: string }> {
    return brands.resolve(agent.agentUrl, agent.brandJsonUrl, now, ttlFor(agent));
  }

  async function keyOf(agent: ResolvedAgent, kid: string, now: number): Promise<AgentKey> {
    if (agent.publisherAdagentsUrl !== undefined) {
      const pin = await pins.keyFor(agent.publisherAdagentsUrl, agent.agentUrl, kid, now, ttlFor(agent));
      if (pin.kind === 'rejected') return { ok: false, detail: pin.detail };
      if (pin.kind === 'pinned') {
        return pin.key.revokedAt === undefined ? { ok: true, jwk: pin.key.jwk } : { ok: true, jwk: pin.key.jwk, pinRevokedAt: pin.key.revokedAt };
      }
    }
    const resolution = await jwksUriOf(agent, now);
    if (!resolution.ok) return resolution;
    return jwks.key(resolution.jwksUri, kid, now, ttlFor(agent));
  }

  async function revocationOf(agent: ResolvedAgent, key: Extract<AgentKey, { ok: true }>, kid: string, now: number): Promise<KeyRevocationState> {
    if (key.pinRevokedAt !== undefined && now >= key.pinRevokedAt) return 'revoked';
    if (!checkRevocation) return 'valid';
    return revocations.stateOf(
      {
        url: agent.revocationListUrl,
        acceptedIssuers: agent.acceptedIssuers,
        signerKey: async (signerKid) => {
          const resolution = await jwksUriOf(agent, now);
          if (!resolution.ok) return undefined;
          const key = await jwks.key(resolution.jwksUri, signerKid, now, ttlFor(agent));
          return key.ok ? key.jwk : undefined;
        },
      },
      kid,
      now,
    );
  }

  async function lookupUnsafe(query: WebhookKeyQuery): Promise<WebhookKeyLookup> {
    const { keyid, now, expectedSender } = readQuery(query);
    if (keyid === undefined || now === undefined) return unknown('invalid_query: keyid must be a non-empty string and now a finite number');
    const candidates = expectedSender === undefined ? agents : agents.filter((agent) => agent.agentUrl === expectedSender);
    if (candidates.length === 0) return unknown('sender_not_configured: the expected sender is not a configured agent');
    const found: { agent: ResolvedAgent; key: Extract<AgentKey, { ok: true }> }[] = [];
    const failures: string[] = [];
    for (const agent of candidates) {
      const key = await keyOf(agent, keyid, now);
      if (key.ok) found.push({ agent, key });
      else failures.push(key.detail);
    }
    if (found.length > 1) return unknown('key_ambiguous: the kid resolves under more than one configured agent; pass expectedSender');
    const match = found[0];
    if (match === undefined) return unknown(failures[0] ?? 'key_unknown');
    const revocation = await revocationOf(match.agent, match.key, keyid, now);
    return { ok: true, jwk: match.key.jwk, senderId: match.agent.agentUrl, revocation };
  }

  return {
    async lookup(query) {
      try {
        return await lookupUnsafe(query);
      } catch {
        return unknown('internal_error: key discovery failed unexpectedly');
      }
    },
    close: () => context.close(),
  };
}

function unknown(detail: string): WebhookKeyLookup {
  return { ok: false, code: 'webhook_signature_key_unknown', detail };
}

function readQuery(query: unknown): { keyid?: string; now?: number; expectedSender?: string } {
  if (typeof query !== 'object' || query === null) return {};
  const { keyid, now, expectedSender } = query as Record<string, unknown>;
  return {
    ...(typeof keyid === 'string' && keyid !== '' ? { keyid } : {}),
    ...(typeof now === 'number' && Number.isFinite(now) ? { now } : {}),
    ...(typeof expectedSender === 'string' ? { expectedSender } : {}),
  };
}

function resolveAgents(options: BrandJsonKeySourceOptions): readonly ResolvedAgent[] {
  const declared: readonly BrandJsonAgent[] =
    options.agents ?? (options.agentUrl === undefined ? [] : [{ agentUrl: options.agentUrl, ...(options.brandJsonUrl === undefined ? {} : { brandJsonUrl: options.brandJsonUrl }) }]);
  if (declared.length === 0) throw new KeySourceConfigError('give agents or agentUrl');
  const agentUrls = declared.map((agent) => agent.agentUrl);
  if (new Set(agentUrls).size !== agentUrls.length) throw new KeySourceConfigError('an agentUrl is listed twice');
  return declared.map(resolveAgent);
}

function resolveAgent(agent: BrandJsonAgent): ResolvedAgent {
  requireHttps(agent.agentUrl, 'agentUrl');
  const etld1 = registrableDomainOf(agent.agentUrl);
  if (agent.brandJsonUrl === undefined && etld1 === undefined) {
    throw new KeySourceConfigError('agentUrl has no registrable domain; give brandJsonUrl');
  }
  const brandJsonUrl = agent.brandJsonUrl ?? defaultBrandJsonUrl(etld1!);
  requireHttps(brandJsonUrl, 'brandJsonUrl');
  if (agent.publisherAdagentsUrl !== undefined) requireHttps(agent.publisherAdagentsUrl, 'publisherAdagentsUrl');
  const brandOrigin = originOf(brandJsonUrl)!;
  const revocationListUrl = agent.revocationListUrl ?? `${brandOrigin}/.well-known/governance-revocations.json`;
  requireHttps(revocationListUrl, 'revocationListUrl');
  const acceptedIssuers = [...new Set([brandOrigin, originOf(agent.agentUrl)!, originOf(revocationListUrl)!])];
  return {
    agentUrl: agent.agentUrl,
    brandJsonUrl,
    revocationListUrl,
    acceptedIssuers,
    ...(agent.publisherAdagentsUrl === undefined ? {} : { publisherAdagentsUrl: agent.publisherAdagentsUrl }),
  };
}

function requireHttps(url: unknown, name: string): void {
  if (typeof url !== 'string' || !url.startsWith('https://') || originOf(url) === undefined) {
    throw new KeySourceConfigError(`${name} must be an https URL`);
  }
}

function boundedSeconds(value: number, min: number, max: number, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new KeySourceConfigError(`${name} must be between ${min} and ${max} seconds`);
  }
  return value;
}
