// THE RULES: which party a schema change breaks, and the one-line verdict a CI bot posts.
//
// Parties. A *sender* is the seller that emits webhooks; a *receiver* is the buyer that registers a push
// notification config and consumes webhooks. Each document has a producer and a consumer on the wire:
//
//   document                                   producer (writes it)   consumer (reads it)
//   envelope  core/mcp-webhook-payload.json    sender                 receiver
//   result    the task's result schema         sender                 receiver
//   push config core/push-notification-config  receiver               sender
//
// A change breaks the PRODUCER when something it wrote before may no longer be valid, and the CONSUMER when it
// may now be handed something it never had to handle before:
//
//   change                                         breaks
//   property added, optional                       nobody (additive)
//   property added, required                       producer
//   property became required                       producer
//   property no longer required                    consumer (can no longer rely on it)
//   property removed                               consumer; also producer if the object is closed
//                                                  (additionalProperties:false)
//   constraint tightened (type narrowed, min up,   producer
//     max down, pattern/format/const/enum added,
//     additionalProperties closed, allOf branch added)
//   constraint loosened (the reverse)              consumer
//   constraint changed, not orderable (pattern     producer and consumer
//     or format rewritten, type swapped)
//   enum member added (incl. a task type)          consumer (must handle a new value)
//   enum member removed (incl. a task type)        producer (may no longer send it)
//   oneOf/anyOf variant added / removed            consumer / producer (allOf: producer / consumer)
//   $ref retargeted, unclassified schema change    producer and consumer (conservative)
//   result schema newly declared / withdrawn       consumer
//   deprecated set or cleared, default changed     nobody (informational)
//
// An enum used by several documents takes the union of the parties each use implies. Descriptions, titles,
// examples, `x-*` keywords and the version inside `$id`/`$ref` are not changes at all (see normalize.ts).
//
// Verdict: "no changes" when nothing semantic differs; "breaking for senders and receivers",
// "breaking for senders" or "breaking for receivers" when any change breaks that party; "additive" otherwise.
import type { ChangeKind, SchemaChange } from './schema-change.js';

export type Party = 'senders' | 'receivers';
export type DocumentRole = 'envelope' | 'push-config' | 'result';
export type Verdict =
  | 'no changes'
  | 'additive'
  | 'breaking for senders'
  | 'breaking for receivers'
  | 'breaking for senders and receivers';

/** The parties a change breaks, sorted; empty = not breaking. */
export type Breaks = readonly Party[];

const PRODUCER: Record<DocumentRole, Party> = { envelope: 'senders', result: 'senders', 'push-config': 'receivers' };

export function producerOf(role: DocumentRole): Party {
  return PRODUCER[role];
}

export function consumerOf(role: DocumentRole): Party {
  return PRODUCER[role] === 'senders' ? 'receivers' : 'senders';
}

type Who = 'nobody' | 'producer' | 'consumer' | 'both';

const RULES: Record<ChangeKind, Who> = {
  'property-added': 'nobody', // refined by `required` below
  'property-removed': 'consumer', // refined by `closed` below
  'became-required': 'producer',
  'no-longer-required': 'consumer',
  'constraint-tightened': 'producer',
  'constraint-loosened': 'consumer',
  'constraint-changed': 'both',
  'enum-member-added': 'consumer',
  'enum-member-removed': 'producer',
  'variant-added': 'consumer', // allOf reversed below
  'variant-removed': 'producer',
  'ref-changed': 'both',
  'schema-changed': 'both',
  deprecated: 'nobody',
  undeprecated: 'nobody',
  'default-changed': 'nobody',
};

function whoIsBroken(change: Pick<SchemaChange, 'kind' | 'keyword' | 'required' | 'closed'>): Who {
  if (change.kind === 'property-added' && change.required === true) return 'producer';
  if (change.kind === 'property-removed' && change.closed === true) return 'both';
  if (change.keyword === 'allOf' && change.kind === 'variant-added') return 'producer';
  if (change.keyword === 'allOf' && change.kind === 'variant-removed') return 'consumer';
  return RULES[change.kind];
}

/** Parties broken by `change` in a document of the given roles (an enum may serve several documents). */
export function breaksOf(
  change: Pick<SchemaChange, 'kind' | 'keyword' | 'required' | 'closed'>,
  roles: readonly DocumentRole[],
): Breaks {
  const who = whoIsBroken(change);
  const parties = new Set<Party>();
  for (const role of roles) {
    if (who === 'producer' || who === 'both') parties.add(producerOf(role));
    if (who === 'consumer' || who === 'both') parties.add(consumerOf(role));
  }
  return sortParties(parties);
}

/** A result schema that appears for, or disappears from, a task type that exists in both snapshots. */
export function resultSchemaPresenceBreaks(): Breaks {
  return [consumerOf('result')];
}

export function verdictOf(anyChange: boolean, breaks: Iterable<Breaks>): Verdict {
  const parties = new Set<Party>();
  for (const list of breaks) for (const party of list) parties.add(party);
  if (parties.has('senders') && parties.has('receivers')) return 'breaking for senders and receivers';
  if (parties.has('senders')) return 'breaking for senders';
  if (parties.has('receivers')) return 'breaking for receivers';
  return anyChange ? 'additive' : 'no changes';
}

function sortParties(parties: Set<Party>): Breaks {
  return (['senders', 'receivers'] as const).filter((party) => parties.has(party));
}
