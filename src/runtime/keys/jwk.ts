// JSON Web Key shapes the runtime takes and publishes, independent of any `@types/node` version.
// Only the two algorithms of the AdCP RFC 9421 profiles exist here (security.mdx "AdCP RFC 9421
// profile": ed25519 and ecdsa-p256-sha256), so a typo or a foreign key type fails compilation.

/**
 * What a published AdCP signing key is for (security.mdx "Agent key publication"): webhooks are
 * signed with a `request-signing` key; `webhook-signing` is deprecated but still accepted by 3.1+
 * verifiers and is the only purpose AdCP 3.0 webhook verifiers accept.
 */
export type AdcpKeyPurpose = 'request-signing' | 'webhook-signing' | 'governance-signing' | 'response-signing';

/** Members every public signing JWK may carry (RFC 7517 §4 plus AdCP's `adcp_use`). */
interface PublicJwkMembers {
  /** Key id, unique within the JWKS (`keyid` in Signature-Input). */
  readonly kid?: string;
  /** RFC 7517 §4.2: `"sig"` for AdCP signing keys. */
  readonly use?: 'sig';
  /** RFC 7517 §4.3: `["verify"]` on a published key. */
  readonly key_ops?: readonly string[];
  /** AdCP key purpose (security.mdx "Agent key publication"). */
  readonly adcp_use?: AdcpKeyPurpose;
}

/** Public Ed25519 key (RFC 8037 §2): signs as `alg="ed25519"` in Signature-Input. */
export interface Ed25519PublicJwk extends PublicJwkMembers {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  /** base64url public key, 32 bytes. */
  readonly x: string;
  /** JOSE algorithm name (RFC 8037 §3.1). */
  readonly alg?: 'EdDSA';
}

/** Public P-256 key (RFC 7518 §6.2): signs as `alg="ecdsa-p256-sha256"` in Signature-Input. */
export interface P256PublicJwk extends PublicJwkMembers {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  /** JOSE algorithm name (RFC 7518 §3.4). */
  readonly alg?: 'ES256';
}

/** A public AdCP signing key: what a JWKS publishes and a verifier takes. */
export type PublicJwk = Ed25519PublicJwk | P256PublicJwk;

/** Private Ed25519 key: the public members plus `d` (RFC 8037 §2). */
export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  readonly d: string;
}

/** Private P-256 key: the public members plus `d` (RFC 7518 §6.2.2.1). */
export interface P256PrivateJwk extends P256PublicJwk {
  readonly d: string;
}

/** A private AdCP signing key, as a signer takes it. Never logged, never published. */
export type PrivateJwk = Ed25519PrivateJwk | P256PrivateJwk;

/** A JWK Set document (RFC 7517 §5), as served at a `jwks_uri`. */
export interface Jwks {
  readonly keys: readonly PublicJwk[];
}
