// Format detection and AdCP data extraction for received webhook bodies (webhooks.mdx "Payload
// extraction"; L0/a2a-response-extraction.mdx "Extraction Algorithm"). A format known from the
// registration wins over detection.
import type { TaskStatus } from '../../generated/task-statuses.js';
import type { AnyAdcpBinding } from '../binding/index.js';
import { DEFAULT_BINDING } from '../routing/binding-types.js';
import type { WebhookFormat } from './events.js';

type JsonObject = Readonly<Record<string, unknown>>;

/** Format from the body: `status` string + `task_id` → MCP; `status` object with `state` → A2A. */
export function detectWebhookFormat(payload: unknown): WebhookFormat | undefined {
  if (!isObject(payload)) return undefined;
  const body = unwrapStreamEnvelope(payload) ?? payload;
  const status = body['status'];
  if (isObject(status) && status['state'] !== undefined) return 'a2a';
  if (typeof payload['status'] === 'string' && payload['task_id'] !== undefined) return 'mcp';
  return undefined;
}

const FINAL_STATES: ReadonlySet<string> = new Set(['completed', 'failed', 'canceled', 'rejected']);
const INTERIM_STATES: ReadonlySet<string> = new Set(['working', 'submitted', 'input-required', 'auth-required']);
const STREAM_KEYS: ReadonlySet<string> = new Set(['task', 'message', 'statusUpdate', 'artifactUpdate']);

/** An A2A body reduced to what a webhook event needs. */
export interface A2aExtraction {
  /** The unwrapped `Task` / `TaskStatusUpdateEvent`. */
  readonly body: JsonObject;
  readonly taskId: string;
  readonly contextId?: string;
  readonly status: TaskStatus;
  readonly timestamp?: string;
  /** The selected DataPart's `data`, or undefined when the body carries none. */
  readonly data: JsonObject | undefined;
}

/**
 * What `extractA2aWebhook` answers (building/by-layer/L0/a2a-response-extraction.mdx "Extraction
 * Algorithm", "Wrapper Rejection"): `ok: true` with the extraction, or `ok: false` with an
 * operator-facing `reason`: not a JSON object, a nested stream envelope, an absent or unknown
 * `status.state`, no task id, or a `{"response": ...}` wrapper.
 */
export type A2aExtractionResult =
  | { readonly ok: true; readonly value: A2aExtraction }
  | { readonly ok: false; readonly reason: string };

/**
 * Extracts AdCP data from an A2A `Task` or `TaskStatusUpdateEvent` (bare or in a one-key
 * `StreamResponse` envelope, unwrapped exactly once): final states take the last DataPart of
 * `artifacts[0]` (falling back to `status.message`), interim states the first DataPart of
 * `status.message.parts`. A final-state `{ response: {...} }` wrapper is refused. The state must
 * be a task status of `binding` (default: the bundled binding).
 */
export function extractA2aWebhook(input: unknown, binding: AnyAdcpBinding = DEFAULT_BINDING): A2aExtractionResult {
  if (!isObject(input)) return { ok: false, reason: 'the body is not a JSON object' };
  const unwrapped = unwrapStreamEnvelope(input);
  if (unwrapped === null) return { ok: false, reason: 'nested stream envelope' };
  const body = unwrapped ?? input;
  const state = normalizeState(isObject(body['status']) ? body['status']['state'] : undefined, binding);
  if (state === undefined) return { ok: false, reason: 'status.state is absent or unknown' };
  const taskId = typeof body['id'] === 'string' ? body['id'] : body['taskId'];
  if (typeof taskId !== 'string' || taskId === '') return { ok: false, reason: 'the task id is absent' };
  const data = FINAL_STATES.has(state) ? finalData(body) : firstMessageData(body);
  if (data === 'wrapper') return { ok: false, reason: 'the DataPart wraps its payload in {"response": ...}' };
  const status = body['status'] as JsonObject;
  return {
    ok: true,
    value: {
      body,
      taskId,
      contextId: typeof body['contextId'] === 'string' ? body['contextId'] : undefined,
      status: state,
      timestamp: typeof status['timestamp'] === 'string' ? status['timestamp'] : undefined,
      data,
    },
  };
}

/** Step 0: a one-key stream envelope's inner object; null for a nested envelope; undefined: not one. */
function unwrapStreamEnvelope(input: JsonObject): JsonObject | null | undefined {
  const keys = Object.keys(input);
  const key = keys[0];
  if (keys.length !== 1 || key === undefined || !STREAM_KEYS.has(key)) return undefined;
  const inner = input[key];
  if (!isObject(inner)) return undefined;
  return Object.keys(inner).some((name) => STREAM_KEYS.has(name)) ? null : inner;
}

/** `TASK_STATE_INPUT_REQUIRED` and `input-required` both → `input-required`; unknown → undefined. */
function normalizeState(state: unknown, binding: AnyAdcpBinding): (TaskStatus & string) | undefined {
  if (typeof state !== 'string') return undefined;
  const normalized = state.replace(/^TASK_STATE_/, '').replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/_/g, '-');
  if (!FINAL_STATES.has(normalized) && !INTERIM_STATES.has(normalized)) return undefined;
  // Every state of the two sets above is a status in each release's enums/task-status.json.
  return binding.isTaskStatus(normalized) ? (normalized as TaskStatus) : undefined;
}

function finalData(body: JsonObject): JsonObject | undefined | 'wrapper' {
  const artifacts = body['artifacts'];
  const first = Array.isArray(artifacts) ? (artifacts[0] as unknown) : undefined;
  const parts = isObject(first) && Array.isArray(first['parts']) ? (first['parts'] as unknown[]) : [];
  const dataParts = parts.filter(isDataPart);
  const last = dataParts[dataParts.length - 1];
  if (last === undefined) return firstMessageData(body);
  const data = last['data'] as JsonObject;
  const keys = Object.keys(data);
  if (keys.length === 1 && keys[0] === 'response' && typeof data['response'] === 'object') return 'wrapper';
  return data;
}

function firstMessageData(body: JsonObject): JsonObject | undefined {
  const status = body['status'];
  const message = isObject(status) ? status['message'] : undefined;
  const parts = isObject(message) ? message['parts'] : undefined;
  if (!Array.isArray(parts)) return undefined;
  const part = parts.find(isDataPart);
  return part === undefined ? undefined : (part['data'] as JsonObject);
}

function isDataPart(part: unknown): part is JsonObject {
  return isObject(part) && isObject(part['data']);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
