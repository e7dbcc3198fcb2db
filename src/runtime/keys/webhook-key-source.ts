// The contract between a webhook receiver and wherever its signers' keys come from (static keys, a
// JWKS document, or brand.json discovery with revocation polling). The receiver runs the verifier
// checklist (security.mdx "Webhook callbacks" → "Verifier checklist for webhooks"); a key source
// answers step 7 (key resolution, with one refetch on a kid miss) and supplies what steps 8 and 9
// judge (the JWK's purpose members, the revocation state).
import type { PublicJwk } from './jwk.js';

/** A request for the key named by `keyid` in a received `Signature-Input`. */
export interface WebhookKeyQuery {
  /** `keyid` from the signature parameters. */
  readonly keyid: string;
  /**
   * Who the receiver expects to have signed (e.g. the seller's agent URL from the registration).
   * Identity is established by the key chain, never by payload fields (security.mdx "JWKS discovery").
   */
  readonly expectedSender?: string;
  /** Current time, unix seconds (injectable for tests and vectors). */
  readonly now: number;
}

/** Revocation state of a resolved key (security.mdx "Transport revocation"). */
export type KeyRevocationState = 'valid' | 'revoked' | 'stale';

/** The answer of a key source. Failure codes are the spec's webhook error taxonomy codes. */
export type WebhookKeyLookup =
  | {
      readonly ok: true;
      readonly jwk: PublicJwk;
      /** The authenticated sender identity the key belongs to (dedup scope), e.g. the agent URL. */
      readonly senderId: string;
      readonly revocation: KeyRevocationState;
    }
  | {
      readonly ok: false;
      readonly code: 'webhook_signature_key_unknown';
      /** Operator-facing reason (never a secret), e.g. "jwks_uri fetch failed: HTTP 404". */
      readonly detail?: string;
    };

/**
 * Resolves signing keys for received webhooks. Implementations never throw: every failure is a
 * `{ ok: false }` answer, and a lookup that cannot complete fails closed.
 */
export interface WebhookKeySource {
  lookup(query: WebhookKeyQuery): Promise<WebhookKeyLookup>;
}
