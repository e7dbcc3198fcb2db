// Public entry point of adcp-codegen (`import { … } from 'adcp-codegen'`, ESM and CommonJS).
// One curated list: what a seller needs to sign and deliver webhooks, and what a buyer needs to
// verify, validate and type them. Everything here must stay CommonJS-compilable (no import.meta,
// no top-level await) and must not load better-sqlite3 or pg (they load when such a store opens).

// The AdCP webhook surface generated from the pinned schemas: task types, statuses and the other
// enums (tuple + union + guard), PushNotificationConfig, McpWebhookPayload<T, S>, TaskResultMap,
// WebhookResult, buildMcpWebhookPayload, the validators, the binding, ADCP_VERSION and the schema
// hashes. The schema catalogue (every type a result reaches: Product, Package, Account …) sits
// behind the `types` namespace, so generic names never crowd the root: `types.CreateMediaBuySuccess`.
export * from './generated/adcp-protocols.js';
export * from './generated/auth-schemes.js';
export * from './generated/binding.js';
export * from './generated/build-mcp-webhook-payload.js';
export * from './generated/capabilities.js';
export * from './generated/mcp-webhook-payload.js';
export * from './generated/notification-validators.js';
export * from './generated/notifications.js';
export * from './generated/push-notification-config.js';
export * from './generated/result-validators.js';
export * from './generated/task-statuses.js';
export * from './generated/task-type-protocols.js';
export * from './generated/task-types.js';
export * from './generated/validation.js';
export * from './generated/validators.js';
export * from './generated/version.js';
export * from './generated/webhook-result.js';
export type { TaskResultMap, TaskInterimResultMap } from './generated/result-types.js';
/**
 * The AdCP 3.1.19 schema catalogue: every type a task result reaches (`types.CreateMediaBuySuccess`,
 * `types.Product`, `types.ContextObject` …), generated from schemas/cache (manifest.json tools[]).
 */
export type * as types from './generated/result-types.js';

// Signing (seller) and verification (buyer).
export type { OutgoingWebhookRequest, WebhookSigner, SyncWebhookSigner } from './runtime/signing/webhook-signer.js';
export {
  SigningConfigError,
  loadPrivateSigningKey,
  createRfc9421Signer,
  createExternalRfc9421Signer,
  signRfc9421Request,
  createHmacSigner,
  createBearerSigner,
  unsignedSigner,
  signerForPushConfig,
  verifyRfc9421Webhook,
  verifyHmacWebhook,
  tokensEqual,
  createInMemoryReplayCache,
  MIN_SECRET_BYTES,
  HMAC_SIGNATURE_HEADER,
  HMAC_TIMESTAMP_HEADER,
  HMAC_WINDOW_SECONDS,
  WEBHOOK_SIGNING_TAG,
  MAX_SIGNATURE_VALIDITY_SECONDS,
  type PrivateSigningKey,
  type Rfc9421SignerOptions,
  type Rfc9421WebhookSigner,
  type ExternalRfc9421Signer,
  type ExternalRfc9421SignerOptions,
  type ExternalSignFunction,
  type Rfc9421SignatureTiming,
  type SignedRfc9421Request,
  type HmacSignerOptions,
  type BearerSignerOptions,
  type PushAuthentication,
  type SignerSelectionOptions,
  type VerifyRfc9421WebhookInput,
  type WebhookVerification,
  type WebhookVerificationCode,
  type VerifyHmacWebhookInput,
  type HmacVerification,
  type HmacVerificationCode,
  type ReplayGuard,
  type InMemoryReplayCacheOptions,
  type HeaderSource,
  type HeaderGetter,
} from './runtime/signing/index.js';

// Delivery: background delivery on undici with retries, under the SSRF guard.
export {
  createWebhookDelivery,
  DELIVERY_DEFAULTS,
  DEFAULT_RETRY_POLICY,
  type WebhookDelivery,
  type WebhookDeliveryOptions,
  type DeliveryAcceptance,
  type DeliveryStats,
  type DrainReport,
  type UndeliveredDelivery,
  type WebhookDeliveryRequest,
  type PayloadDeliveryRequest,
  type SerializedDeliveryRequest,
  type DeliveryRuntimeOptions,
  type SignerResolver,
  type DeliveryResult,
  type DeliveryObserver,
  type DeliveryErrorClass,
  type RetryPolicy,
  type DeliveryClock,
  type DeliveryWorker,
  type WorkerSummary,
} from './runtime/delivery/index.js';
export {
  HARDENED_WEBHOOK_PORTS,
  SsrfBlockedError,
  DnsFailureError,
  type SsrfOptions,
  type HostResolver,
  type ResolvedAddress,
  type SocketConnector,
} from './runtime/ssrf/index.js';

