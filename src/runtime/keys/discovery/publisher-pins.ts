// Publisher key pins (governance/property/adagents.mdx "signing_keys"; security.mdx "Agent key
// publication" → Publisher pin precedence): when the publisher's adagents.json entry for an agent
// carries `signing_keys`, a keyid outside that set is rejected whatever the agent's JWKS says. On an
// unknown keyid the adagents.json is fetched again, bypassing the cache, before the final rejection
// (at most once per 30 s per document, the same cooldown as a JWKS kid miss).
import { redactUrl } from '../../logging/logger.js';
import { DiscoveryContext, fetchFailureDetail, MAX_POLICY_DOCUMENT_BYTES, REFETCH_COOLDOWN_SECONDS } from './discovery-context.js';
import { parseStrictJson, readPublisherPin, type PinnedKey } from './documents.js';

/** `pinned`: the pin decides; `unpinned`: the entry has no `signing_keys`, so `jwks_uri` decides. */
export type PinAnswer =
  | { readonly kind: 'pinned'; readonly key: PinnedKey }
  | { readonly kind: 'unpinned' }
  | { readonly kind: 'rejected'; readonly detail: string };

type PinRead = { readonly ok: true; readonly pins: ReadonlyMap<string, PinnedKey> | undefined } | { readonly ok: false; readonly detail: string };

interface PinEntry {
  read: PinRead;
  until: number;
  lastForcedAt?: number;
}

export class PublisherPins {
  readonly #entries = new Map<string, PinEntry>();

  constructor(private readonly context: DiscoveryContext) {}

  async keyFor(adagentsUrl: string, agentUrl: string, kid: string, now: number, ttlSeconds: number): Promise<PinAnswer> {
    const cacheKey = `${adagentsUrl}\n${agentUrl}`;
    let entry = this.#entries.get(cacheKey);
    let fetchedNow = false;
    if (entry === undefined || now >= entry.until) {
      entry = await this.#load(cacheKey, adagentsUrl, agentUrl, now, ttlSeconds, entry?.lastForcedAt);
      fetchedNow = true;
    }
    const first = answerFrom(entry.read, kid);
    if (first.kind !== 'rejected' || !entry.read.ok || entry.read.pins === undefined) return first;
    const coolingDown = entry.lastForcedAt !== undefined && now - entry.lastForcedAt < REFETCH_COOLDOWN_SECONDS;
    if (fetchedNow || coolingDown) {
      entry.lastForcedAt ??= now;
      return first;
    }
    const refreshed = await this.#load(cacheKey, adagentsUrl, agentUrl, now, ttlSeconds, now);
    return answerFrom(refreshed.read, kid);
  }

  async #load(cacheKey: string, adagentsUrl: string, agentUrl: string, now: number, ttlSeconds: number, lastForcedAt?: number): Promise<PinEntry> {
    const read = await this.#read(adagentsUrl, agentUrl);
    const lifetime = read.ok ? ttlSeconds : this.context.bounds.negativeSeconds;
    const entry: PinEntry = lastForcedAt === undefined ? { read, until: now + lifetime } : { read, until: now + lifetime, lastForcedAt };
    this.#entries.set(cacheKey, entry);
    if (!read.ok) this.context.warn('webhook key discovery: publisher pin unavailable', { detail: read.detail });
    return entry;
  }

  async #read(adagentsUrl: string, agentUrl: string): Promise<PinRead> {
    const outcome = await this.context.fetch(adagentsUrl, MAX_POLICY_DOCUMENT_BYTES);
    if (!outcome.ok) {
      return { ok: false, detail: fetchFailureDetail('adagents_json_unreachable', adagentsUrl, outcome, MAX_POLICY_DOCUMENT_BYTES) };
    }
    const parsed = parseStrictJson(outcome.body);
    const pin = parsed.ok ? readPublisherPin(parsed.value, agentUrl) : 'malformed';
    if (pin === 'malformed') return { ok: false, detail: `adagents_json_malformed: ${redactUrl(adagentsUrl)}` };
    if (pin === 'not_listed') {
      return { ok: false, detail: `agent_not_in_adagents_json: no authorized_agents[] url byte-equals the agent URL in ${redactUrl(adagentsUrl)}` };
    }
    return { ok: true, pins: pin };
  }
}

function answerFrom(read: PinRead, kid: string): PinAnswer {
  if (!read.ok) return { kind: 'rejected', detail: read.detail };
  if (read.pins === undefined) return { kind: 'unpinned' };
  const key = read.pins.get(kid);
  return key === undefined ? { kind: 'rejected', detail: 'key_not_pinned: kid is not in the publisher signing_keys pin' } : { kind: 'pinned', key };
}
