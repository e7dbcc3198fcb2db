// Account-level webhook subscribers (`accounts[].notification_configs[]`), accounts/tasks/sync_accounts.mdx —
// "Account-level webhook subscriptions" and "Endpoint proof of control".
import { createHash, randomBytes } from 'node:crypto';
import { Agent, request } from 'undici';
import { checkTargetUrl, createGuardedConnector, resolveSsrfPolicy, systemResolver, type SsrfOptions, type SsrfPolicy } from '../ssrf/index.js';
import { NOTIFICATION_KINDS, type NotificationKindInfo } from '../../generated/notifications.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import { createMemorySubscriberStore, type SubscriberStore } from './subscriber-store.js';

/** The notification types of this release with the given anchoring (enums/notification-type.json, as generated). */
function typesAnchoredTo(anchoring: NotificationKindInfo['anchoring']): readonly string[] {
  const kinds = Object.entries(NOTIFICATION_KINDS) as Array<[string, NotificationKindInfo]>;
  return Object.freeze(kinds.filter(([, kind]) => kind.anchoring === anchoring).map(([name]) => name));
}

/** Media-buy-anchored types (enums/notification-type.json description): never allowed on `notification_configs[]`. */
export const MEDIA_BUY_ANCHORED_TYPES: readonly string[] = typesAnchoredTo('media-buy');

/**
 * Account-anchored types: the only ones a subscriber may request (sync_accounts.mdx — "Account-level
 * webhook subscriptions", `event_types[]`): creative lifecycle and the wholesale feed types
 * (`product.*`, `signal.*`, `wholesale_feed.bulk_change`).
 */
export const ACCOUNT_ANCHORED_TYPES: readonly string[] = typesAnchoredTo('account');

/** One submitted `notification_configs[]` entry (account/sync-accounts-request.json). */
export interface NotificationConfigInput {
  readonly subscriber_id: string;
  readonly url: string;
  readonly event_types: readonly string[];
  readonly authentication?: { readonly schemes: readonly string[]; readonly credentials: string };
  readonly active?: boolean;
}

/** The sanitized echo of a persisted subscriber: `authentication.credentials` is write-only and never returned. */
export interface NotificationConfigEcho {
  readonly subscriber_id: string;
  readonly url: string;
  readonly event_types: string[];
  readonly active: boolean;
  readonly authentication?: { readonly schemes: string[] };
}

/**
 * A per-account error as `accounts[i].errors[]` carries it. `field` points into that account entry
 * (`notification_configs[j].event_types[k]`), as the AdCP 3.1.19 conformance storyboards
 * notification-config-rejections / notification-config-event-scope grade it; prefix `accounts[i].`
 * for a pointer from the request root.
 */
export interface SubscriptionError {
  readonly code: 'INVALID_REQUEST' | 'VALIDATION_ERROR';
  readonly message: string;
  readonly field: string;
}

/** Outcome of applying one account's `notification_configs` (sync_accounts.mdx — per-account fields). */
export interface ApplyResult {
  readonly action: 'updated' | 'unchanged' | 'failed';
  readonly notification_configs?: NotificationConfigEcho[];
  readonly errors?: SubscriptionError[];
}

/** `delivery_auth` of core/webhook-challenge.json. */
export interface DeliveryAuth {
  readonly mode: 'rfc9421' | 'Bearer' | 'HMAC-SHA256';
  readonly credential_fingerprint?: string;
}

/** A persisted subscriber, including the write-only credential the seller needs to deliver. */
export interface StoredSubscriber {
  readonly subscriberId: string;
  readonly url: string;
  readonly eventTypes: string[];
  readonly active: boolean;
  readonly deliveryAuth: DeliveryAuth;
  readonly credentials?: string;
  /** The proof tuple this subscriber was proven under; absent when paused without proof. */
  readonly proofKey?: string;
}

/** Posts a signed challenge; answers the HTTP status and body text, or rejects on network failure / timeout. */
export type ChallengePoster = (url: string, body: Uint8Array, headers: Record<string, string>, timeoutMs: number) => Promise<{ status: number; text: string }>;

/** Options of `createSubscriberRegistry`. */
export interface SubscriberRegistryOptions {
  /** The seller's RFC 9421 webhook-profile signer: the challenge is always signed with it. */
  readonly signer: WebhookSigner;
  /** `seller_agent_url` of the challenge. */
  readonly sellerAgentUrl: string;
  /** Sends the challenge POST; default undici with the 10 s caps of sync_accounts.mdx. */
  readonly post?: ChallengePoster;
  readonly challengeTimeoutMs?: number;
  /** Accept `http:` URLs (loopback tests only); production registrations are HTTPS (sync_accounts.mdx — `url`). */
  readonly allowHttp?: boolean;
  /**
   * SSRF rules (building/by-layer/L1/security.mdx — Webhook URL validation (SSRF)): checked on write for every
   * entry, paused ones included (IP literals, local names, ports; no DNS), and by the default challenge POST.
   */
  readonly ssrf?: SsrfOptions;
  /** Where subscriber sets persist; default in memory. */
  readonly store?: SubscriberStore;
}

