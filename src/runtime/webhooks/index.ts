// Task webhooks for sellers: the conformant lifecycle path (default), the opt-in sync-completion
// gate, push-config extraction, and the hand-off to background delivery.
export {
  extractPushNotificationConfig,
  PUSH_CONFIG_FIELD,
  REQUIRE_OPERATION_ID_BY_DEFAULT,
  type PushConfigExtraction,
  type PushConfigPolicy,
} from './push-config.js';
export { invalidRequest, type InvalidRequestError } from './invalid-request.js';
export {
  emitTaskWebhook,
  type BoundTaskWebhookInput,
  type ResultContext,
  type TaskWebhookInput,
  type TaskWebhookOptions,
  type TaskWebhookOutcome,
  type TaskWebhookRefusal,
} from './task-webhook.js';
export {
  startTaskLifecycle,
  TaskLifecycle,
  type InitialTaskResponse,
  type LifecycleUpdateOutcome,
  type LifecycleUpdateResult,
  type TaskLifecycleOptions,
  type TaskWebhookSender,
  type LifecycleTaskTypeOf,
  type AnnouncedStatusOf,
  type LifecycleResult,
} from './task-lifecycle.js';
export { isDurableWebhookSender, type DurableWebhookSender } from './durable-sender.js';
export { emitTaskWebhookDurably } from './durable-emit.js';
export {
  createSyncCompletionGate,
  maybeEmitSyncCompletion,
  SYNC_COMPLETION_NONCONFORMANCE,
  SYNC_COMPLETION_TASK_TYPES,
  type SyncCompletionCall,
  type SyncCompletionDelivery,
  type SyncCompletionGate,
  type SyncCompletionGateOptions,
  type SyncCompletionOutcome,
  type SyncCompletionTaskType,
} from './sync-completion.js';
export {
  createWebhookSender,
  type BackgroundDelivery,
  type DeliveryPushConfig,
  type OutgoingWebhook,
  type OutgoingTaskWebhook,
  type SendOutcome,
  type WebhookSender,
  type WebhookSenderOptions,
} from './webhook-sender.js';
export {
  ReplayDedup,
  DEFAULT_REPLAY_MAX_ENTRIES,
  DEFAULT_REPLAY_TTL_MS,
  type ReplayDedupOptions,
  type RequestReplayGuard,
} from './replay-dedup.js';
export {
  statusRole,
  isAnnouncedStatus,
  isTerminalStatus,
  NON_TERMINAL_INITIAL_STATUSES,
  type AnnouncedStatus,
  type NonTerminalInitialStatus,
  type StatusRole,
} from './status-roles.js';
export { TASK_WEBHOOK_KINDS, isLifecycleTaskType, type LifecycleTaskType, type TaskWebhookKind } from './task-kinds.js';
export {
  buildTaskEnvelope,
  terminalNotificationId,
  type BoundTaskEnvelopeBuild,
  type BoundTaskEnvelopeParts,
  type TaskEnvelopeBuild,
  type TaskEnvelopeParts,
} from './task-envelope.js';
export { assertNever } from './assert-never.js';
