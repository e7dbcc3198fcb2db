// A seller's signing keys through rotation and revocation (security.mdx "Key rotation" and
// "Webhook revocation and rotation"): a `next` key is published before it signs, so caches learn
// it; `rotate()` makes it `active` (the one the signer uses) and the old active key `retiring`
// (still published, so webhooks signed just before the switch keep verifying); `remove()` drops a
// retired key from the JWKS; `revoke()` takes a key out of the JWKS and puts its `kid` on the
// signed revocation list (an emergency revocation of the active key promotes `next` at once).
import { createExternalRfc9421Signer, type ExternalSignFunction } from '../signing/external-signer.js';
import { createRfc9421Signer } from '../signing/rfc9421-signer.js';
import type { SignatureAlgorithm } from '../signing/signature-base.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import { checkPublishableKey, publicJwkOf } from './generate.js';
import type { Jwks, PrivateJwk, PublicJwk } from './jwk.js';
import { KeyManagementError } from './key-errors.js';
import { signRevocationList, type SignedRevocationList } from './revocation-publisher.js';

/** Where a key is in its life: published ahead, signing, published after, or revoked. */
export type KeyLifecycleState = 'next' | 'active' | 'retiring' | 'revoked';

/** One key of a set: its private JWK, or its public JWK with an external signing hook (KMS). */
export type KeySetKey =
  | { readonly privateJwk: PrivateJwk; readonly state: KeyLifecycleState }
  | { readonly publicJwk: PublicJwk; readonly sign: ExternalSignFunction; readonly state: KeyLifecycleState }
  /** A published key this process cannot sign with (e.g. a retiring key whose private half is gone). */
  | { readonly publicJwk: PublicJwk; readonly state: Exclude<KeyLifecycleState, 'active'> };

interface Member {
  readonly kid: string;
  readonly publicJwk: PublicJwk & { readonly kid: string };
  readonly privateJwk?: PrivateJwk;
  readonly sign?: ExternalSignFunction;
  state: KeyLifecycleState;
}

/** Options of a key set's signer (it always signs with the set's active key). */
export interface SigningKeySetSignerOptions {
  /** `expires - created`; 1..300, default 300. */
  readonly expiresInSeconds?: number;
}

/**
 * A seller's signing keys with their lifecycle states. At most one key is `active`. The JWKS
 * publishes every key that is not revoked; the revocation list names every revoked `kid`.
 */
export class SigningKeySet {
  readonly #members = new Map<string, Member>();
  #signer: WebhookSigner | undefined;

  /** Throws `KeyManagementError` for a duplicate `kid`, an unusable key, or two active keys. */
  constructor(keys: readonly KeySetKey[]) {
    for (const key of keys) this.add(key);
  }

  /** Adds a key (typically `next`). Throws on a `kid` already in the set or a second active key. */
  add(key: KeySetKey): void {
    const member = toMember(key);
    if (this.#members.has(member.kid)) throw new KeyManagementError('ADCP_KEYS_KID_COLLISION', `the key set already holds kid "${member.kid}"`);
    if (member.state === 'active' && this.activeKid !== undefined) {
      throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `"${member.kid}" cannot be active: "${this.activeKid}" already is`);
    }
    this.#members.set(member.kid, member);
    if (member.state === 'active') this.#signer = undefined;
  }

