// The seller's accounts, with account-level webhook subscribers (accounts/tasks/sync_accounts.mdx,
// accounts/tasks/list_accounts.mdx), kept in memory:
//   - sync_accounts in provisioning mode (`brand` + `operator` + `billing`, natural key
//     `(brand, operator, sandbox)`) and settings-update mode (`account: { account_id }`);
//   - `notification_configs[]` through the subscriber registry: replace semantics keyed by
//     `subscriber_id`, `[]` removes all, duplicates and media-buy-anchored types rejected, the signed
//     proof-of-control challenge (core/webhook-challenge.json) before a subscriber is active;
//   - a failing entry changes nothing on its account ("Sellers MUST NOT partially apply").
// Every account is active at once (no credit review), so no `push_notification_config` is ever used.
import { randomUUID } from 'node:crypto';
import type { NotificationConfigInput, SubscriberRegistry, SubscriptionError } from '../../src/index.js';

type Entry = Record<string, unknown>;

interface Account {
  readonly account_id: string;
  readonly brand: { readonly domain: string; readonly brand_id?: string };
  readonly operator: string;
  readonly billing: string;
  readonly payment_terms: string;
  readonly sandbox: boolean;
}

const DEFAULT_PAYMENT_TERMS = 'net_30';
const MALFORMED_CONFIGS: SubscriptionError = { code: 'INVALID_REQUEST', message: 'notification_configs must be an array of { subscriber_id, url, event_types[] }', field: 'notification_configs' };

export class Accounts {
  readonly #registry: SubscriberRegistry;
  readonly #byId = new Map<string, Account>();

  constructor(registry: SubscriberRegistry) {
    this.#registry = registry;
  }

