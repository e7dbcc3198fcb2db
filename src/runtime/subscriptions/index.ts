// Account-level webhook subscribers: accounts/tasks/sync_accounts.mdx — "Account-level webhook subscriptions".
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
} from './registry.js';
export {
  createMemorySubscriberStore,
  openSqliteSubscriberStore,
  openPostgresSubscriberStore,
  type SubscriberStore,
  type SubscriberStoreOptions,
} from './subscriber-store.js';
