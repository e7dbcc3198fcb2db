// The "why" lines under a verdict: for each party, one line per breaking finding (result schemas grouped).
import type { DocumentDiff, EnumDiff, ResultSchemaDiff, SchemaDiffReport, TaskTypesDiff } from './diff-report.js';
import { describeChange } from './describe-change.js';
import { breaksOf, type Party } from './verdict-rules.js';

export type ReportSections = Pick<SchemaDiffReport, 'taskTypes' | 'enums' | 'envelope' | 'pushConfig' | 'referencedSchemas' | 'resultSchemas'>;

type Reason = readonly [Party, string];

export function breakingReasons(sections: ReportSections): { senders: string[]; receivers: string[] } {
  const reasons: Reason[] = [
    ...taskTypeReasons(sections.taskTypes),
    ...sections.enums.flatMap(enumReasons),
    ...documentReasons('envelope', sections.envelope),
    ...documentReasons('push config', sections.pushConfig),
    ...sections.referencedSchemas.flatMap((doc) => documentReasons(doc.schema, doc)),
    ...resultReasons(sections.resultSchemas),
  ];
  const pick = (party: Party) => reasons.filter(([p]) => p === party).map(([, text]) => text);
  return { senders: pick('senders'), receivers: pick('receivers') };
}

function taskTypeReasons(diff: TaskTypesDiff): Reason[] {
  return [
    ...membersReasons('task types added', diff.added, breaksOf({ kind: 'enum-member-added' }, ['envelope'])),
    ...membersReasons('task types removed', diff.removed, breaksOf({ kind: 'enum-member-removed' }, ['envelope'])),
  ];
}

function enumReasons(diff: EnumDiff): Reason[] {
  return [
    ...membersReasons(`${diff.schema} members added`, diff.added, breaksOf({ kind: 'enum-member-added' }, diff.usedBy)),
    ...membersReasons(`${diff.schema} members removed`, diff.removed, breaksOf({ kind: 'enum-member-removed' }, diff.usedBy)),
  ];
}

function membersReasons(what: string, members: readonly string[], parties: readonly Party[]): Reason[] {
  if (members.length === 0) return [];
  return parties.map((party) => [party, `${what}: ${members.join(', ')}`] as const);
}

function documentReasons(label: string, doc: DocumentDiff): Reason[] {
  return doc.changes.flatMap((change) => change.breaks.map((party) => [party, `${label}: ${describeChange(change)}`] as const));
}

function resultReasons(diffs: readonly ResultSchemaDiff[]): Reason[] {
  return (['senders', 'receivers'] as const).flatMap((party) => {
    const tasks = diffs.filter((diff) => diff.breaks.includes(party)).map((diff) => diff.taskType);
    return tasks.length === 0 ? [] : [[party, `result schema changed for ${tasks.join(', ')}`] as const];
  });
}
