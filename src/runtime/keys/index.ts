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
// Making, rotating, revoking and publishing a seller's signing keys.
export {
  generateSigningKey,
  publicJwkOf,
  jwkThumbprint,
  buildJwks,
  checkPublishableKey,
  parseSigningKeyAlgorithm,
  parseKeyPurpose,
  DEFAULT_KEY_PURPOSE,
  KEY_PURPOSE_COMPATIBILITY,
  type SigningKeyAlgorithm,
  type WebhookKeyPurpose,
  type SigningKeyPair,
  type GenerateSigningKeyOptions,
} from './generate.js';
export { KeyManagementError, type KeyManagementErrorCode } from './key-errors.js';
export { SigningKeySet, type KeyLifecycleState, type KeySetKey, type SigningKeySetSignerOptions } from './key-set.js';
export {
  signRevocationList,
  DEFAULT_REVOCATION_NEXT_UPDATE_SECONDS,
  type RevocationListOptions,
  type RevocationListSigningKey,
  type SignedRevocationList,
} from './revocation-publisher.js';
export {
  createKeyPublicationHandler,
  brandJsonAgentEntry,
  KEY_PUBLICATION_PATHS,
  DEFAULT_JWKS_MAX_AGE_SECONDS,
  type KeyPublicationOptions,
  type KeyPublicationHandler,
  type PublicationResponse,
  type BrandJsonAgentEntry,
} from './publication.js';
export {
  signingCapabilities,
  webhookSigningCapability,
  identityCapability,
  type SigningCapabilities,
  type SigningCapabilitiesOptions,
  type WebhookSigningCapability,
  type WebhookSigningAlgorithm,
  type WebhookSigningSource,
  type IdentityCapability,
  type KeyOrigins,
} from './capabilities.js';
