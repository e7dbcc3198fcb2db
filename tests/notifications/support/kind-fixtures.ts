// A valid input per webhook kind and release: the payload schema's own `examples` where one is of the
// kind (minus what buildNotificationPayload generates), else the minimal hand-written fixture below.
// Media-buy kinds (delivery reports, impairment) are the content their task envelope carries.
import { readFileSync } from 'node:fs';
import path from 'node:path';

type Json = Record<string, unknown>;

/** The part of a generated NOTIFICATION_KINDS entry fixtures need. */
export interface FixtureKind {
  readonly payloadFile: string;
  readonly inTaskEnvelope: boolean;
  readonly discriminator: { readonly field: string; readonly value: string } | null;
  readonly notificationId: { readonly kind: string };
  readonly timestampField: string | null;
}

const FIRED = '2026-12-01T10:00:00Z';
const APPLIES_TO = { scope: 'public' };

const deliveryReport = (notificationType: string): Json => ({
  notification_type: notificationType,
  reporting_period: { start: '2026-11-30T00:00:00Z', end: '2026-12-01T00:00:00Z' },
  currency: 'USD',
  media_buy_deliveries: [],
});

const wholesaleEvent = (eventType: string, entityType: string, payload: Json): Json => ({
  subscriber_id: 'wholesale-feed-sync',
  account_id: 'acc_1',
  wholesale_feed_version: 'v2026-12-01-rev2',
  cache_scope: 'public',
  event: { event_id: '019539a0-0000-7000-8000-0000000000aa', event_type: eventType, entity_type: entityType, entity_id: 'ent_1', created_at: FIRED, payload },
});

const listChange = (listId: string): Json => ({ list_id: listId, resolved_at: FIRED, signature: 'sig' });

/** Minimal schema-valid inputs for the kinds whose schema has no example of them. */
const HAND_WRITTEN: Readonly<Record<string, () => Json>> = {
  scheduled: () => deliveryReport('scheduled'),
  final: () => deliveryReport('final'),
  delayed: () => deliveryReport('delayed'),
  adjusted: () => deliveryReport('adjusted'),
  window_update: () => deliveryReport('window_update'),
  impairment: () => ({
    impairment_id: 'imp_1',
    resource_type: 'audience',
    resource_id: 'aud_1',
    package_ids: ['pkg_1'],
    transition: { to: 'suspended' },
    reason_code: 'consent_expired',
    observed_at: FIRED,
  }),
  'product.created': () => wholesaleEvent('product.created', 'product', { product_id: 'prod_1', product: { product_id: 'prod_1' }, applies_to: APPLIES_TO }),
  'product.updated': () => wholesaleEvent('product.updated', 'product', { product_id: 'prod_1', product: { product_id: 'prod_1' }, changed_fields: ['name'], applies_to: APPLIES_TO }),
  'product.removed': () => wholesaleEvent('product.removed', 'product', { product_id: 'prod_1', removal_reason: 'withdrawn', applies_to: APPLIES_TO }),
  'signal.created': () => wholesaleEvent('signal.created', 'signal', { signal_agent_segment_id: 'seg_1', signal: {}, applies_to: APPLIES_TO }),
  'signal.updated': () => wholesaleEvent('signal.updated', 'signal', { signal_agent_segment_id: 'seg_1', signal: {}, applies_to: APPLIES_TO }),
  'signal.priced': () =>
    wholesaleEvent('signal.priced', 'signal', {
      signal_agent_segment_id: 'seg_1',
      pricing_options: [{ pricing_option_id: 'vpo_1', model: 'cpm', cpm: 2, currency: 'USD' }],
      applies_to: APPLIES_TO,
    }),
  'signal.removed': () => wholesaleEvent('signal.removed', 'signal', { signal_agent_segment_id: 'seg_1', removal_reason: 'expired', applies_to: APPLIES_TO }),
  'wholesale_feed.bulk_change': () =>
    wholesaleEvent('wholesale_feed.bulk_change', 'feed', { summary: 'rate card refresh', affected_entity_type: 'product', affected_count: 3, applies_to: APPLIES_TO }),
  rights_revocation: () => ({ rights_id: 'rg_1', brand_id: 'br_1', reason: 'contract ended', effective_at: FIRED }),
  collection_list_changed: () => listChange('cl_1'),
  property_list_changed: () => listChange('pl_1'),
  artifact_batch: () => ({ media_buy_id: 'mb_1', batch_id: 'batch_1', timestamp: FIRED, artifacts: [] }),
};

/** A valid input of `kind` in the release at `schemasDir`; throws naming the kind when there is none. */
export function fixtureFor(schemasDir: string, name: string, kind: FixtureKind): Json {
  const example = schemaExample(schemasDir, kind);
  if (example) return withoutGenerated(example, kind);
  const handWritten = HAND_WRITTEN[name];
  if (!handWritten) throw new Error(`no fixture for webhook kind "${name}" (${kind.payloadFile}): add one to tests/notifications/support/kind-fixtures.ts`);
  const fixture = handWritten();
  // 3.2 product fires echo the product representation the subscriber negotiated.
  if (name.startsWith('product.') && declaresProperty(readSchema(schemasDir, kind.payloadFile), 'product_payload_view')) fixture['product_payload_view'] = 'legacy';
  return fixture;
}

function readSchema(schemasDir: string, file: string): Json {
  return JSON.parse(readFileSync(path.join(schemasDir, ...file.split('/')), 'utf8')) as Json;
}

function declaresProperty(schema: Json, field: string): boolean {
  const properties = schema['properties'];
  return typeof properties === 'object' && properties !== null && Object.hasOwn(properties, field);
}

function schemaExample(schemasDir: string, kind: FixtureKind): Json | undefined {
  const schema = readSchema(schemasDir, kind.payloadFile) as { examples?: unknown[] };
  const examples = (schema.examples ?? []).map((example) => (example as { data?: Json }).data).filter((data): data is Json => typeof data === 'object' && data !== null);
  if (!kind.discriminator) return undefined;
  const { field, value } = kind.discriminator;
  return examples.find((data) => data[field] === value);
}

/** The example minus what the builder sets itself (a copied notification_id, the key, the discriminator). */
function withoutGenerated(example: Json, kind: FixtureKind): Json {
  const input: Json = { ...example };
  delete input['idempotency_key'];
  if (kind.discriminator && !kind.inTaskEnvelope) delete input[kind.discriminator.field];
  if (kind.notificationId.kind === 'copy') delete input['notification_id'];
  if (kind.timestampField) delete input[kind.timestampField];
  return input;
}
