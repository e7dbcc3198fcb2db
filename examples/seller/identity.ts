// The seller's published identity, derived from the one signer its webhooks go out with:
//   - the JWKS and brand.json, served by `createKeyPublicationHandler` (security.mdx "Agent key
//     publication": public keys at the brand.json `agents[].jwks_uri`);
//   - the `webhook_signing` block from `webhookSigningCapability` (security.mdx "Webhook
//     callbacks"): the algorithms listed are exactly the ones the signer signs with;
//   - `identity` (`brand_json_url`, `key_origins`) of protocol/get-adcp-capabilities-response.json.
// The schemas require https for `agents[].url`, `jwks_uri` and `brand_json_url`, and so do
// `brandJsonAgentEntry` / `identityCapability`. On plain-http loopback (local development only)
// the same two objects are written out here, naming the http URLs the seller really listens on.
import {
  brandJsonAgentEntry,
  buildJwks,
  createKeyPublicationHandler,
  identityCapability,
  webhookSigningCapability,
  type IdentityCapability,
  type Jwks,
  type KeyPublicationHandler,
  type PublicJwk,
  type WebhookSigningCapability,
  type WebhookSigningSource,
} from '../../src/index.js';

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
  readonly jwks: Jwks;
  /** The brand.json document (the "Brand Agent" form: one `agents[]` entry of type `sales`). */
  readonly brandJson: { readonly agents: readonly Record<string, unknown>[] };
  /** Serves the JWKS and brand.json (node:http), with cache headers and ETags. */
  readonly publication: KeyPublicationHandler;
  /** `webhook_signing` for get_adcp_capabilities. */
  readonly webhookSigning: WebhookSigningCapability;
  /** `identity` for get_adcp_capabilities. */
  readonly identity: IdentityCapability;
}

export interface SellerIdentityOptions {
  /** The RFC 9421 signer the webhook sender uses. */
  readonly signer: WebhookSigningSource;
  /** The public half of its key (e.g. `publicJwkOf(privateJwk)`), published in the JWKS. */
  readonly publicJwk: PublicJwk;
  /** Whether `push_notification_config.authentication` (legacy HMAC) is honored; the sender does. */
  readonly legacyHmacFallback: boolean;
}

const AGENT_ID = 'example_seller';

/** The endpoints of a seller whose MCP endpoint is `{origin}/mcp`. */
export function endpointsFor(origin: string): SellerEndpoints {
  const base = new URL(origin);
  return {
    agentUrl: new URL('/mcp', base).href,
    brandJsonUrl: new URL('/.well-known/brand.json', base).href,
    jwksUrl: new URL('/.well-known/jwks.json', base).href,
  };
}

/** Everything the seller publishes about its signing key. */
export function sellerIdentity(endpoints: SellerEndpoints, options: SellerIdentityOptions): SellerIdentity {
  const jwks = buildJwks([options.publicJwk]);
  const brandJson = { agents: [agentEntry(endpoints)] };
  return {
    endpoints,
    jwks,
    brandJson,
    publication: createKeyPublicationHandler({ jwks, brandJson }),
    webhookSigning: webhookSigningCapability({ signers: [options.signer], legacyHmacFallback: options.legacyHmacFallback }),
    identity: identityOf(endpoints),
  };
}

function isHttps(endpoints: SellerEndpoints): boolean {
  return endpoints.agentUrl.startsWith('https://');
}

function agentEntry(endpoints: SellerEndpoints): Record<string, unknown> {
  if (isHttps(endpoints)) return { ...brandJsonAgentEntry({ url: endpoints.agentUrl, jwksUri: endpoints.jwksUrl, id: AGENT_ID }) };
  return { type: 'sales', url: endpoints.agentUrl, id: AGENT_ID, jwks_uri: endpoints.jwksUrl }; // http loopback: development only
}

function identityOf(endpoints: SellerEndpoints): IdentityCapability {
  if (isHttps(endpoints)) return identityCapability({ brandJsonUrl: endpoints.brandJsonUrl, jwksUri: endpoints.jwksUrl });
  const keyOrigin = new URL(endpoints.jwksUrl).origin; // http loopback: development only
  return { brand_json_url: endpoints.brandJsonUrl, key_origins: { request_signing: keyOrigin, webhook_signing: keyOrigin } };
}
