// What every discovery cache shares: the guarded fetcher (with one in-flight request per URL),
// the cache bounds the spec sets, and a logger that can never break a lookup.
import type { Logger } from '../../logging/logger.js';
import { redactUrl } from '../../logging/logger.js';
import { describeFetchFailure, type DiscoveryFetcher, type FetchOutcome } from './guarded-fetch.js';

/** Body caps (security.mdx "Discovering an agent's signing keys via brand_json_url", pseudocode). */
export const MAX_JWKS_BYTES = 65_536;
export const MAX_BRAND_JSON_BYTES = 262_144;
/** Cap for adagents.json and the revocation list, which the spec leaves to the generic SSRF budget. */
export const MAX_POLICY_DOCUMENT_BYTES = 262_144;

/** Negative results are cached for at most 60 s (same section, step 4). */
export const MAX_NEGATIVE_CACHE_SECONDS = 60;
/** Minimum time between two kid-miss refetches of one `jwks_uri` (security.mdx "JWKS discovery", step 3). */
export const REFETCH_COOLDOWN_SECONDS = 30;

export interface CacheBounds {
  /** Upper bound of a positive cache entry before the revocation polling interval bounds it further. */
  readonly ttlSeconds: number;
  readonly negativeSeconds: number;
}

export class DiscoveryContext {
  readonly #inFlight = new Map<string, Promise<FetchOutcome>>();

  constructor(
    private readonly fetcher: DiscoveryFetcher,
    readonly bounds: CacheBounds,
    private readonly logger: Logger | undefined,
  ) {}

  /** One GET per URL at a time: concurrent callers share the request in flight. */
  fetch(url: string, maxBytes: number): Promise<FetchOutcome> {
    const pending = this.#inFlight.get(url);
    if (pending !== undefined) return pending;
    const request = this.fetcher.get(url, maxBytes).finally(() => this.#inFlight.delete(url));
    this.#inFlight.set(url, request);
    return request;
  }

  /** Logs a discovery failure; the text carries codes, redacted URLs and statuses only. */
  warn(message: string, fields: Readonly<Record<string, unknown>>): void {
    try {
      this.logger?.log('warn', message, fields);
    } catch {
      // a throwing logger must not turn a lookup into an exception
    }
  }

  close(): Promise<void> {
    return this.fetcher.close();
  }
}

/** `code: <url>: <reason>` for a failed fetch. */
export function fetchFailureDetail(code: string, url: string, outcome: Extract<FetchOutcome, { ok: false }>, maxBytes: number): string {
  return `${code}: ${redactUrl(url)}: ${describeFetchFailure(outcome, maxBytes)}`;
}
