// Webhook signing: the RFC 9421 webhook profile, legacy HMAC-SHA256 and Bearer, mode selection,
// and the buyer-side verifiers.
export type { OutgoingWebhookRequest, WebhookSigner, SyncWebhookSigner } from './webhook-signer.js';
export { SignatureComponentError, SigningConfigError, TargetUriMalformedError } from './errors.js';
export { canonicalTargetUri, canonicalAuthority, canonicalizeUrl, type CanonicalUrl } from './target-uri.js';
export { contentDigestHeader } from './content-digest.js';
export {
  buildSignatureBase,
  serializeSignatureParams,
  MAX_SIGNATURE_VALIDITY_SECONDS,
  SIGNATURE_LABEL,
  WEBHOOK_COVERED_COMPONENTS,
  WEBHOOK_SIGNING_TAG,
  type SignatureAlgorithm,
  type SignatureBaseInput,
  type SignatureParams,
} from './signature-base.js';
export { loadPrivateSigningKey, type PrivateSigningKey } from './signing-keys.js';
export {
  createRfc9421Signer,
  signRfc9421Request,
  freshNonce,
  type Rfc9421SignerOptions,
  type Rfc9421SignatureTiming,
  type Rfc9421WebhookSigner,
  type SignedRfc9421Request,
} from './rfc9421-signer.js';
export {
  createExternalRfc9421Signer,
  type ExternalRfc9421Signer,
  type ExternalRfc9421SignerOptions,
  type ExternalSignFunction,
} from './external-signer.js';
export {
  createHmacSigner,
  hmacSignatureHeader,
  HMAC_SIGNATURE_HEADER,
  HMAC_TIMESTAMP_HEADER,
  type HmacSignerOptions,
} from './hmac-signer.js';
export { createBearerSigner, type BearerSignerOptions } from './bearer-signer.js';
export { unsignedSigner } from './unsigned-signer.js';
export { assertStrongSecret, MIN_SECRET_BYTES } from './secret-policy.js';
export { signerForPushConfig, type PushAuthentication, type SignerSelectionOptions } from './mode-selection.js';
export {
  verifyRfc9421Webhook,
  type VerifyRfc9421WebhookInput,
  type WebhookVerification,
  type WebhookVerificationCode,
} from './rfc9421-verifier.js';
export {
  verifyHmacWebhook,
  HMAC_WINDOW_SECONDS,
  type HmacVerification,
  type HmacVerificationCode,
  type VerifyHmacWebhookInput,
} from './hmac-verifier.js';
export { tokensEqual } from './constant-time.js';
export { createInMemoryReplayCache, type ReplayGuard, type InMemoryReplayCacheOptions } from './replay-cache.js';
export type { HeaderSource, HeaderGetter } from './headers.js';
export {
  findDuplicateJsonKey,
  assertNoDuplicateKeys,
  isUnambiguousJson,
  LEGACY_HMAC_BODY_SCAN,
  type DuplicateKeyScanOptions,
  DuplicateKeyInputError,
  JsonSyntaxError,
} from '../json/duplicate-keys.js';
