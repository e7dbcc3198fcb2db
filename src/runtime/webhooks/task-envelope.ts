// Builds a task webhook envelope with a binding's generated builder (the bundled one by default):
// the buyer's `operation_id` and `token` echoed verbatim from the registration (never parsed from
// the URL), and on a terminal status a `notification_id` of `<task_id>.terminal`, the event id
// that stays stable if the seller ever re-emits that terminal webhook under a fresh idempotency key.
// `operation_id` is demanded only where the binding's release requires it (3.1 and later).
import type {
  BuildMcpWebhookPayloadOptions,
  McpWebhookPayload,
  McpWebhookPayloadInput,
  PushNotificationConfig,
  SpecWebhookTaskType,
  TaskStatus,
  WebhookResult,
} from '../../generated/index.js';
import type { AnyAdcpBinding, BindingPayloadInput } from '../binding/index.js';
import {
  DEFAULT_BINDING,
  type BindingConfig,
  type BindingPayload,
  type BindingStatus,
  type BindingTaskType,
} from '../routing/binding-types.js';
import type { ExpectNoMembers } from './assert-never.js';
import { pooledRandomBytes } from './random-pool.js';

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

/** What buildTaskEnvelope needs, typed by the bundled binding. */
export interface TaskEnvelopeParts<T extends SpecWebhookTaskType, S extends TaskStatus> {
  readonly taskId: string;
  readonly taskType: T;
  readonly status: S;
  readonly pushConfig: PushNotificationConfig;
  readonly result?: WebhookResult<T, S> | undefined;
  readonly message?: string | undefined;
  readonly contextId?: string | undefined;
}

/** What buildTaskEnvelope needs for the release of `binding`, typed by it. */
export interface BoundTaskEnvelopeParts<B extends AnyAdcpBinding> {
  /** The AdCP version the buyer speaks (webhooks.mdx "Webhook payload"). */
  readonly binding: B;
  readonly taskId: string;
  readonly taskType: BindingTaskType<B>;
  readonly status: BindingStatus<B>;
  readonly pushConfig: BindingConfig<B>;
  readonly result?: object | undefined;
  readonly message?: string | undefined;
  readonly contextId?: string | undefined;
}

/** The built envelope, or why none can be built. */
export type TaskEnvelopeBuild<T extends SpecWebhookTaskType, S extends TaskStatus> =
  | { readonly ok: true; readonly payload: McpWebhookPayload<T, S> }
  | { readonly ok: false; readonly reason: 'missing_operation_id' };

/** The envelope built through a binding, typed by it, or why none can be built. */
export type BoundTaskEnvelopeBuild<Payload> =
  | { readonly ok: true; readonly payload: Payload }
  | { readonly ok: false; readonly reason: 'missing_operation_id' };

const DEFAULT_BUILD_OPTIONS: BuildMcpWebhookPayloadOptions = { randomBytes: pooledRandomBytes };

/**
 * Builds one task webhook envelope (webhooks.mdx "Webhook payload"; schema
 * core/mcp-webhook-payload.json) with the bundled binding, or with `parts.binding`: the
 * registration's `operation_id` and `token` echoed, `<task_id>.terminal` on a terminal status.
 * Without an `operation_id` it refuses (`missing_operation_id`) where the release requires one.
 */
export function buildTaskEnvelope<T extends SpecWebhookTaskType, S extends TaskStatus>(
  parts: TaskEnvelopeParts<T, S>,
  options?: BuildMcpWebhookPayloadOptions,
): TaskEnvelopeBuild<T, S>;
export function buildTaskEnvelope<B extends AnyAdcpBinding>(
  parts: BoundTaskEnvelopeParts<B>,
  options?: BuildMcpWebhookPayloadOptions,
): BoundTaskEnvelopeBuild<BindingPayload<B>>;
export function buildTaskEnvelope(
  parts: TaskEnvelopeParts<SpecWebhookTaskType, TaskStatus> | BoundTaskEnvelopeParts<AnyAdcpBinding>,
  options: BuildMcpWebhookPayloadOptions = DEFAULT_BUILD_OPTIONS,
): BoundTaskEnvelopeBuild<unknown> {
  const binding = 'binding' in parts ? parts.binding : DEFAULT_BINDING;
  return buildEnvelopeWith(binding, parts, options);
}

/** The version-independent facts of one envelope. */
export interface EnvelopeFacts {
  readonly taskId: string;
  readonly taskType: string;
  readonly status: string;
  readonly pushConfig: unknown;
  readonly result?: object | undefined;
  readonly message?: string | undefined;
  readonly contextId?: string | undefined;
}

/** Builds through `binding`; shared by every task webhook path. */
export function buildEnvelopeWith(
  binding: AnyAdcpBinding,
  parts: EnvelopeFacts,
  options: BuildMcpWebhookPayloadOptions = DEFAULT_BUILD_OPTIONS,
): BoundTaskEnvelopeBuild<unknown> {
  const operationId = stringMember(parts.pushConfig, 'operation_id');
  // Where the release requires operation_id, sellers must not invent one (nor parse it from the URL).
  if (operationId === undefined && binding.rules.operationIdRequired) return { ok: false, reason: 'missing_operation_id' };
  const input: BindingPayloadInput<string, string> = {
    operation_id: operationId,
    task_id: parts.taskId,
    task_type: parts.taskType,
    status: parts.status,
    notification_id: terminalNotificationId(parts.taskId, parts.status, binding),
    token: stringMember(parts.pushConfig, 'token'),
    message: parts.message,
    context_id: parts.contextId,
    result: parts.result ?? undefined,
  };
  return { ok: true, payload: binding.buildMcpWebhookPayload(input, options) };
}

/**
 * `<task_id>.terminal` on a status the binding (default: the bundled one) calls terminal, when that
 * fits the notification_id charset (webhooks.mdx "Webhook payload" — notification_id).
 */
export function terminalNotificationId(taskId: string, status: string, binding: AnyAdcpBinding = DEFAULT_BINDING): string | undefined {
  if (binding.statusRole(status) !== 'terminal') return undefined;
  const id = `${taskId}.terminal`;
  return NOTIFICATION_ID_PATTERN.test(id) ? id : undefined;
}

/** A string member of a validated registration (a plain object), else undefined. */
export function stringMember(config: unknown, name: string): string | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const value = (config as Readonly<Record<string, unknown>>)[name];
  return typeof value === 'string' ? value : undefined;
}