// Durable delivery: stores selected by URL (memory: | sqlite:<path> | postgres://…) and the outbox.
export { openDeliveryStore, type OpenDeliveryStoreOptions } from './runtime/store/store-url.js';
export type { SqliteDeliveryStoreOptions, PostgresDeliveryStoreOptions } from './runtime/store/store-options.js';
export type { BodyEncryptionKeyring } from './runtime/store/body-encryption.js';
export { DeliveryStoreError, type DeliveryStoreErrorCode } from './runtime/store/delivery-store-error.js';
export type {
  DeliveryStore,
  DeliveryRecord,
  DeliveryStatus,
  NewDelivery,
  SigningDescriptor,
  AttemptOutcome,
  ClaimOptions,
  ListQuery,
} from './runtime/store/delivery-store.js';
export {
  createDurableOutbox,
  OUTBOX_DEFAULTS,
  type DurableOutbox,
  type DurableOutboxOptions,
  type OutboxAcceptance,
  type OutboxRefusalReason,
} from './runtime/store/durable-outbox.js';
export { signerResolverFor, UnknownSignerError, type SigningDescriptorResolver } from './runtime/store/signer-resolver.js';

// Task webhooks for sellers: push-config extraction, the conformant lifecycle path (default) and
// the opt-in sync-completion gate (off by default; non-conformant since AdCP 3.0.26).
export {
  extractPushNotificationConfig,
  PUSH_CONFIG_FIELD,
  REQUIRE_OPERATION_ID_BY_DEFAULT,
  invalidRequest,
  emitTaskWebhook,
  startTaskLifecycle,
  TaskLifecycle,
  createSyncCompletionGate,
  maybeEmitSyncCompletion,
  SYNC_COMPLETION_NONCONFORMANCE,
  SYNC_COMPLETION_TASK_TYPES,
  createWebhookSender,
  emitTaskWebhookDurably,
  isDurableWebhookSender,
  ReplayDedup,
  DEFAULT_REPLAY_MAX_ENTRIES,
  DEFAULT_REPLAY_TTL_MS,
  isTerminalStatus,
  NON_TERMINAL_INITIAL_STATUSES,
  terminalNotificationId,
  type PushConfigExtraction,
  type PushConfigPolicy,
  type InvalidRequestError,
  type ResultContext,
  type TaskWebhookInput,
  type TaskWebhookOptions,
  type TaskWebhookOutcome,
  type TaskWebhookRefusal,
  type InitialTaskResponse,
  type LifecycleUpdateOutcome,
  type TaskLifecycleOptions,
  type TaskWebhookSender,
  type LifecycleUpdateResult,
  type DurableWebhookSender,
  type SyncCompletionCall,
  type SyncCompletionDelivery,
  type SyncCompletionGate,
  type SyncCompletionGateOptions,
  type SyncCompletionOutcome,
  type SyncCompletionTaskType,
  type BackgroundDelivery,
  type OutgoingTaskWebhook,
  type SendOutcome,
  type WebhookSender,
  type WebhookSenderOptions,
  type ReplayDedupOptions,
  type RequestReplayGuard,
  type NonTerminalInitialStatus,
  type BoundTaskWebhookInput,
  type DeliveryPushConfig,
  type OutgoingWebhook,
  type LifecycleTaskTypeOf,
  type AnnouncedStatusOf,
  type LifecycleResult,
} from './runtime/webhooks/index.js';

// Several AdCP versions in one process: the types read off a binding, for entry points taking `binding`.
export type { DefaultBinding, BindingTaskType, BindingStatus, BindingConfig, BindingPayload } from './runtime/routing/binding-types.js';

