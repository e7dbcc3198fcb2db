// Every webhook kind beyond the task webhook: sending with per-kind coalescence.
export {
  createNotificationSender,
  type NotificationKindRouting,
  type NotificationSender,
  type NotificationSenderOptions,
  type NotificationSendRequest,
} from './notification-sender.js';
