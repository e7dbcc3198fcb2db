// Webhook kinds beyond the task webhook: every notification type of enums/notification-type.json and
// every payload schema delivered through another registration channel, each classified by
//   - its payload schema (the POST body, or for media-buy-anchored kinds the content carried in the
//     core/mcp-webhook-payload.json envelope),
//   - its anchoring (building/by-layer/L3/webhooks.mdx — Persistent channel contract; core/notification-config.json),
//   - its notification_id rule (the "**notification_id**:" clause of the type's enumDescriptions).
// A notification type or a webhook payload file the rules below cannot classify fails generation naming
// it, as an undecidable task-type protocol does (model/protocol-table.ts): the generator never guesses.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { CodegenError } from '../errors.js';
import { isJsonObject, type JsonObject } from '../load/json.js';
import type { SchemaStore } from '../load/schema-store.js';

export type NotificationAnchoring = 'media-buy' | 'account' | 'agent' | 'channel';

/** How the sender populates `notification_id` (notification-type.json enumDescriptions). */
export type NotificationIdRule =
  | { readonly kind: 'absent' }
  | { readonly kind: 'copy'; readonly from: readonly string[] }
  | { readonly kind: 'stable'; readonly per: string };

export interface NotificationKind {
  /** notification_type value, or the payload's own discriminator for channel kinds */
  readonly name: string;
  /** schema file of the payload (posix, relative to the schema dir) */
  readonly payloadFile: string;
  /** true: the payload travels as `result` of core/mcp-webhook-payload.json (media-buy channel) */
  readonly inTaskEnvelope: boolean;
  readonly anchoring: NotificationAnchoring;
  /** the registration surface that carries the URL */
  readonly channel: string;
  readonly notificationId: NotificationIdRule;
  /** payload field holding the fire timestamp the builder fills, if any */
  readonly timestampField: string | null;
  /** payload field + value discriminating this kind inside a shared payload schema */
  readonly discriminator: { readonly field: string; readonly value: string } | null;
  /** default coalescence window in ms; null = never coalesced (webhooks.mdx — Coalescence) */
  readonly coalesceMs: number | null;
}

const NOTIFICATION_TYPE_FILE = 'enums/notification-type.json';
const TASK_ENVELOPE_FILE = 'core/mcp-webhook-payload.json';
/** Where the delivery-report content (carrying `notification_type`) lives, newest layout first. */
const DELIVERY_REPORT_FILES = ['media-buy/media-buy-delivery-webhook-result.json', 'media-buy/get-media-buy-delivery-response.json'];
/**
 * Kinds whose payload schema is not a standalone POST body and not a delivery report.
 * - impairment: "Payload carries the impairment object and the buy's updated health"
 *   (notification-type.json enumDescriptions); it fires on the buy's push_notification_config, so it
 *   travels in the task envelope; its object is core/impairment.json.
 */
const ENVELOPE_CONTENT: Readonly<Record<string, string>> = { impairment: 'core/impairment.json' };
/**
 * Files named like webhook payloads that are not payloads: the task envelope (modelled in
 * model/envelope.ts) and the reporting_webhook registration config.
 */
const NOT_PAYLOADS = new Set([TASK_ENVELOPE_FILE, 'core/reporting-webhook.json']);
/**
 * Payloads delivered through channels other than notification-type.json: name, registration channel.
 * Governance list changes carry an `event` const; these two carry none, so they are named by hand.
 */
const CHANNEL_KINDS: Readonly<Record<string, { name: string; channel: string }>> = {
  'content-standards/artifact-webhook-payload.json': { name: 'artifact_batch', channel: 'content-standards artifact push (get_media_buy_artifacts push counterpart)' },
  'brand/revocation-notification.json': { name: 'rights_revocation', channel: 'rights grant revocation_webhook' },
};
const PAYLOAD_FILE = /(-webhook|-webhook-payload|-notification)\.json$/;
const GENERAL_IMPAIRMENT_COALESCE_MS = 5 * 60_000;

