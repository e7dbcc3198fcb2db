// Signing keys: JWK shapes, and the key-source contract receivers resolve webhook keys through.
export type {
  AdcpKeyPurpose,
  Ed25519PublicJwk,
  P256PublicJwk,
  PublicJwk,
  Ed25519PrivateJwk,
  P256PrivateJwk,
  PrivateJwk,
  Jwks,
} from './jwk.js';
export type { WebhookKeyQuery, WebhookKeyLookup, WebhookKeySource, KeyRevocationState } from './webhook-key-source.js';
export {
  brandJsonKeySource,
  KeySourceConfigError,
  type BrandJsonAgent,
  type BrandJsonKeySource,
  type BrandJsonKeySourceOptions,
  type DiscoveryFetchOptions,
} from './discovery/index.js';
