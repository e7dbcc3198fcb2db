// Every webhook kind beyond the task webhook: sending with per-kind coalescence.
export {
  createNotificationSender,
  type NotificationKindRouting,
  type NotificationSender,
  type NotificationSenderOptions,
  type NotificationSendRequest,
  type AnyNotificationPayloads,
} from './notification-sender.js';
export { NotificationPayloadError, type NotificationPayloadIssue } from './notification-payload-error.js';
export {
  createNotificationReceiver,
  type NotificationEvent,
  type NotificationKindShape,
  type NotificationOutcome,
  type NotificationReceiver,
  type NotificationEventOf,
  type NotificationPayloadValidator,
  type NotificationReceiverOptions,
  type UntypedNotificationPayloads,
} from './notification-receiver.js';
