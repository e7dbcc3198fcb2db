// The webhook delivery runtime: background delivery, the store worker, and their building blocks.
export {
  createWebhookDelivery,
  type WebhookDelivery,
  type WebhookDeliveryOptions,
  type DeliveryAcceptance,
  type DeliveryStats,
  type DrainReport,
  type UndeliveredDelivery,
} from './webhook-delivery.js';
export {
  createDeliveryWorker,
  runDueDeliveries,
  type DeliveryWorker,
  type DeliveryWorkerOptions,
  type WorkerSummary,
} from './delivery-worker.js';
export type { WebhookDeliveryRequest, PayloadDeliveryRequest, SerializedDeliveryRequest } from './delivery-request.js';
export { DELIVERY_DEFAULTS, type DeliveryRuntimeOptions, type SignerResolver } from './runtime-options.js';
export type { DeliveryResult, DeliveryObserver } from './result.js';
export { isRetryable, messageFor, type DeliveryErrorClass } from './error-class.js';
export {
  DEFAULT_RETRY_POLICY,
  backoffDelayMs,
  retryAfterDelayMs,
  resolveRetryPolicy,
  type RetryPolicy,
} from './retry-policy.js';
export { classifyStatus, isWebhookSignatureChallenge } from './classify-response.js';
export { serializeEnvelope, newIdempotencyKey, isValidIdempotencyKey } from './envelope-body.js';
export { systemClock, type DeliveryClock } from './clock.js';
