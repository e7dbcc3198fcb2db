// The contract between a generated AdCP version binding (binding.ts in each generated output) and the
// version-independent runtime: everything the runtime needs to know about one AdCP release — task
// types, task statuses and what each status means, the protocol table, the validators, the envelope
// builder and the release's requirement rules — arrives through one AdcpBinding.
// Spec: building/by-layer/L3/webhooks.mdx — "When webhooks fire", "Webhook payload";
// schemas core/mcp-webhook-payload.json, core/push-notification-config.json, enums/task-status.json,
// enums/task-type.json.

/**
 * Version of this contract. A generated binding records the number it was emitted against;
 * defineBinding refuses any other, so a binding from an incompatible generator fails at load.
 */
export const BINDING_CONTRACT = 1 as const;

/** What a task status means for task webhooks (webhooks.mdx "When webhooks fire"). */
export type BindingStatusRole = 'initial' | 'progress' | 'terminal' | 'not_announced';

/**
 * How a task type is announced on the webhook channel: `task` is a lifecycle ending in one terminal
 * webhook; `report` is a persistent reporting channel with no terminal state (media_buy_delivery).
 */
export type BindingTaskKind = 'task' | 'report';

/** One validation problem: a JSON pointer into the value, the JSON Schema keyword, and why. */
export interface BindingValidationIssue {
  readonly path: string;
  readonly keyword: string;
  readonly message: string;
}

/** A validator's verdict, the same shape as the generated `ValidationResult<T>`. */
export type BindingValidationResult<T> = { ok: true; value: T } | { ok: false; errors: readonly BindingValidationIssue[] };

/** Sources of time and randomness for the envelope builder (generated BuildMcpWebhookPayloadOptions). */
export interface BindingBuildOptions {
  readonly now?: () => Date;
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** The fields the runtime hands the envelope builder (core/mcp-webhook-payload.json). */
export interface BindingPayloadInput<TaskType extends string, Status extends string> {
  readonly task_id: string;
  readonly task_type: TaskType;
  readonly status: Status;
  readonly operation_id?: string;
  readonly notification_id?: string;
  readonly message?: string;
  readonly context_id?: string;
  readonly token?: string;
  readonly result?: object;
}

/**
 * Requirement rules of one release, derived by the generator from its schemas (not from its version
 * number): `operationIdRequired` is true when core/mcp-webhook-payload.json lists `operation_id`
 * in `required` (3.1 and later), so a registration without one cannot be answered by webhook.
 */
export interface BindingRules {
  readonly operationIdRequired: boolean;
}

/** What a generated binding.ts passes to defineBinding. */
export interface BindingSpec<TaskType extends string, Status extends string, Protocol extends string, Config, Payload> {
  readonly contract: typeof BINDING_CONTRACT;
  /** The AdCP release, e.g. `3.1.19` (generated version.ts ADCP_VERSION). */
  readonly version: string;
  /** sha256 of every schema file the output was generated from (generated SCHEMA_SOURCE_HASHES). */
  readonly sourceHashes: Readonly<Record<string, string>>;
  readonly taskTypes: readonly TaskType[];
  readonly statuses: readonly Status[];
  readonly protocols: readonly Protocol[];
  readonly statusRoles: { readonly [S in Status]: BindingStatusRole };
  readonly taskKinds: { readonly [T in TaskType]: BindingTaskKind };
  readonly taskTypeProtocols: { readonly [T in TaskType]: Protocol | null };
  readonly rules: BindingRules;
  validatePushNotificationConfig(value: unknown): BindingValidationResult<Config>;
  validateMcpWebhookPayload(value: unknown): BindingValidationResult<Payload>;
  buildMcpWebhookPayload(input: BindingPayloadInput<TaskType, Status>, options?: BindingBuildOptions): Payload;
}

/**
 * One AdCP release as the runtime sees it: the spec passed to defineBinding, frozen, plus guards
 * derived from its lists. Several bindings can live in one process; the runtime keeps no per-version
 * state outside them.
 */
export interface AdcpBinding<
  TaskType extends string = string,
  Status extends string = string,
  Protocol extends string = string,
  Config = unknown,
  Payload = unknown,
  Results = unknown,
> extends BindingSpec<TaskType, Status, Protocol, Config, Payload> {
  /**
   * Type-level only, never present at run time: the envelope `result` type by task type and status
   * (the generated WebhookResultTable), so that events received through this binding type `result`.
   */
  readonly '~results'?: Results;
  isTaskType(value: unknown): value is TaskType;
  isTaskStatus(value: unknown): value is Status;
  /** Role of `status`; `undefined` for a value that is not one of this release's statuses. */
  statusRole(status: string): BindingStatusRole | undefined;
  /** Kind of `taskType`; `undefined` for a value that is not one of this release's task types. */
  taskKind(taskType: string): BindingTaskKind | undefined;
}

/** Any binding, whatever its version's literal types. */
export type AnyAdcpBinding = AdcpBinding<string, string, string, unknown, unknown, unknown>;
