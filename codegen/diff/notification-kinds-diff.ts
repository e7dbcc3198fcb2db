// Webhook kinds added, removed and changed between two schema releases (model/notification-kinds.ts):
// a kind changes when its payload schema, anchoring, registration channel, notification_id rule,
// fire-timestamp field, discriminator or coalescence default differs.
import { SchemaStore } from '../load/schema-store.js';
import { discoverNotificationKinds, type NotificationKind } from '../model/notification-kinds.js';

export interface NotificationKindChange {
  readonly name: string;
  /** the NotificationKind fields that differ */
  readonly fields: readonly string[];
}

export interface NotificationKindsDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly NotificationKindChange[];
}

/** Compares the webhook kinds of two schema release directories. */
export function diffNotificationKinds(fromDir: string, toDir: string): NotificationKindsDiff {
  const from = byName(discoverNotificationKinds(new SchemaStore(fromDir)));
  const to = byName(discoverNotificationKinds(new SchemaStore(toDir)));
  const changed = [...to.keys()]
    .filter((name) => from.has(name))
    .map((name) => ({ name, fields: differingFields(from.get(name)!, to.get(name)!) }))
    .filter((change) => change.fields.length > 0);
  return {
    added: [...to.keys()].filter((name) => !from.has(name)),
    removed: [...from.keys()].filter((name) => !to.has(name)),
    changed,
  };
}

function byName(kinds: readonly NotificationKind[]): Map<string, NotificationKind> {
  return new Map(kinds.map((kind) => [kind.name, kind]));
}

function differingFields(a: NotificationKind, b: NotificationKind): string[] {
  return (Object.keys(a) as (keyof NotificationKind)[]).filter((field) => JSON.stringify(a[field]) !== JSON.stringify(b[field]));
}