// Receiving (buyer): one call that verifies, dedups, validates and dispatches a webhook; the key
// source and store contracts it runs on, with static keys and in-memory stores; HTTP adapters.
export * from './runtime/receiver/index.js';
export type {
  PublicJwk,
  Ed25519PublicJwk,
  P256PublicJwk,
  PrivateJwk,
  Ed25519PrivateJwk,
  P256PrivateJwk,
  Jwks,
  AdcpKeyPurpose,
  WebhookKeyQuery,
  WebhookKeyLookup,
  WebhookKeySource,
  KeyRevocationState,
} from './runtime/keys/index.js';
// Sellers: key generation (RFC 7638 kids), key sets through rotation and revocation, the signed
// revocation list, the JWKS / revocation list / brand.json publication handler and the
// `webhook_signing` + `identity` capability blocks derived from the signers in use.
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
  KeyManagementError,
  SigningKeySet,
  signRevocationList,
  DEFAULT_REVOCATION_NEXT_UPDATE_SECONDS,
  createKeyPublicationHandler,
  brandJsonAgentEntry,
  KEY_PUBLICATION_PATHS,
  DEFAULT_JWKS_MAX_AGE_SECONDS,
  signingCapabilities,
  webhookSigningCapability,
  identityCapability,
  type SigningKeyAlgorithm,
  type WebhookKeyPurpose,
  type SigningKeyPair,
  type GenerateSigningKeyOptions,
  type KeyManagementErrorCode,
  type KeyLifecycleState,
  type KeySetKey,
  type SigningKeySetSignerOptions,
  type RevocationListOptions,
  type RevocationListSigningKey,
  type SignedRevocationList,
  type KeyPublicationOptions,
  type KeyPublicationHandler,
  type PublicationResponse,
  type BrandJsonAgentEntry,
  type SigningCapabilities,
  type SigningCapabilitiesOptions,
  type WebhookSigningCapability,
  type WebhookSigningAlgorithm,
  type WebhookSigningSource,
  type IdentityCapability,
  type KeyOrigins,
} from './runtime/keys/index.js';
// Webhook receivers: seller keys discovered through brand.json (jwks_uri, eTLD+1 origin binding,
// publisher pins, signed revocation list), every fetch through the SSRF guard.
export {
  brandJsonKeySource,
  KeySourceConfigError,
  type BrandJsonAgent,
  type BrandJsonKeySource,
  type BrandJsonKeySourceOptions,
  type DiscoveryFetchOptions,
} from './runtime/keys/discovery/index.js';

// Errors: one base class (AdcpError, `instanceof` holds across copies of the package), the
// catalogue of stable `ADCP_<AREA>_<CAUSE>` codes, and every error class the runtime throws.
export {
  AdcpError,
  isAdcpError,
  ADCP_ERROR_CODES,
  isAdcpErrorCode,
  type AdcpErrorCode,
  TargetUriMalformedError,
  SignatureComponentError,
  JsonSyntaxError,
  DuplicateKeyInputError,
  DeliveryConfigError,
  DELIVERY_STORE_ERROR_CODES,
  MemoryStoreError,
  ReceiverStoreError,
  type ReceiverStoreErrorCode,
  BindingContractError,
  NotificationPayloadError,
} from './runtime/errors/index.js';

// The binding contract between a generated AdCP version output (its binding.ts) and this runtime;
// also the package subpath `adcp-codegen/binding`, the only entry generated code imports.
export {
  BINDING_CONTRACT,
  defineBinding,
  type AdcpBinding,
  type AnyAdcpBinding,
  type BindingSpec,
  type BindingRules,
  type BindingStatusRole,
  type BindingTaskKind,
} from './runtime/binding/index.js';

// Logging: the runtime never logs tokens, credentials, signatures, private keys or URL queries.
export { silentLogger, stderrJsonLogger, guardLogger, redactUrl, type Logger, type LogLevel, type RedactUrlOptions } from './runtime/logging/logger.js';
export {
  createNotificationSender,
  type NotificationKindRouting,
  type NotificationSender,
  type NotificationSenderOptions,
  type NotificationSendRequest,
  createNotificationReceiver,
  type NotificationEvent,
  type NotificationKindShape,
  type NotificationOutcome,
  type NotificationReceiver,
  type NotificationReceiverOptions,
  type NotificationPayloadIssue,
  type NotificationPayloadValidator,
} from './runtime/notifications/index.js';


// Account-level webhook subscribers (accounts/tasks/sync_accounts.mdx — "Account-level webhook subscriptions").
export {
  createSubscriberRegistry,
  ACCOUNT_ANCHORED_TYPES,
  MEDIA_BUY_ANCHORED_TYPES,
  type ApplyResult,
  type ChallengePoster,
  type DeliveryAuth,
  type NotificationConfigEcho,
  type NotificationConfigInput,
  type StoredSubscriber,
  type SubscriberRegistry,
  type SubscriberRegistryOptions,
  type SubscriptionError,
  createMemorySubscriberStore,
  openSqliteSubscriberStore,
  openPostgresSubscriberStore,
  type SubscriberStore,
  type SubscriberStoreOptions,
} from './runtime/subscriptions/index.js';

// `webhook_activity[]` (core/webhook-activity-record.json; protocol/snapshot-and-log.mdx — Webhook activity log pattern).
export { createActivityLog, ACTIVITY_LABELS, type ActivityLog, type ActivityLogOptions, type WebhookActivityRecord } from './runtime/activity/index.js';
