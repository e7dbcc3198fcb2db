// notifications.ts: the webhook kinds of the release (model/notification-kinds.ts) as a table, their
// payload types (NotificationPayloads, declared in result-types.ts and narrowed here per kind), and a
// typed builder that fills what the sender must generate for any standalone kind (idempotency_key, the
// fire timestamp, notification_id per the kind's rule) and validates the result. Media-buy kinds travel
// in the task envelope and are built with buildMcpWebhookPayload; their payload type is the `result`.
import type { NotificationKind } from '../model/notification-kinds.js';
import { DEFAULT_BINDING_ENTRY, type EmitContext, type EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { importType, jsDoc, literal } from './ts-text.js';

export const NOTIFICATIONS_MODULE = MODULES.notifications;

export function emitNotificationKinds(ctx: EmitContext, kinds: readonly NotificationKind[]): EmittedModule {
  const { version } = ctx.model;
  const sources = [...new Set(['enums/notification-type.json', ...kinds.map((kind) => kind.payloadFile)])].sort();
  const body = [header(ctx), table(version, kinds), payloadTypes(version, kinds), inputTypes(kinds), builder(version)].join('\n');
  return { path: `${NOTIFICATIONS_MODULE}.ts`, sources, body };
}

function header(ctx: EmitContext): string {
  return (
    "import { randomBytes } from 'node:crypto';\n" +
    `import { NotificationPayloadError } from ${literal(ctx.bindingEntry ?? DEFAULT_BINDING_ENTRY)};\n` +
    importType([NAMES.payload], MODULES.payload) +
    importType([NAMES.notificationPayloadSchemas], MODULES.resultTypes) +
    `import { ${NAMES.validateNotificationPayload} } from './${MODULES.notificationValidators}.js';\n`
  );
}

function table(version: string, kinds: readonly NotificationKind[]): string {
  const entries = kinds.map((kind) => `  ${literal(kind.name)}: ${JSON.stringify(entry(kind))},\n`).join('');
  return (
    jsDoc([`How a notification_id is populated (enums/notification-type.json enumDescriptions, AdCP ${version}).`]) +
    "export type NotificationIdRule = { readonly kind: 'absent' } | { readonly kind: 'copy'; readonly from: readonly string[] } | { readonly kind: 'stable'; readonly per: string };\n\n" +
    jsDoc(['One webhook kind: payload schema, anchoring, registration channel, notification_id rule, coalescence default.']) +
    'export interface NotificationKindInfo {\n' +
    '  readonly payloadFile: string;\n  readonly inTaskEnvelope: boolean;\n' +
    "  readonly anchoring: 'media-buy' | 'account' | 'agent' | 'channel';\n  readonly channel: string;\n" +
    '  readonly notificationId: NotificationIdRule;\n  readonly timestampField: string | null;\n' +
    '  readonly discriminator: { readonly field: string; readonly value: string } | null;\n' +
    '  /** default coalescence window in ms; null = not coalesced (building/by-layer/L3/webhooks.mdx — Coalescence) */\n' +
    '  readonly coalesceMs: number | null;\n}\n\n' +
    jsDoc([`Every webhook kind of AdCP ${version} other than the task webhook, keyed by notification type (or the payload's own discriminator).`]) +
    `export const NOTIFICATION_KINDS = {\n${entries}} as const satisfies Record<string, NotificationKindInfo>;\n\n` +
    jsDoc(['A webhook kind name of this release.']) +
    'export type NotificationKindName = keyof typeof NOTIFICATION_KINDS;\n\n' +
    jsDoc(['Kinds delivered as their own POST body (not inside the task envelope).']) +
    'export type StandaloneNotificationKind = { [K in NotificationKindName]: (typeof NOTIFICATION_KINDS)[K][\'inTaskEnvelope\'] extends false ? K : never }[NotificationKindName];\n'
  );
}

function payloadTypes(version: string, kinds: readonly NotificationKind[]): string {
  const schemaType = (kind: NotificationKind): string => `${NAMES.notificationPayloadSchemas}[${literal(kind.name)}]`;
  const narrowed = (kind: NotificationKind): string =>
    kind.discriminator ? `${schemaType(kind)} & { ${kind.discriminator.field}: ${literal(kind.discriminator.value)} }` : schemaType(kind);
  const payloads = kinds.map((kind) => `  ${literal(kind.name)}: ${narrowed(kind)};\n`).join('');
  const wire = kinds.map((kind) => `  ${literal(kind.name)}: ${kind.inTaskEnvelope ? NAMES.payload : `${NAMES.notificationPayloads}[${literal(kind.name)}]`};\n`).join('');
  return (
    jsDoc([
      `Payload type of every AdCP ${version} webhook kind (building/by-layer/L3/webhooks.mdx — Persistent channel contract):`,
      'the POST body of standalone kinds, the envelope `result` of media-buy kinds; a schema shared by several',
      'kinds is narrowed to the kind by its discriminator.',
    ]) +
    `export interface ${NAMES.notificationPayloads} {\n${payloads}}\n\n` +
    jsDoc(['What goes on the wire for each kind: the payload itself, or the task envelope (core/mcp-webhook-payload.json) of media-buy kinds.']) +
    `export interface ${NAMES.notificationWirePayloads} {\n${wire}}\n\n`
  );
}

/** Fields the builder always sets (the caller cannot supply them). */
function forcedFields(kind: NotificationKind): string[] {
  const fields = ['idempotency_key'];
  if (kind.discriminator) fields.push(kind.discriminator.field);
  if (kind.notificationId.kind === 'copy') fields.push('notification_id');
  return fields;
}

function inputTypes(kinds: readonly NotificationKind[]): string {
  const standalone = kinds.filter((kind) => !kind.inTaskEnvelope);
  const entries = standalone.map((kind) => {
    const omitted = [...forcedFields(kind), ...(kind.timestampField ? [kind.timestampField] : [])].map(literal).join(' | ');
    const timestamp = kind.timestampField ? ` & { ${kind.timestampField}?: string }` : '';
    return `  ${literal(kind.name)}: WithoutFields<${NAMES.notificationPayloads}[${literal(kind.name)}], ${omitted}>${timestamp};\n`;
  });
  return (
    '/** `T` without the fields `F` (distributes over unions; keeps index signatures and the other members). */\n' +
    'type WithoutFields<T, F extends PropertyKey> = T extends unknown ? { [P in keyof T as P extends F ? never : P]: T[P] } : never;\n\n' +
    jsDoc(['What the caller of buildNotificationPayload supplies per standalone kind: the payload minus what the builder generates (the fire timestamp may be given).']) +
    `export interface NotificationPayloadInputs {\n${entries.join('')}}\n\n` +
    jsDoc(['The input of buildNotificationPayload for `K`.']) +
    `export type ${NAMES.notificationPayloadInput}<K extends StandaloneNotificationKind> = NotificationPayloadInputs[K];\n`
  );
}

function entry(kind: NotificationKind): Omit<NotificationKind, 'name'> {
  const { name: _name, ...rest } = kind;
  return rest;
}

function builder(version: string): string {
  return (
    jsDoc(['Sources of time and randomness for buildNotificationPayload; inject them in tests.']) +
    'export interface BuildNotificationOptions {\n  readonly now?: () => Date;\n  readonly randomBytes?: (size: number) => Uint8Array;\n}\n\n' +
    jsDoc([
      `Builds a standalone AdCP ${version} webhook payload of \`kind\` (building/by-layer/L3/webhooks.mdx — Persistent channel contract):`,
      '- `idempotency_key`: "whk_" + base64url of 16 random bytes (per fire; reuse the built payload for retries);',
      '- the fire timestamp (`fired_at` / `timestamp`) when the kind has one and `input` does not set it;',
      '- the discriminator (`notification_type` / `event`);',
      '- `notification_id`: copied from the field the rule names (e.g. `event.event_id`), else required in `input` when the rule is "stable per …".',
      'The result is validated against the kind\'s payload schema; throws NotificationPayloadError',
      '(`ADCP_NOTIFICATION_PAYLOAD_INVALID`) naming the JSON pointer of the first problem.',
    ]) +
    `export function ${NAMES.buildNotificationPayload}<K extends StandaloneNotificationKind>(kind: K, input: ${NAMES.notificationPayloadInput}<K>, options: BuildNotificationOptions = {}): ${NAMES.notificationPayloads}[K] {\n` +
    '  const info: NotificationKindInfo = NOTIFICATION_KINDS[kind];\n' +
    '  const fields = input as Readonly<Record<string, unknown>>;\n' +
    '  const random = options.randomBytes ?? randomBytes;\n' +
    "  const generated: Record<string, unknown> = { idempotency_key: 'whk_' + Buffer.from(random(16)).toString('base64url') };\n" +
    "  const notificationId = notificationIdFor(kind, info.notificationId, fields);\n" +
    "  if (notificationId !== undefined) generated['notification_id'] = notificationId;\n" +
    '  if (info.discriminator) generated[info.discriminator.field] = info.discriminator.value;\n' +
    '  if (info.timestampField && fields[info.timestampField] === undefined) generated[info.timestampField] = (options.now?.() ?? new Date()).toISOString();\n' +
    `  const result = ${NAMES.validateNotificationPayload}(kind, { ...generated, ...fields, ...generated });\n` +
    "  if ('errors' in result) throw new NotificationPayloadError(kind, result.errors);\n" +
    '  return result.value;\n}\n\n' +
    'function notificationIdFor(kind: string, rule: NotificationIdRule, fields: Readonly<Record<string, unknown>>): string | undefined {\n' +
    "  if (rule.kind === 'absent') return undefined;\n" +
    "  if (rule.kind === 'stable') {\n" +
    "    if (typeof fields['notification_id'] !== 'string') throw missingNotificationId(kind, `stable per ${rule.per}: the caller supplies it`);\n" +
    "    return fields['notification_id'];\n  }\n" +
    '  let value: unknown = fields;\n' +
    "  for (const key of rule.from) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;\n" +
    "  if (typeof value !== 'string') throw missingNotificationId(kind, `equals ${rule.from.join('.')}, which the input lacks`);\n" +
    '  return value;\n}\n\n' +
    'function missingNotificationId(kind: string, why: string): NotificationPayloadError {\n' +
    "  return new NotificationPayloadError(kind, [{ path: '/notification_id', keyword: 'required', message: `notification_id is required (${why})` }]);\n}\n"
  );
}
