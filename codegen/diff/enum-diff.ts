// Member-level diff of one enum schema. Members are compared as a set: AdCP inserts new task types mid-array,
// so a position shift is not a change.
import type { EnumDiff } from './diff-report.js';
import { diffMembers } from './schema-compare.js';
import { isObject, type SchemaSnapshot } from './snapshot.js';
import { breaksOf, type Breaks, type DocumentRole } from './verdict-rules.js';

export interface EnumMembersDiff {
  readonly added: string[];
  readonly removed: string[];
}

export function enumMembersDiff(from: SchemaSnapshot, to: SchemaSnapshot, file: string): EnumMembersDiff {
  const { added, removed } = diffMembers(membersOf(from, file), membersOf(to, file));
  return { added: added.map(memberLabel), removed: removed.map(memberLabel) };
}

export function enumMembersBreaks(diff: EnumMembersDiff, usedBy: readonly DocumentRole[]): Breaks {
  const parties = new Set([
    ...(diff.added.length > 0 ? breaksOf({ kind: 'enum-member-added' }, usedBy) : []),
    ...(diff.removed.length > 0 ? breaksOf({ kind: 'enum-member-removed' }, usedBy) : []),
  ]);
  return (['senders', 'receivers'] as const).filter((party) => parties.has(party));
}

/** The enum diff, or undefined when members and the deprecated flag are unchanged. */
export function diffEnum(
  from: SchemaSnapshot,
  to: SchemaSnapshot,
  file: string,
  usedBy: readonly DocumentRole[],
): EnumDiff | undefined {
  const members = enumMembersDiff(from, to, file);
  const wasDeprecated = deprecatedFlag(from, file);
  const isDeprecated = deprecatedFlag(to, file);
  const deprecated = wasDeprecated === isDeprecated ? null : { from: wasDeprecated, to: isDeprecated };
  if (members.added.length === 0 && members.removed.length === 0 && deprecated === null) return undefined;
  return {
    schema: file,
    usedBy,
    added: members.added,
    removed: members.removed,
    deprecated,
    breaks: enumMembersBreaks(members, usedBy),
  };
}

function membersOf(snapshot: SchemaSnapshot, file: string): unknown[] {
  if (!snapshot.has(file)) return [];
  const node = snapshot.read(file);
  return isObject(node) && Array.isArray(node.enum) ? node.enum : [];
}

function deprecatedFlag(snapshot: SchemaSnapshot, file: string): boolean {
  if (!snapshot.has(file)) return false;
  const node = snapshot.read(file);
  return isObject(node) && node.deprecated === true;
}

function memberLabel(member: unknown): string {
  return typeof member === 'string' ? member : JSON.stringify(member);
}
