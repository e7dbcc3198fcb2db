// The AdCP version binding the runtime speaks when the caller names none (the bundled generated
// output, src/generated/binding.ts), and the types read off any binding: its task types, statuses,
// push_notification_config and envelope. Entry points that take a `binding` type their parameters
// by these, so one process can serve counterparties of several AdCP versions.
// Spec: building/by-layer/L3/webhooks.mdx — "Webhook payload", push_notification_config.
import { binding as bundledBinding } from '../../generated/binding.js';
import type { UntypedWebhookResult } from '../../generated/webhook-result.js';
import type { AnyAdcpBinding } from '../binding/index.js';

/** The type of the bundled binding (AdCP 3.1.19), literal task types and statuses included. */
export type DefaultBinding = typeof bundledBinding;

/** The bundled binding, used wherever no `binding` is passed. */
export const DEFAULT_BINDING: DefaultBinding = bundledBinding;

/** A task type of binding `B` (its enums/task-type.json). */
export type BindingTaskType<B extends AnyAdcpBinding> = B['taskTypes'][number];

/** A task status of binding `B` (its enums/task-status.json). */
export type BindingStatus<B extends AnyAdcpBinding> = B['statuses'][number];

/** What binding `B`'s push_notification_config validator accepts (its core/push-notification-config.json). */
export type BindingConfig<B extends AnyAdcpBinding> = ValidatedValue<ReturnType<B['validatePushNotificationConfig']>>;

/** The envelope binding `B` builds (its core/mcp-webhook-payload.json). */
export type BindingPayload<B extends AnyAdcpBinding> = ReturnType<B['buildMcpWebhookPayload']>;

/**
 * The envelope `result` type binding `B` gives task type `T` in status `S` (its generated
 * WebhookResultTable); a union when `T` or `S` is, and an untyped object where the release types none.
 */
export type BindingResult<B extends AnyAdcpBinding, T, S> =
  NonNullable<B['~results']> extends infer Table
    ? T extends keyof Table
      ? S extends keyof Table[T]
        ? Table[T][S]
        : UntypedWebhookResult
      : UntypedWebhookResult
    : never;

type ValidatedValue<R> = Extract<R, { readonly ok: true }> extends { readonly value: infer V } ? V : never;
