// How the runtime treats each AdCP task type on the webhook channel. Keyed by the generated
// SpecWebhookTaskType, so a task type added, removed or renamed by a new AdCP release fails
// compilation here, naming it, until someone decides how it is announced.
//
// - `task`: a task lifecycle: a submitted/working first response, then status-change webhooks
//   ending in one terminal webhook whose notification_id is `<task_id>.terminal`.
// - `report`: a persistent reporting channel (media_buy_delivery): point-in-time report fires with
//   no terminal state and no notification_id; not sent through the task lifecycle.
import type { SpecWebhookTaskType } from '../../generated/index.js';
import type { ExpectNoMembers } from './assert-never.js';

export type TaskWebhookKind = 'task' | 'report';

export const TASK_WEBHOOK_KINDS = {
  create_media_buy: 'task',
  update_media_buy: 'task',
  media_buy_delivery: 'report',
  sync_creatives: 'task',
  build_creative: 'task',
  activate_signal: 'task',
  get_products: 'task',
  get_signals: 'task',
  create_property_list: 'task',
  update_property_list: 'task',
  get_property_list: 'task',
  list_property_lists: 'task',
  delete_property_list: 'task',
  sync_accounts: 'task',
  get_account_financials: 'task',
  get_creative_delivery: 'task',
  sync_event_sources: 'task',
  sync_audiences: 'task',
  sync_catalogs: 'task',
  log_event: 'task',
  get_brand_identity: 'task',
  search_brands: 'task',
  get_rights: 'task',
  acquire_rights: 'task',
} as const satisfies Record<SpecWebhookTaskType, TaskWebhookKind>;

// Both directions, every member named in the diagnostic: task types the pinned release has and
// this table lacks, and task types this table has that the release no longer does.
export const TASK_TYPES_WITHOUT_A_KIND: ExpectNoMembers<Exclude<SpecWebhookTaskType, keyof typeof TASK_WEBHOOK_KINDS>> = true;
export const TASK_KINDS_FOR_UNKNOWN_TASK_TYPES: ExpectNoMembers<Exclude<keyof typeof TASK_WEBHOOK_KINDS, SpecWebhookTaskType>> = true;

/** Task types that run a task lifecycle and may emit task webhooks. */
export type LifecycleTaskType = {
  [K in SpecWebhookTaskType]: (typeof TASK_WEBHOOK_KINDS)[K] extends 'task' ? K : never;
}[SpecWebhookTaskType];

export function isLifecycleTaskType(taskType: SpecWebhookTaskType): taskType is LifecycleTaskType {
  return TASK_WEBHOOK_KINDS[taskType] === 'task';
}
