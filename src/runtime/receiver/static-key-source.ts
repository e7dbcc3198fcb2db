// A WebhookKeySource over keys held in memory: a JWK list or a `{ keys: [...] }` JWKS document
// (security.mdx "Webhook callbacks", step 7), for buyers that pin their sellers' keys.
import { AdcpError } from '../errors/adcp-error.js';
import type { Jwks, PublicJwk } from '../keys/jwk.js';
import type { KeyRevocationState, WebhookKeyLookup, WebhookKeyQuery, WebhookKeySource } from '../keys/webhook-key-source.js';

/**
 * Options of `staticKeySource`: the sender identity and revocation state of pinned keys (security.mdx
 * "Webhook callbacks", verifier checklist steps 7 and 9). Defaults: sender `keyid:<kid>`, no revoked
 * kids, a revocation list that is never stale.
 */
export interface StaticKeySourceOptions {
  /** The sender identity (dedup scope) of a key; default `keyid:<kid>`. One string: all keys. */
  readonly sender?: string | ((jwk: PublicJwk) => string);
  /** Kids on the signer's revocation list (step 9: `webhook_signature_key_revoked`). */
  readonly revokedKids?: Iterable<string>;
  /** True while the revocation list is past `next_update` + grace (`webhook_signature_revocation_stale`). */
  readonly revocationStale?: () => boolean;
}

/** The key set is unusable: not a list or a `{keys: [...]}` document, or a key without `kid`. */
export class StaticKeysInvalidError extends AdcpError<'ADCP_RECEIVER_KEYS_INVALID'> {
  constructor(reason: string) {
    super('ADCP_RECEIVER_KEYS_INVALID', `static webhook keys are invalid: ${reason}`);
  }
}

/**
 * Resolves `keyid` against fixed keys. A kid present twice resolves to nothing (ambiguous keys
 * fail closed). Throws `StaticKeysInvalidError` at construction on a malformed key set; lookups
 * never throw.
 */
export function staticKeySource(keys: readonly PublicJwk[] | Jwks, options: StaticKeySourceOptions = {}): WebhookKeySource {
  const list = keyList(keys);
  const byKid = new Map<string, PublicJwk | null>();
  for (const jwk of list) {
    if (typeof jwk !== 'object' || jwk === null || typeof jwk.kid !== 'string' || jwk.kid === '') {
      throw new StaticKeysInvalidError('every key needs a non-empty "kid"');
    }
    byKid.set(jwk.kid, byKid.has(jwk.kid) ? null : jwk);
  }
  const revoked = new Set(options.revokedKids ?? []);
  const senderOf = senderFunction(options.sender);
  const stale = options.revocationStale;
  return {
    async lookup(query: WebhookKeyQuery): Promise<WebhookKeyLookup> {
      const jwk = byKid.get(query.keyid);
      if (jwk === undefined || jwk === null) {
        return { ok: false, code: 'webhook_signature_key_unknown', detail: jwk === null ? 'kid is ambiguous' : 'kid not in the static key set' };
      }
      return { ok: true, jwk, senderId: senderOf(jwk), revocation: revocationOf(query.keyid, revoked, stale) };
    },
  };
}

function keyList(keys: readonly PublicJwk[] | Jwks): readonly PublicJwk[] {
  if (Array.isArray(keys)) return keys;
  const document = keys as Partial<Jwks> | null;
  if (typeof document === 'object' && document !== null && Array.isArray(document.keys)) return document.keys;
  throw new StaticKeysInvalidError('expected a JWK list or a {"keys": [...]} document');
}

function senderFunction(sender: StaticKeySourceOptions['sender']): (jwk: PublicJwk) => string {
  if (typeof sender === 'function') return sender;
  if (typeof sender === 'string') return () => sender;
  return (jwk) => `keyid:${jwk.kid ?? ''}`;
}

function revocationOf(kid: string, revoked: ReadonlySet<string>, stale: (() => boolean) | undefined): KeyRevocationState {
  if (revoked.has(kid)) return 'revoked';
  return stale?.() === true ? 'stale' : 'valid';
}
