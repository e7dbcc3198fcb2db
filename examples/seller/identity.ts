// The seller's published identity: its JWKS, the brand.json naming its agent and `jwks_uri`, and
// the `webhook_signing` / `identity` capability blocks, all derived from the one key it signs with.
//   - security.mdx "Agent key publication": public keys at the brand.json `agents[].jwks_uri`;
//   - security.mdx "Webhook callbacks": the `webhook_signing` block a webhook-emitting seller declares;
//   - protocol/get-adcp-capabilities-response.json `identity.brand_json_url`: the trust root pointer.
import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/** What a webhook signature's `alg` names for a key (security.mdx "Webhook callbacks": ed25519 or ecdsa-p256-sha256). */
export type WebhookSigningAlgorithm = 'ed25519' | 'ecdsa-p256-sha256';

/** Where the seller is reached and where it publishes; the agent URL is what brand.json names. */
export interface SellerEndpoints {
  /** The MCP endpoint, e.g. `https://seller.example/mcp` (the brand.json `agents[].url`). */
  readonly agentUrl: string;
  /** `/.well-known/brand.json` on the agent's origin. */
  readonly brandJsonUrl: string;
  /** `/.well-known/jwks.json` on the agent's origin. */
  readonly jwksUrl: string;
}

export interface SellerIdentity {
  readonly endpoints: SellerEndpoints;
  /** The published JWKS: public halves only. */
  readonly jwks: { readonly keys: readonly JsonWebKey[] };
  /** The brand.json document (the "Brand Agent" form: one `agents[]` entry of type `sales`). */
  readonly brandJson: Record<string, unknown>;
  /** `webhook_signing` for get_adcp_capabilities: what the signer really uses, nothing more. */
  readonly webhookSigning: {
    readonly supported: true;
    readonly profile: 'adcp/webhook-signing/v1';
    readonly algorithms: readonly WebhookSigningAlgorithm[];
    readonly legacy_hmac_fallback: boolean;
  };
  /** `identity` for get_adcp_capabilities. */
  readonly identity: { readonly brand_json_url: string; readonly key_origins: { readonly webhook_signing: string } };
}

/** The endpoints of a seller whose MCP endpoint is `{origin}/mcp`. */
export function endpointsFor(origin: string): SellerEndpoints {
  const base = new URL(origin);
  return {
    agentUrl: new URL('/mcp', base).href,
    brandJsonUrl: new URL('/.well-known/brand.json', base).href,
    jwksUrl: new URL('/.well-known/jwks.json', base).href,
  };
}

/**
 * The published half of a signing key, with the members a webhook verifier requires (security.mdx
 * "Webhook callbacks", verifier checklist): `use: "sig"`, `key_ops: ["verify"]`, an `adcp_use`
 * purpose, the JOSE `alg` and its `kid`.
 */
export function publicSigningJwk(privateJwk: JsonWebKey & { kid?: string; adcp_use?: string }): JsonWebKey {
  const purpose = privateJwk.adcp_use;
  if (purpose !== 'request-signing' && purpose !== 'webhook-signing') throw new Error('the signing JWK needs adcp_use "request-signing" or "webhook-signing"');
  const key: KeyObject = createPublicKey({ key: privateJwk, format: 'jwk' });
  const { kty, crv, x, y } = key.export({ format: 'jwk' });
  if (typeof privateJwk.kid !== 'string' || privateJwk.kid === '') throw new Error('the signing JWK has no kid');
  const alg = kty === 'OKP' ? 'EdDSA' : 'ES256';
  return {
    kty,
    crv,
    x,
    ...(y === undefined ? {} : { y }),
    kid: privateJwk.kid,
    alg,
    use: 'sig',
    key_ops: ['verify'],
    adcp_use: purpose,
  } as JsonWebKey;
}

/** Everything the seller publishes about its key, for one signing key. */
export function sellerIdentity(endpoints: SellerEndpoints, publicJwk: JsonWebKey, options: { legacyHmacFallback?: boolean } = {}): SellerIdentity {
  const algorithm: WebhookSigningAlgorithm = publicJwk.kty === 'OKP' ? 'ed25519' : 'ecdsa-p256-sha256';
  return {
    endpoints,
    jwks: { keys: [publicJwk] },
    brandJson: {
      agents: [{ type: 'sales', url: endpoints.agentUrl, id: 'example_seller', jwks_uri: endpoints.jwksUrl }],
    },
    webhookSigning: {
      supported: true,
      profile: 'adcp/webhook-signing/v1',
      algorithms: [algorithm],
      legacy_hmac_fallback: options.legacyHmacFallback ?? true,
    },
    identity: { brand_json_url: endpoints.brandJsonUrl, key_origins: { webhook_signing: new URL(endpoints.jwksUrl).origin } },
  };
}
