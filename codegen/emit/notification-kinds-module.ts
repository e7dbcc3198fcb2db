// notifications.ts: the webhook kinds of the release (model/notification-kinds.ts) as a table, and a
// builder that fills what the sender must generate for any standalone kind (idempotency_key, the fire
// timestamp, notification_id per the kind's rule). Media-buy kinds travel in the task envelope and are
// built with buildMcpWebhookPayload; their table entry says which content schema `result` carries.
import type { NotificationKind } from '../model/notification-kinds.js';
import type { EmittedModule } from './context.js';
import { jsDoc, literal } from './ts-text.js';

export const NOTIFICATIONS_MODULE = 'notifications';

export function emitNotificationKinds(version: string, kinds: readonly NotificationKind[]): EmittedModule {
  const sources = [...new Set(['enums/notification-type.json', ...kinds.map((kind) => kind.payloadFile)])].sort();
  return { path: `${NOTIFICATIONS_MODULE}.ts`, sources, body: [header(), table(version, kinds), builder(version)].join('\n') };
}

function header(): string {
  return "import { randomBytes } from 'node:crypto';\n";
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

function entry(kind: NotificationKind): Omit<NotificationKind, 'name'> {
  const { name: _name, ...rest } = kind;
  return rest;
}

function builder(version: string): string {
  return (
    jsDoc(['Sources of time and randomness for buildNotificationPayload; inject them in tests.']) +
    'export interface BuildNotificationOptions {\n  readonly now?: () => Date;\n  readonly randomBytes?: (size: number) => Uint8Array;\n}\n\n' +
    jsDoc([
      `Builds a standalone AdCP ${version} webhook payload of \`kind\` from \`fields\`:`,
      '- `idempotency_key`: "whk_" + base64url of 16 random bytes (per fire; reuse the built payload for retries);',
      '- the fire timestamp (`fired_at` / `timestamp`) when the kind has one and `fields` does not set it;',
      '- the discriminator (`notification_type` / `event`);',
      '- `notification_id`: copied from the field the rule names (e.g. `event.event_id`), else required in `fields` when the rule is "stable per …".',
      'Throws a TypeError when a stable notification_id is missing or a copied one is absent from `fields`.',
    ]) +
    'export function buildNotificationPayload(kind: StandaloneNotificationKind, fields: Readonly<Record<string, unknown>>, options: BuildNotificationOptions = {}): Record<string, unknown> {\n' +
    '  const info: NotificationKindInfo = NOTIFICATION_KINDS[kind];\n' +
    '  const random = options.randomBytes ?? randomBytes;\n' +
    '  const payload: Record<string, unknown> = { idempotency_key: \'whk_\' + Buffer.from(random(16)).toString(\'base64url\') };\n' +
    '  const notificationId = notificationIdFor(kind, info.notificationId, fields);\n' +
    '  if (notificationId !== undefined) payload[\'notification_id\'] = notificationId;\n' +
    '  if (info.discriminator) payload[info.discriminator.field] = info.discriminator.value;\n' +
    '  if (info.timestampField && fields[info.timestampField] === undefined) payload[info.timestampField] = (options.now?.() ?? new Date()).toISOString();\n' +
    '  return { ...payload, ...fields, ...payload };\n}\n\n' +
    'function notificationIdFor(kind: string, rule: NotificationIdRule, fields: Readonly<Record<string, unknown>>): string | undefined {\n' +
    "  if (rule.kind === 'absent') return undefined;\n" +
    "  if (rule.kind === 'stable') {\n" +
    "    if (typeof fields['notification_id'] !== 'string') throw new TypeError(`${kind}: notification_id is required (stable per ${rule.per})`);\n" +
    "    return fields['notification_id'];\n  }\n" +
    '  let value: unknown = fields;\n' +
    "  for (const key of rule.from) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;\n" +
    "  if (typeof value !== 'string') throw new TypeError(`${kind}: notification_id equals ${rule.from.join('.')}, which fields lack`);\n" +
    '  return value;\n}\n'
  );
}