  /** The `kid` the signer uses, if any key is active. */
  get activeKid(): string | undefined {
    for (const member of this.#members.values()) if (member.state === 'active') return member.kid;
    return undefined;
  }

  /** State of every key, by `kid`. */
  states(): Record<string, KeyLifecycleState> {
    return Object.fromEntries([...this.#members.values()].map((member) => [member.kid, member.state]));
  }

  /** The JWKS to publish: every key that is not revoked (next, active, retiring). */
  jwks(): Jwks {
    return { keys: [...this.#members.values()].filter((member) => member.state !== 'revoked').map((member) => member.publicJwk) };
  }

  /** Every revoked `kid`, sorted. */
  revokedKids(): readonly string[] {
    return [...this.#members.values()].filter((member) => member.state === 'revoked').map((member) => member.kid).sort();
  }

  /** RFC 9421 algorithms the set signs with now (the active key's), for the capability block. */
  signingAlgorithms(): readonly SignatureAlgorithm[] {
    const kid = this.activeKid;
    if (kid === undefined) return [];
    const jwk = this.#members.get(kid)!.publicJwk;
    return [jwk.kty === 'OKP' ? 'ed25519' : 'ecdsa-p256-sha256'];
  }

  /**
   * A webhook signer that always signs with the key active at the time of the call, so a long-lived
   * delivery runtime follows `rotate()` and `revoke()`. Without an active key it throws, and
   * delivery records `signing_error`.
   */
  signer(options: SigningKeySetSignerOptions = {}): WebhookSigner {
    const current = (): WebhookSigner => {
      this.#signer ??= this.#signerForActive(options);
      return this.#signer;
    };
    return {
      get descriptor() {
        return current().descriptor;
      },
      headersFor: (request, nowSeconds) => current().headersFor(request, nowSeconds),
    };
  }

  /** `next` → `active`, `active` → `retiring`. Throws when there is no `next` key (or several). */
  rotate(): void {
    const next = [...this.#members.values()].filter((member) => member.state === 'next');
    if (next.length !== 1) throw new KeyManagementError('ADCP_KEYS_NO_ACTIVE_KEY', `rotate() needs exactly one "next" key; the set has ${next.length}`);
    this.#assertCanSign(next[0]!);
    for (const member of this.#members.values()) if (member.state === 'active') member.state = 'retiring';
    next[0]!.state = 'active';
    this.#signer = undefined;
  }

  /** Drops a retiring (or next) key from the set and so from the JWKS. */
  remove(kid: string): void {
    const member = this.#get(kid);
    if (member.state === 'active') throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `"${kid}" is active: rotate or revoke it first`);
    if (member.state === 'revoked') throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `"${kid}" is revoked: it stays on the revocation list`);
    this.#members.delete(kid);
  }

  /**
   * Revokes `kid`: it leaves the JWKS and joins the revocation list. Revoking the active key
   * promotes the `next` key when there is exactly one; otherwise no key is active until one is added.
   */
  revoke(kid: string): void {
    const member = this.#get(kid);
    const wasActive = member.state === 'active';
    member.state = 'revoked';
    if (!wasActive) return;
    this.#signer = undefined;
    const next = [...this.#members.values()].filter((candidate) => candidate.state === 'next');
    if (next.length === 1 && canSign(next[0]!)) next[0]!.state = 'active';
  }

  /**
   * Signs the revocation list of this set (security.mdx "Transport revocation") with the active key.
   * Throws `KeyManagementError` (`ADCP_KEYS_NO_ACTIVE_KEY`) when no key is active.
   */
  async revocationList(options: { readonly issuer: string; readonly updatedAt?: number; readonly nextUpdateInSeconds?: number }): Promise<SignedRevocationList> {
    const active = this.#active();
    const signingKey = active.privateJwk ?? { publicJwk: active.publicJwk, sign: active.sign! };
    return signRevocationList({ ...options, revokedKids: this.revokedKids(), signingKey });
  }

  #signerForActive(options: SigningKeySetSignerOptions): WebhookSigner {
    const active = this.#active();
    const validity = options.expiresInSeconds === undefined ? {} : { expiresInSeconds: options.expiresInSeconds };
    if (active.privateJwk !== undefined) return createRfc9421Signer({ key: active.privateJwk, ...validity });
    return createExternalRfc9421Signer({ publicJwk: active.publicJwk, sign: active.sign!, ...validity });
  }

  #active(): Member {
    const kid = this.activeKid;
    if (kid === undefined) throw new KeyManagementError('ADCP_KEYS_NO_ACTIVE_KEY', 'the key set has no active key');
    return this.#members.get(kid)!;
  }

  #get(kid: string): Member {
    const member = this.#members.get(kid);
    if (member === undefined) throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `the key set holds no kid "${kid}"`);
    return member;
  }

  #assertCanSign(member: Member): void {
    if (!canSign(member)) throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `"${member.kid}" has no private key or signing hook, so it cannot be active`);
  }
}

function canSign(member: Member): boolean {
  return member.privateJwk !== undefined || member.sign !== undefined;
}

function toMember(key: KeySetKey): Member {
  if (!['next', 'active', 'retiring', 'revoked'].includes(key.state)) {
    throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `unknown key state ${JSON.stringify(key.state)}: next, active, retiring or revoked`);
  }
  if ('privateJwk' in key) {
    // createRfc9421Signer checks the private key (and that its public members belong to it).
    createRfc9421Signer({ key: key.privateJwk });
    const publicJwk = checkPublishableKey(publicJwkOf(key.privateJwk));
    return { kid: publicJwk.kid, publicJwk, privateJwk: key.privateJwk, state: key.state };
  }
  const publicJwk = checkPublishableKey(key.publicJwk);
  const sign = 'sign' in key ? key.sign : undefined;
  if (key.state === 'active' && sign === undefined) {
    throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `"${publicJwk.kid}" has no private key or signing hook, so it cannot be active`);
  }
  return sign === undefined ? { kid: publicJwk.kid, publicJwk, state: key.state } : { kid: publicJwk.kid, publicJwk, sign, state: key.state };
}
