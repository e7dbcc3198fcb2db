// Every webhook kind beyond the task webhook: sending with per-kind coalescence.
export {
  createNotificationSender,
  type NotificationKindRouting,
  type NotificationSender,
  type NotificationSenderOptions,
  type NotificationSendRequest,
} from './notification-sender.js';
export {
  createNotificationReceiver,
  type NotificationEvent,
  type NotificationKindShape,
  type NotificationOutcome,
  type NotificationReceiver,
  type NotificationReceiverOptions,
} from './notification-receiver.js';
