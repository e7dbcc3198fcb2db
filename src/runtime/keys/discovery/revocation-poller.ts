// Keeps one signed revocation list per URL current (security.mdx "Transport revocation" and
// "Revocation" → Polling cadence, Fetch failure safe-default): it is refreshed when `next_update`
// (clamped to the 1 min floor and 30 min ceiling) has passed, a failed refresh is retried no sooner
// than the negative-cache time, a list older than the one held is refused (no rollback), and past
// `next_update + 4 × the polling interval` without a refresh every key answers `stale`.
import { redactUrl } from '../../logging/logger.js';
import type { PublicJwk } from '../jwk.js';
import type { KeyRevocationState } from '../webhook-key-source.js';
import { DiscoveryContext, fetchFailureDetail, MAX_POLICY_DOCUMENT_BYTES } from './discovery-context.js';
import { readRevocationList, revocationListSignerKid, revocationSchedule, type RevocationList } from './revocation-list.js';

interface ListState {
  list?: RevocationList;
  pollIntervalSeconds?: number;
  nextPollAt: number;
  staleAt: number;
  retryAt: number;
  refresh?: Promise<void>;
}

/** Where a list lives, who may sign it and which issuers it may name. */
export interface RevocationListSource {
  readonly url: string;
  readonly acceptedIssuers: readonly string[];
  /** The signer's published key named `kid` (with the JWKS kid-miss refetch); undefined when unknown. */
  readonly signerKey: (kid: string) => Promise<PublicJwk | undefined>;
}

export class RevocationPoller {
  readonly #lists = new Map<string, ListState>();

  constructor(private readonly context: DiscoveryContext) {}

  /** The revocation state of `kid` under the list at `source.url`, refreshing the list when due. */
  async stateOf(source: RevocationListSource, kid: string, now: number): Promise<KeyRevocationState> {
    const state = this.#state(source.url);
    if (now >= state.nextPollAt && now >= state.retryAt) {
      state.refresh ??= this.#refresh(source, state, now).finally(() => {
        state.refresh = undefined;
      });
    }
    if (state.refresh !== undefined) await state.refresh;
    if (state.list === undefined) return 'stale';
    if (state.list.revokedKids.has(kid)) return 'revoked';
    return now > state.staleAt ? 'stale' : 'valid';
  }

  /** The polling interval of the list at `url`, once one was accepted (it bounds every cache TTL). */
  pollIntervalOf(url: string): number | undefined {
    return this.#lists.get(url)?.pollIntervalSeconds;
  }

  async #refresh(source: RevocationListSource, state: ListState, now: number): Promise<void> {
    const problem = await this.#fetchAndAccept(source, state, now);
    if (problem === undefined) return;
    state.retryAt = now + this.context.bounds.negativeSeconds;
    this.context.warn('webhook key discovery: revocation list refresh failed', { detail: problem });
  }

  async #fetchAndAccept(source: RevocationListSource, state: ListState, now: number): Promise<string | undefined> {
    const outcome = await this.context.fetch(source.url, MAX_POLICY_DOCUMENT_BYTES);
    if (!outcome.ok) return fetchFailureDetail('revocation_list_unavailable', source.url, outcome, MAX_POLICY_DOCUMENT_BYTES);
    const kid = revocationListSignerKid(outcome.body);
    const signerKey = kid === undefined ? undefined : await source.signerKey(kid);
    const read = readRevocationList(outcome.body, signerKey, source.acceptedIssuers);
    if (!read.ok) return `revocation_list_invalid: ${redactUrl(source.url)}: ${read.reason}`;
    if (state.list !== undefined && read.list.updated < state.list.updated) {
      return `revocation_list_invalid: ${redactUrl(source.url)}: older than the list already held`;
    }
    const schedule = revocationSchedule(read.list, now);
    state.list = read.list;
    state.pollIntervalSeconds = schedule.pollIntervalSeconds;
    state.nextPollAt = schedule.nextPollAt;
    state.staleAt = schedule.staleAt;
    state.retryAt = 0;
    return undefined;
  }

  #state(url: string): ListState {
    let state = this.#lists.get(url);
    if (state === undefined) {
      state = { nextPollAt: 0, staleAt: 0, retryAt: 0 };
      this.#lists.set(url, state);
    }
    return state;
  }
}
