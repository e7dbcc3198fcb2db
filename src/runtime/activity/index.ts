// `webhook_activity[]`: core/webhook-activity-record.json, protocol/snapshot-and-log.mdx — Webhook activity log pattern.
export { createActivityLog, ACTIVITY_LABELS, type ActivityLog, type ActivityLogOptions, type WebhookActivityRecord } from './activity-log.js';