/** The registry: apply a replacement set per account, read the sanitized echo, read the stored subscribers. */
export interface SubscriberRegistry {
  apply(accountId: string, configs: readonly NotificationConfigInput[] | undefined, options?: { dryRun?: boolean }): Promise<ApplyResult>;
  list(accountId: string): Promise<NotificationConfigEcho[]>;
  subscribers(accountId: string): Promise<readonly StoredSubscriber[]>;
}

/** The default poster: undici through the SSRF-guarded connector (validated, pinned address), 10 s caps. */
function guardedPoster(policy: SsrfPolicy): ChallengePoster {
  const dispatcher = new Agent({ connect: createGuardedConnector({ policy, resolver: systemResolver, connectTimeoutMs: 10_000 }) });
  return async (url, body, headers, timeoutMs) => {
    const response = await request(url, { method: 'POST', body, headers, headersTimeout: timeoutMs, bodyTimeout: timeoutMs, dispatcher });
    return { status: response.statusCode, text: await response.body.text() };
  };
}

/**
 * Creates an in-memory subscriber registry with the declarative replace semantics of sync_accounts.mdx —
 * "Account-level webhook subscriptions": omit = unchanged, `[]` removes all, a set replaces, duplicates rejected,
 * and the proof-of-control challenge (core/webhook-challenge.json) before any entry is active.
 */
export function createSubscriberRegistry(options: SubscriberRegistryOptions): SubscriberRegistry {
  const store = options.store ?? createMemorySubscriberStore();
  const ssrfPolicy = resolveSsrfPolicy(options.ssrf);
  const post = options.post ?? guardedPoster(ssrfPolicy);
  const timeoutMs = options.challengeTimeoutMs ?? 10_000;

  // sync_accounts.mdx — per-account fields: `notification_configs` is echoed (possibly `[]`) whenever
  // the request included it, and otherwise only when subscribers are persisted.
  async function apply(accountId: string, configs: readonly NotificationConfigInput[] | undefined, applyOptions: { dryRun?: boolean } = {}): Promise<ApplyResult> {
    const previous = await store.load(accountId);
    if (configs === undefined) return { action: 'unchanged', ...echoOf(previous) };
    const base = 'notification_configs';
    const structural = validateStructure(configs, base, { allowHttp: options.allowHttp === true, ssrfPolicy });
    if (structural.length > 0) return { action: 'failed', errors: structural };
    const candidates = configs.map((config) => toCandidate(accountId, config));
    if (applyOptions.dryRun === true) return { action: 'unchanged', notification_configs: echoList(previous) };
    const next: StoredSubscriber[] = [];
    for (const [index, candidate] of candidates.entries()) {
      const proven = await ensureProof(accountId, candidate, previous);
      if (!proven) return { action: 'failed', errors: [{ code: 'VALIDATION_ERROR', message: 'endpoint proof of control failed', field: `${base}[${index}].url` }] };
      next.push(proven);
    }
    await store.replace(accountId, next);
    return { action: sameSet(previous, next) ? 'unchanged' : 'updated', notification_configs: echoList(next) };
  }

  async function ensureProof(accountId: string, candidate: StoredSubscriber, previous: readonly StoredSubscriber[]): Promise<StoredSubscriber | undefined> {
    const key = proofKey(accountId, candidate);
    const reused = previous.some((stored) => stored.proofKey === key);
    if (reused) return { ...candidate, proofKey: key };
    if (!candidate.active) return candidate;
    return (await challenge(accountId, candidate)) ? { ...candidate, proofKey: key } : undefined;
  }

  async function challenge(accountId: string, candidate: StoredSubscriber): Promise<boolean> {
    const token = randomBytes(32).toString('base64url');
    const payload = {
      type: 'webhook.challenge', challenge: token, account_id: accountId, subscriber_id: candidate.subscriberId,
      seller_agent_url: options.sellerAgentUrl, delivery_auth: candidate.deliveryAuth, event_types: candidate.eventTypes,
    };
    const body = new TextEncoder().encode(JSON.stringify(payload));
    const signed = await options.signer.headersFor({ method: 'POST', url: candidate.url, contentType: 'application/json', body }, Math.floor(Date.now() / 1000));
    try {
      const response = await post(candidate.url, body, { 'content-type': 'application/json', ...signed }, timeoutMs);
      return response.status >= 200 && response.status < 300 && echoesToken(response.text, token);
    } catch {
      return false;
    }
  }

  return {
    apply,
    list: async (accountId) => echoList(await store.load(accountId)),
    subscribers: (accountId) => store.load(accountId),
  };
}

