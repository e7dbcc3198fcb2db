// The buyer's webhook receiver: verification, dedup, validation, typed dispatch, and the
// contracts and in-memory implementations of its stores and key source.
export {
  createWebhookReceiver,
  answerFor,
  type WebhookReceiver,
  type BoundWebhookReceiver,
  type HttpWebhookReceiver,
  type AnyWebhookHttpAnswer,
  type WebhookReceiverHandlerOptions,
  type WebhookHandler,
  type WebhookHttpAnswer,
} from './webhook-receiver.js';
export {
  createWebhookReceiverCore,
  isJsonMediaType,
  ReceiverConfigError,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_DEDUP_RETENTION_MS,
  type WebhookReceiverOptions,
  type WebhookReceiverCore,
  type ReceiveOptions,
  type ClaimedEvent,
  type ClaimOutcome,
} from './receiver.js';
export type { WebhookRequest } from './request-snapshot.js';
export type {
  WebhookAuthMode,
  WebhookFormat,
  WebhookEventFacts,
  TypedWebhookEvent,
  WebhookEvent,
  UntypedWebhookEvent,
  ReceivedWebhookEvent,
  BoundWebhookEvent,
  BoundWebhookEvents,
  BoundReceivedEvent,
  WebhookDuplicate,
  WebhookRejection,
  WebhookRejectionCode,
  ReceiverRejectionCode,
  RejectionStage,
  RejectionExplanation,
  ReceiveOutcome,
} from './events.js';
export type {
  WebhookRegistration,
  Rfc9421Registration,
  HmacRegistration,
  BearerRegistration,
  RegistrationResolver,
  RegistrationQuery,
} from './registration.js';
export { staticKeySource, StaticKeysInvalidError, type StaticKeySourceOptions } from './static-key-source.js';
export {
  createMemoryNonceStore,
  createMemoryDedupStore,
  type MemoryNonceStoreOptions,
  type MemoryDedupStoreOptions,
} from './memory-stores.js';
export {
  createNotificationTracker,
  createTaskOrderTracker,
  type NotificationTracker,
  type TaskOrderTracker,
  type TrackerOptions,
} from './event-tracking.js';
export { detectWebhookFormat, extractA2aWebhook, type A2aExtraction, type A2aExtractionResult } from './payload-formats.js';
export type {
  NonceStore,
  NonceEntry,
  NonceAdmission,
  EventDedupStore,
  DedupEvent,
  DedupToken,
  DedupClaim,
} from './store-contract.js';
export * from './adapters/index.js';
export { openReceiverStores, type OpenReceiverStoresOptions, type ReceiverStores } from './stores/open.js';
export { ReceiverStoreError, type ReceiverStoreErrorCode, type NonceStoreLimits } from './stores/limits.js';
