// Public API of the semantic schema diff (`adcp-codegen diff` and `check --upstream`).
import type { SchemaDiffReport } from './diff-report.js';
import { memoryFiles } from './schema-files.js';
import { diffSnapshots } from './schema-diff.js';
import { SchemaSnapshot } from './snapshot.js';
import { openSnapshot, type OpenSnapshotOptions } from './snapshot-source.js';

export type {
  ClassifiedChange,
  DocumentDiff,
  EnumDiff,
  ResultSchemaDiff,
  ResultSchemaStatus,
  SchemaDiffReport,
  SnapshotInfo,
  TaskTypesDiff,
} from './diff-report.js';
export { DIFF_FORMAT } from './diff-report.js';
export type { ChangeKind, SchemaChange } from './schema-change.js';
export type { Breaks, DocumentRole, Party, Verdict } from './verdict-rules.js';
export { diffSnapshots } from './schema-diff.js';
export { formatDiffReport, PLAIN_STYLES, type TextStyles } from './report-text.js';
export { SchemaSnapshot, SnapshotError } from './snapshot.js';
export { compareWithUpstream, diffHeadline, type UpstreamComparison } from './upstream-verdict.js';
export type { ReleaseProgress } from '../cache/release-source.js';
export {
  openSnapshot,
  resolveSnapshotSource,
  describeSnapshotSource,
  type OpenSnapshotOptions,
  type SnapshotSource,
} from './snapshot-source.js';

/**
 * Diffs two sources (directory, local tarball, tarball URL, or bare release version), as `adcp-codegen diff` does.
 * Throws SnapshotError (bad input: missing, unreadable, not a schema tree, checksum mismatch).
 */
export async function diffSchemaSources(from: string, to: string, options: OpenSnapshotOptions = {}): Promise<SchemaDiffReport> {
  // One after the other: a shared progress line cannot show two downloads at once.
  const before = await openSnapshot(from, options);
  const after = await openSnapshot(to, options);
  return diffSnapshots(before, after);
}

/** A snapshot over files already held in memory (e.g. a release `sync` has verified but not yet swapped in). */
export function snapshotFromTree(files: ReadonlyMap<string, Buffer>, label: string): SchemaSnapshot {
  return SchemaSnapshot.fromFiles(memoryFiles(files, label));
}
