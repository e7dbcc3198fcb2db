// JWKS documents by `jwks_uri` (security.mdx "Webhook callbacks" → JWKS discovery, steps 3–4, and
// "Agent key publication" → JWKS discovery for a signed request, step 3): a positive entry lives at
// most the cache TTL (itself bounded by the revocation polling interval), a failed fetch is
// remembered for at most 60 s, and a kid miss refetches at once unless a kid-miss refetch of the
// same `jwks_uri` ran in the last 30 s.
import { redactUrl } from '../../logging/logger.js';
import type { PublicJwk } from '../jwk.js';
import { DiscoveryContext, fetchFailureDetail, MAX_JWKS_BYTES, REFETCH_COOLDOWN_SECONDS } from './discovery-context.js';
import { parseStrictJson, readJwks } from './documents.js';

export type KeySetAnswer =
  | { readonly ok: true; readonly keys: ReadonlyMap<string, PublicJwk> }
  | { readonly ok: false; readonly detail: string };

export type KeyAnswer = { readonly ok: true; readonly jwk: PublicJwk } | { readonly ok: false; readonly detail: string };

interface JwksEntry {
  keys?: ReadonlyMap<string, PublicJwk>;
  expiresAt: number;
  failure?: { readonly detail: string; readonly until: number };
  lastMissRefetchAt?: number;
  missRefetch?: Promise<void>;
}

/** `jwks_uri` values come from counterparty documents, so the cache holds a bounded number of them. */
const MAX_JWKS_ENTRIES = 1_000;

export class JwksCache {
  readonly #entries = new Map<string, JwksEntry>();

  constructor(private readonly context: DiscoveryContext) {}

  /** The key named `kid`, fetching or refetching the set per the rules above. */
  async key(jwksUri: string, kid: string, now: number, ttlSeconds: number): Promise<KeyAnswer> {
    const entry = this.#entry(jwksUri);
    const fetchedNow = !this.#isFresh(entry, now);
    const current = await this.keySet(jwksUri, now, ttlSeconds);
    if (!current.ok) return current;
    const cached = current.keys.get(kid);
    if (cached !== undefined) return { ok: true, jwk: cached };
    // A set fetched for this very lookup already is the refetch; it starts the cooldown.
    if (fetchedNow) {
      entry.lastMissRefetchAt ??= now;
      return this.#unknownKid(jwksUri, 'not in the JWKS');
    }
    return this.#refetchForMiss(jwksUri, entry, kid, now, ttlSeconds);
  }

  /** The current key set of `jwksUri` (cached, or fetched when absent or expired). */
  async keySet(jwksUri: string, now: number, ttlSeconds: number): Promise<KeySetAnswer> {
    const entry = this.#entry(jwksUri);
    if (this.#isFresh(entry, now)) return { ok: true, keys: entry.keys! };
    if (entry.failure !== undefined && now < entry.failure.until) return { ok: false, detail: entry.failure.detail };
    return this.#load(jwksUri, entry, now, ttlSeconds);
  }

  async #refetchForMiss(jwksUri: string, entry: JwksEntry, kid: string, now: number, ttlSeconds: number): Promise<KeyAnswer> {
    if (entry.missRefetch === undefined) {
      const coolingDown = entry.lastMissRefetchAt !== undefined && now - entry.lastMissRefetchAt < REFETCH_COOLDOWN_SECONDS;
      if (coolingDown) return this.#unknownKid(jwksUri, 'not in the JWKS; refetch cooldown in effect');
      entry.lastMissRefetchAt = now;
      entry.missRefetch = this.#load(jwksUri, entry, now, ttlSeconds).then(
        () => undefined,
        () => undefined,
      );
      void entry.missRefetch.finally(() => {
        entry.missRefetch = undefined;
      });
    }
    await entry.missRefetch;
    const refetched = entry.keys?.get(kid);
    if (refetched !== undefined) return { ok: true, jwk: refetched };
    if (entry.failure !== undefined && now < entry.failure.until) return { ok: false, detail: entry.failure.detail };
    return this.#unknownKid(jwksUri, 'not in the JWKS after one refetch');
  }

  async #load(jwksUri: string, entry: JwksEntry, now: number, ttlSeconds: number): Promise<KeySetAnswer> {
    const outcome = await this.context.fetch(jwksUri, MAX_JWKS_BYTES);
    if (!outcome.ok) {
      const code = outcome.kind === 'too_large' ? 'jwks_malformed' : isUntrusted(outcome.kind) ? 'jwks_untrusted' : 'jwks_unavailable';
      return this.#fail(entry, now, fetchFailureDetail(code, jwksUri, outcome, MAX_JWKS_BYTES));
    }
    const parsed = parseStrictJson(outcome.body);
    const keys = parsed.ok ? readJwks(parsed.value) : undefined;
    if (keys === undefined) {
      const reason = parsed.ok ? 'not a JWK Set with unique kids' : parsed.reason;
      return this.#fail(entry, now, `jwks_malformed: ${redactUrl(jwksUri)}: ${reason}`);
    }
    entry.keys = keys;
    entry.expiresAt = now + ttlSeconds;
    entry.failure = undefined;
    return { ok: true, keys };
  }

  #fail(entry: JwksEntry, now: number, detail: string): KeySetAnswer {
    entry.failure = { detail, until: now + this.context.bounds.negativeSeconds };
    // A failed refresh ends the old set's life: keys are never served past their TTL.
    if (now >= entry.expiresAt) entry.keys = undefined;
    this.context.warn('webhook key discovery: JWKS fetch failed', { detail });
    return { ok: false, detail };
  }

  #unknownKid(jwksUri: string, reason: string): KeyAnswer {
    return { ok: false, detail: `key_unknown: kid ${reason} at ${redactUrl(jwksUri)}` };
  }

  #isFresh(entry: JwksEntry, now: number): boolean {
    return entry.keys !== undefined && now < entry.expiresAt;
  }

  #entry(jwksUri: string): JwksEntry {
    let entry = this.#entries.get(jwksUri);
    if (entry === undefined) {
      if (this.#entries.size >= MAX_JWKS_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
      entry = { expiresAt: 0 };
      this.#entries.set(jwksUri, entry);
    }
    return entry;
  }
}

function isUntrusted(kind: string): boolean {
  return kind === 'ssrf_blocked' || kind === 'not_https' || kind === 'invalid_url' || kind === 'redirect';
}
