// Builds a task webhook envelope with the generated builder: the buyer's `operation_id` and
// `token` echoed verbatim from the registration (never parsed from the URL), and on a terminal
// status a `notification_id` of `<task_id>.terminal`, the event id that stays stable if the
// seller ever re-emits that terminal webhook under a fresh idempotency key.
import {
  buildMcpWebhookPayload,
  type BuildMcpWebhookPayloadOptions,
  type McpWebhookPayload,
  type McpWebhookPayloadInput,
  type PushNotificationConfig,
  type SpecWebhookTaskType,
  type TaskStatus,
  type WebhookResult,
} from '../../generated/index.js';
import type { ExpectNoMembers } from './assert-never.js';
import { pooledRandomBytes } from './random-pool.js';
import { isTerminalStatus } from './status-roles.js';

/** The envelope members this runtime fills in; each must exist in the pinned release's envelope. */
const ENVELOPE_MEMBERS_SET_BY_RUNTIME = [
  'operation_id',
  'task_id',
  'task_type',
  'status',
  'notification_id',
  'token',
  'message',
  'context_id',
  'result',
] as const;
export const ENVELOPE_MEMBERS_MISSING_FROM_RELEASE: ExpectNoMembers<
  Exclude<(typeof ENVELOPE_MEMBERS_SET_BY_RUNTIME)[number], keyof McpWebhookPayloadInput>
> = true;

/** notification_id charset and length (mcp-webhook-payload.json). */
const NOTIFICATION_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,255}$/;

export interface TaskEnvelopeParts<T extends SpecWebhookTaskType, S extends TaskStatus> {
  readonly taskId: string;
  readonly taskType: T;
  readonly status: S;
  readonly pushConfig: PushNotificationConfig;
  readonly result?: WebhookResult<T, S> | undefined;
  readonly message?: string | undefined;
  readonly contextId?: string | undefined;
}

export type TaskEnvelopeBuild<T extends SpecWebhookTaskType, S extends TaskStatus> =
  | { readonly ok: true; readonly payload: McpWebhookPayload<T, S> }
  | { readonly ok: false; readonly reason: 'missing_operation_id' };

const DEFAULT_BUILD_OPTIONS: BuildMcpWebhookPayloadOptions = { randomBytes: pooledRandomBytes };

export function buildTaskEnvelope<T extends SpecWebhookTaskType, S extends TaskStatus>(
  parts: TaskEnvelopeParts<T, S>,
  options: BuildMcpWebhookPayloadOptions = DEFAULT_BUILD_OPTIONS,
): TaskEnvelopeBuild<T, S> {
  const { pushConfig } = parts;
  const operationId = pushConfig.operation_id;
  // The envelope requires operation_id and sellers must not invent one (nor parse it from the URL).
  if (typeof operationId !== 'string') return { ok: false, reason: 'missing_operation_id' };
  // Every member named explicitly (no spreads): a field a new AdCP release removes from, or makes
  // required in, McpWebhookPayloadInput fails compilation here, naming it.
  const input: McpWebhookPayloadInput<T, S> = {
    operation_id: operationId,
    task_id: parts.taskId,
    task_type: parts.taskType,
    status: parts.status,
    notification_id: terminalNotificationId(parts.taskId, parts.status),
    token: typeof pushConfig.token === 'string' ? pushConfig.token : undefined,
    message: parts.message,
    context_id: parts.contextId,
    result: parts.result ?? undefined,
  };
  const payload = buildMcpWebhookPayload<T, S>(input, options);
  return { ok: true, payload };
}

/** `<task_id>.terminal` on terminal statuses, when that fits the notification_id charset. */
export function terminalNotificationId(taskId: string, status: TaskStatus): string | undefined {
  if (!isTerminalStatus(status)) return undefined;
  const id = `${taskId}.terminal`;
  return NOTIFICATION_ID_PATTERN.test(id) ? id : undefined;
}