  /** account/sync-accounts-response.json (success branch): one result per entry, in order. */
  async sync(args: Entry): Promise<Entry> {
    const entries = Array.isArray(args['accounts']) ? (args['accounts'] as Entry[]) : [];
    const dryRun = args['dry_run'] === true;
    const accounts: Entry[] = [];
    for (const entry of entries) accounts.push(await this.#syncOne(entry, dryRun));
    return { accounts, ...(dryRun ? { dry_run: true } : {}) };
  }

  /** account/list-accounts-response.json: the accounts matching `account` / `sandbox`, with their subscribers. */
  async list(args: Entry): Promise<Entry> {
    const wanted = accountIdOf(args['account']);
    const matches = [...this.#byId.values()].filter((account) => (wanted === undefined || account.account_id === wanted) && (typeof args['sandbox'] !== 'boolean' || account.sandbox === args['sandbox']));
    const accounts: Entry[] = [];
    // list_accounts.mdx lists notification_configs when subscribers are persisted; an empty array
    // after a clear is echoed too (notification-config-lifecycle storyboard, list after clear).
    for (const account of matches) accounts.push({ ...view(account), notification_configs: await this.#registry.list(account.account_id) });
    return { accounts };
  }

  async #syncOne(entry: Entry, dryRun: boolean): Promise<Entry> {
    const reference = entry['account'];
    const existing = reference === undefined ? this.#findByNaturalKey(entry) : this.#resolve(reference);
    if (reference !== undefined && existing === undefined) return notFound(reference);
    const next = existing === undefined ? provisioned(entry) : withSettings(existing, entry);
    const configs = entry['notification_configs'];
    if (!isConfigList(configs)) return failed(existing ?? next, existing === undefined, [MALFORMED_CONFIGS]);
    const applied = await this.#registry.apply(next.account_id, configs, { dryRun });
    if (applied.action === 'failed') return failed(existing ?? next, existing === undefined, applied.errors ?? []);
    if (!dryRun) this.#byId.set(next.account_id, next);
    const action = existing === undefined ? 'created' : applied.action === 'updated' || changed(existing, next) ? 'updated' : 'unchanged';
    return { ...view(next), action, ...(applied.notification_configs === undefined ? {} : { notification_configs: applied.notification_configs }) };
  }

  /** An AccountRef (core/account-ref.json): by `account_id`, or by natural key. */
  #resolve(reference: unknown): Account | undefined {
    const id = accountIdOf(reference);
    if (id !== undefined) return this.#byId.get(id);
    return typeof reference === 'object' && reference !== null ? this.#findByNaturalKey(reference as Entry) : undefined;
  }

  #findByNaturalKey(entry: Entry): Account | undefined {
    const key = naturalKey(entry);
    return [...this.#byId.values()].find((account) => naturalKey(account as unknown as Entry) === key);
  }
}

/** sync_accounts.mdx — natural key: the tuple `(brand, operator, sandbox)`. */
function naturalKey(entry: Entry): string {
  const brand = (entry['brand'] ?? {}) as Account['brand'];
  return JSON.stringify([brand.domain, brand.brand_id ?? null, entry['operator'], entry['sandbox'] === true]);
}

function provisioned(entry: Entry): Account {
  return {
    account_id: `acct_${randomUUID().slice(0, 12)}`,
    brand: entry['brand'] as Account['brand'],
    operator: String(entry['operator']),
    billing: String(entry['billing']),
    payment_terms: typeof entry['payment_terms'] === 'string' ? entry['payment_terms'] : DEFAULT_PAYMENT_TERMS,
    sandbox: entry['sandbox'] === true,
  };
}

/** Settings-update mode changes only settable state; provisioning mode may also change billing. */
function withSettings(account: Account, entry: Entry): Account {
  return {
    ...account,
    ...(typeof entry['billing'] === 'string' ? { billing: entry['billing'] } : {}),
    ...(typeof entry['payment_terms'] === 'string' ? { payment_terms: entry['payment_terms'] } : {}),
  };
}

function changed(before: Account, after: Account): boolean {
  return before.billing !== after.billing || before.payment_terms !== after.payment_terms;
}

function view(account: Account): Entry {
  return { ...account, name: `${account.brand.domain} via ${account.operator}`, status: 'active' };
}

/**
 * sync_accounts.mdx — "Account-level webhook subscriptions": a failing replacement set fails its
 * account entry and changes nothing; an account it would have created is `rejected`.
 */
function failed(account: Account, isNew: boolean, errors: readonly SubscriptionError[]): Entry {
  const { brand, operator, account_id } = account;
  return { ...(isNew ? {} : { account_id }), brand, operator, action: 'failed', status: isNew ? 'rejected' : 'active', errors };
}

/** account/sync-accounts-response.json requires `brand` and `operator` even on a failed entry. */
function notFound(reference: unknown): Entry {
  const ref = (typeof reference === 'object' && reference !== null ? reference : {}) as Entry;
  const error = { code: 'ACCOUNT_NOT_FOUND', message: 'no such account', field: 'account' };
  return { ...ref, brand: ref['brand'] ?? { domain: 'unknown.invalid' }, operator: ref['operator'] ?? 'unknown.invalid', action: 'failed', status: 'rejected', errors: [error] };
}

/** The shape the registry relies on (core/notification-config.json); the rest it judges itself. Omitted is fine. */
function isConfigList(configs: unknown): configs is readonly NotificationConfigInput[] | undefined {
  if (configs === undefined) return true;
  const isConfig = (c: unknown): boolean => {
    const config = (typeof c === 'object' && c !== null ? c : {}) as Entry;
    const types = config['event_types'];
    const auth = config['authentication'] as Entry | undefined;
    const authOk = auth === undefined || (Array.isArray(auth['schemes']) && typeof auth['credentials'] === 'string');
    return typeof config['subscriber_id'] === 'string' && typeof config['url'] === 'string' && Array.isArray(types) && types.every((t) => typeof t === 'string') && authOk;
  };
  return Array.isArray(configs) && configs.every(isConfig);
}

function accountIdOf(reference: unknown): string | undefined {
  const id = typeof reference === 'object' && reference !== null ? (reference as Entry)['account_id'] : undefined;
  return typeof id === 'string' ? id : undefined;
}