/** Every webhook kind of one release, notification types in enum order, then channel kinds by file. */
export function discoverNotificationKinds(store: SchemaStore): NotificationKind[] {
  const candidates = payloadCandidates(store);
  const typed = store.exists(NOTIFICATION_TYPE_FILE) ? notificationTypeKinds(store, candidates) : [];
  const claimed = new Set(typed.map((kind) => kind.payloadFile));
  const channel = candidates.filter((file) => !claimed.has(file)).map((file) => channelKind(store, file));
  return [...typed, ...channel];
}

/** Files of the release whose name says "webhook payload", minus the known non-payloads. */
function payloadCandidates(store: SchemaStore): string[] {
  const files: string[] = [];
  for (const dir of readdirSync(store.dir, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of readdirSync(path.join(store.dir, dir.name))) {
      const file = `${dir.name}/${name}`;
      if (PAYLOAD_FILE.test(name) && !NOT_PAYLOADS.has(file)) files.push(file);
    }
  }
  return files.sort();
}

function notificationTypeKinds(store: SchemaStore, candidates: readonly string[]): NotificationKind[] {
  const schema = objectAt(store, NOTIFICATION_TYPE_FILE);
  const values = Array.isArray(schema['enum']) ? schema['enum'].filter((value): value is string => typeof value === 'string') : [];
  const descriptions = isJsonObject(schema['enumDescriptions']) ? schema['enumDescriptions'] : {};
  return values.map((value) => {
    const fail = (why: string): never => {
      throw new CodegenError(`cannot classify notification type "${value}": ${why}`, store.display(NOTIFICATION_TYPE_FILE));
    };
    const description = typeof descriptions[value] === 'string' ? descriptions[value] : undefined;
    const placement = placeNotificationType(store, value, candidates) ?? fail('no payload schema carries it (no standalone payload with that notification_type, not a delivery report, not in ENVELOPE_CONTENT of codegen/model/notification-kinds.ts)');
    const notificationId = notificationIdRule(store, value, description, placement.inTaskEnvelope, fail);
    const anchoring: NotificationAnchoring = placement.inTaskEnvelope ? 'media-buy' : description?.startsWith('Agent-anchored') ? 'agent' : 'account';
    return {
      name: value,
      ...placement,
      anchoring,
      channel: channelOf(anchoring, placement.payloadFile),
      notificationId,
      timestampField: timestampField(store, placement.payloadFile, placement.inTaskEnvelope),
      coalesceMs: coalescence(value),
    };
  });
}

interface Placement {
  readonly payloadFile: string;
  readonly inTaskEnvelope: boolean;
  readonly discriminator: { readonly field: string; readonly value: string } | null;
}

function placeNotificationType(store: SchemaStore, value: string, candidates: readonly string[]): Placement | undefined {
  for (const file of candidates) {
    if (declaresValue(objectAt(store, file), 'notification_type', value)) {
      return { payloadFile: file, inTaskEnvelope: false, discriminator: { field: 'notification_type', value } };
    }
  }
  const report = DELIVERY_REPORT_FILES.find((file) => store.exists(file) && declaresValue(objectAt(store, file), 'notification_type', value));
  if (report) return { payloadFile: report, inTaskEnvelope: true, discriminator: { field: 'notification_type', value } };
  const content = ENVELOPE_CONTENT[value];
  if (content && store.exists(content)) return { payloadFile: content, inTaskEnvelope: true, discriminator: null };
  return undefined;
}

/** `properties.<field>` is `const: value` or an `enum` containing it. */
function declaresValue(schema: JsonObject, field: string, value: string): boolean {
  const properties = schema['properties'];
  const property = isJsonObject(properties) ? properties[field] : undefined;
  if (!isJsonObject(property)) return false;
  return property['const'] === value || (Array.isArray(property['enum']) && property['enum'].includes(value));
}