/** Exactly one of `challenge` / `token` equal to the value sent (core/webhook-challenge-response.json). */
function echoesToken(text: string, token: string): boolean {
  let parsed: unknown;
  try { parsed = JSON.parse(text); } catch { return false; }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return false;
  const keys = Object.keys(parsed);
  if (keys.length !== 1 || (keys[0] !== 'challenge' && keys[0] !== 'token')) return false;
  return (parsed as Record<string, unknown>)[keys[0]] === token;
}

function validateStructure(configs: readonly NotificationConfigInput[], base: string, urlRules: UrlRules): SubscriptionError[] {
  const errors: SubscriptionError[] = [];
  const seen = new Set<string>();
  for (const [index, config] of configs.entries()) {
    if (seen.has(config.subscriber_id)) errors.push({ code: 'INVALID_REQUEST', message: `duplicate subscriber_id ${config.subscriber_id}`, field: `${base}[${index}].subscriber_id` });
    seen.add(config.subscriber_id);
    const urlProblem = urlProblemOf(config.url, urlRules);
    if (urlProblem !== undefined) errors.push({ code: 'INVALID_REQUEST', message: urlProblem, field: `${base}[${index}].url` });
    for (const [typeIndex, type] of config.event_types.entries()) {
      if (!ACCOUNT_ANCHORED_TYPES.includes(type)) {
        const why = MEDIA_BUY_ANCHORED_TYPES.includes(type) ? 'is media-buy-anchored' : 'is not an account-anchored notification type';
        errors.push({ code: 'VALIDATION_ERROR', message: `event type ${type} ${why}`, field: `${base}[${index}].event_types[${typeIndex}]` });
      }
    }
  }
  return errors;
}

interface UrlRules {
  readonly allowHttp: boolean;
  readonly ssrfPolicy: SsrfPolicy;
}

/**
 * Why a subscriber URL is refused on write, or `undefined`. Paused entries too (sync_accounts.mdx — `active`:
 * sellers "MUST still enforce HTTPS parsing, hostname normalization, and reserved-range rejection on write"):
 * IP literals, local names and ports are judged here without DNS; names are judged again, with the
 * connection pinned, when the challenge is sent.
 */
function urlProblemOf(url: string, rules: UrlRules): string | undefined {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return 'url must be an absolute https URL';
  }
  if (protocol !== 'https:' && !(rules.allowHttp && protocol === 'http:')) return 'url must be an absolute https URL';
  const check = checkTargetUrl(url, rules.ssrfPolicy);
  if (!check.ok) return check.errorClass === 'ssrf_blocked' ? 'url targets a reserved, private or local address or a refused port' : 'url is not a valid webhook URL';
  return undefined;
}

function toCandidate(_accountId: string, config: NotificationConfigInput): StoredSubscriber {
  const auth = config.authentication;
  const mode = auth === undefined ? 'rfc9421' : auth.schemes[0] === 'Bearer' ? 'Bearer' : 'HMAC-SHA256';
  const deliveryAuth: DeliveryAuth = auth === undefined ? { mode } : { mode, credential_fingerprint: createHash('sha256').update(auth.credentials).digest('hex') };
  return {
    subscriberId: config.subscriber_id,
    url: new URL(config.url).href,
    eventTypes: [...new Set(config.event_types)], // echoed in the order submitted; normalized only for the proof tuple
    active: config.active ?? true,
    deliveryAuth,
    ...(auth === undefined ? {} : { credentials: auth.credentials }),
  };
}

/** The tuple sync_accounts.mdx names for proof reuse: account, subscriber, normalized URL, auth binding, event types. */
function proofKey(accountId: string, subscriber: StoredSubscriber): string {
  const eventTypes = [...subscriber.eventTypes].sort();
  return JSON.stringify([accountId, subscriber.subscriberId, subscriber.url, subscriber.deliveryAuth.mode, subscriber.deliveryAuth.credential_fingerprint ?? null, eventTypes]);
}

function sameSet(a: readonly StoredSubscriber[], b: readonly StoredSubscriber[]): boolean {
  const view = (list: readonly StoredSubscriber[]): string => JSON.stringify(list.map((s) => [proofKey('', s), s.active]).sort());
  return view(a) === view(b);
}

/** The echo when the request omitted `notification_configs`: present only when subscribers are persisted. */
function echoOf(list: readonly StoredSubscriber[]): { notification_configs?: NotificationConfigEcho[] } {
  return list.length === 0 ? {} : { notification_configs: echoList(list) };
}

/** The sanitized subscribers; `authentication.credentials` is write-only (sync_accounts.mdx — `authentication`). */
function echoList(list: readonly StoredSubscriber[]): NotificationConfigEcho[] {
  return list.map((s) => ({
    subscriber_id: s.subscriberId, url: s.url, event_types: [...s.eventTypes], active: s.active && s.proofKey !== undefined,
    ...(s.deliveryAuth.mode === 'rfc9421' ? {} : { authentication: { schemes: [s.deliveryAuth.mode] } }),
  }));
}
