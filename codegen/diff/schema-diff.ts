// Entry point of the semantic diff: two opened snapshots in, one SchemaDiffReport out.
import {
  DIFF_FORMAT,
  type ClassifiedChange,
  type DocumentDiff,
  type SchemaDiffReport,
  type SnapshotInfo,
  type TaskTypesDiff,
} from './diff-report.js';
import { diffEnum, enumMembersBreaks, enumMembersDiff } from './enum-diff.js';
import { SnapshotFingerprints } from './normalize.js';
import { diffResultSchemas } from './result-diff.js';
import { compareSchemas, type CompareSide } from './schema-compare.js';
import { ENVELOPE_FILE, PUSH_CONFIG_FILE, TASK_TYPE_FILE, type SchemaSnapshot } from './snapshot.js';
import { surfaceReferences } from './surface-refs.js';
import { breakingReasons } from './breaking-reasons.js';
import { breaksOf, verdictOf, type DocumentRole } from './verdict-rules.js';

/** The semantic diff between two opened snapshots (see verdict-rules.ts for how the verdict is reached). */
export function diffSnapshots(from: SchemaSnapshot, to: SchemaSnapshot): SchemaDiffReport {
  const left: CompareSide = { snapshot: from, fingerprints: new SnapshotFingerprints(from) };
  const right: CompareSide = { snapshot: to, fingerprints: new SnapshotFingerprints(to) };
  const references = surfaceReferences(from, to);
  const taskTypes = diffTaskTypes(from, to);
  const enums = references
    .filter((ref) => ref.isEnum && ref.file !== TASK_TYPE_FILE)
    .flatMap((ref) => diffEnum(from, to, ref.file, ref.usedBy) ?? []);
  const envelope = diffDocument(left, right, ENVELOPE_FILE, ['envelope']);
  const pushConfig = diffDocument(left, right, PUSH_CONFIG_FILE, ['push-config']);
  const referencedSchemas = references
    .filter((ref) => !ref.isEnum && from.has(ref.file) && to.has(ref.file))
    .map((ref) => ({ ...diffDocument(left, right, ref.file, ref.usedBy), usedBy: ref.usedBy }))
    .filter((doc) => doc.changes.length > 0);
  const resultSchemas = diffResultSchemas(left, right);
  const sections = { taskTypes, enums, envelope, pushConfig, referencedSchemas, resultSchemas };
  const allBreaks = [
    taskTypes.breaks,
    ...enums.map((e) => e.breaks),
    ...[envelope, pushConfig, ...referencedSchemas].flatMap((doc) => doc.changes.map((c) => c.breaks)),
    ...resultSchemas.map((r) => r.breaks),
  ];
  const anyChange =
    taskTypes.added.length + taskTypes.removed.length + enums.length + envelope.changes.length +
      pushConfig.changes.length + referencedSchemas.length + resultSchemas.length > 0;
  return {
    format: DIFF_FORMAT,
    from: snapshotInfo(from),
    to: snapshotInfo(to),
    verdict: verdictOf(anyChange, allBreaks),
    breaking: breakingReasons(sections),
    ...sections,
  };
}

function snapshotInfo(snapshot: SchemaSnapshot): SnapshotInfo {
  return { source: snapshot.label, adcpVersion: snapshot.adcpVersion ?? null };
}

function diffTaskTypes(from: SchemaSnapshot, to: SchemaSnapshot): TaskTypesDiff {
  const members = enumMembersDiff(from, to, TASK_TYPE_FILE);
  return { added: members.added, removed: members.removed, breaks: enumMembersBreaks(members, ['envelope']) };
}

function diffDocument(left: CompareSide, right: CompareSide, file: string, roles: readonly DocumentRole[]): DocumentDiff {
  const address = { file, pointer: '' };
  const changes: ClassifiedChange[] = compareSchemas(left, right, address, address, 'same-file').map((change) => ({
    ...change,
    breaks: breaksOf(change, roles),
  }));
  return { schema: file, changes };
}