function notificationIdRule(store: SchemaStore, value: string, description: string | undefined, inTaskEnvelope: boolean, fail: (why: string) => never): NotificationIdRule {
  const clause = description?.match(/\*\*notification_id\*\*:\s*([^\n]*)/)?.[1];
  if (clause === undefined) {
    // Releases before the per-type clause: an envelope without a notification_id field cannot carry one.
    if (inTaskEnvelope && !hasProperty(objectAt(store, TASK_ENVELOPE_FILE), 'notification_id')) return { kind: 'absent' };
    return fail('its enumDescriptions entry has no "**notification_id**:" clause');
  }
  if (/^absent\b/.test(clause)) return { kind: 'absent' };
  const copied = clause.match(/^equals `([A-Za-z0-9_.]+)`/)?.[1];
  if (copied) return { kind: 'copy', from: copied.split('.') };
  const stable = clause.match(/^stable per ([^—;.]+)/)?.[1];
  if (stable) return { kind: 'stable', per: stable.trim() };
  return fail(`its "**notification_id**:" clause ("${clause.slice(0, 80)}") matches no rule (absent / equals \`field\` / stable per …)`);
}

/** Fire timestamp the builder fills: `fired_at` on account/agent payloads, the envelope's `timestamp` otherwise. */
function timestampField(store: SchemaStore, file: string, inTaskEnvelope: boolean): string | null {
  if (inTaskEnvelope) return null;
  const schema = objectAt(store, file);
  return ['fired_at', 'timestamp'].find((field) => hasProperty(schema, field)) ?? null;
}

/**
 * webhooks.mdx — Coalescence: delivery reports follow their own cadence and are never coalesced;
 * general impairments default to 5 minutes (latency-sensitive ones opt out per fire); other kinds
 * carrying a stable notification_id are state-shaped but have no published default, so none.
 */
function coalescence(value: string): number | null {
  return value === 'impairment' ? GENERAL_IMPAIRMENT_COALESCE_MS : null;
}

function channelOf(anchoring: NotificationAnchoring, file: string): string {
  if (anchoring === 'agent') return 'sync_agent_notification_configs notification_configs[]';
  if (anchoring === 'account') return 'sync_accounts accounts[].notification_configs[]';
  return DELIVERY_REPORT_FILES.includes(file) ? 'media buy reporting_webhook' : 'media buy push_notification_config';
}

function channelKind(store: SchemaStore, file: string): NotificationKind {
  const schema = objectAt(store, file);
  const properties = isJsonObject(schema['properties']) ? schema['properties'] : {};
  const event = isJsonObject(properties['event']) && typeof properties['event']['const'] === 'string' ? properties['event']['const'] : undefined;
  const named = CHANNEL_KINDS[file];
  if (!event && !named) {
    throw new CodegenError(
      'cannot classify webhook payload: no notification_type in enums/notification-type.json names it, it has no `event` const, and CHANNEL_KINDS in codegen/model/notification-kinds.ts has no entry',
      store.display(file),
    );
  }
  return {
    name: event ?? named!.name,
    payloadFile: file,
    inTaskEnvelope: false,
    anchoring: 'channel',
    channel: named?.channel ?? `${event!.replace(/_changed$/, '').replace(/_/g, ' ')} webhook (governance list subscription)`,
    notificationId: { kind: 'absent' },
    timestampField: null,
    discriminator: event ? { field: 'event', value: event } : null,
    coalesceMs: null,
  };
}

function hasProperty(schema: JsonObject, field: string): boolean {
  return isJsonObject(schema['properties']) && Object.hasOwn(schema['properties'], field);
}

function objectAt(store: SchemaStore, file: string): JsonObject {
  const schema = store.readSchema(file);
  if (!isJsonObject(schema)) throw new CodegenError('expected a JSON Schema object', store.display(file));
  return schema;
}
