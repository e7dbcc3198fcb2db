// Key discovery for webhook receivers: brand.json → jwks_uri → key, with revocation polling.
export {
  brandJsonKeySource,
  KeySourceConfigError,
  type BrandJsonAgent,
  type BrandJsonKeySource,
  type BrandJsonKeySourceOptions,
} from './brand-json-key-source.js';
export type { DiscoveryFetchOptions } from './guarded-fetch.js';
