// The shape of a semantic schema diff. `--json` prints exactly this object (see report-json.ts for key order).
import type { SchemaChange } from './schema-change.js';
import type { Breaks, DocumentRole, Verdict } from './verdict-rules.js';

export const DIFF_FORMAT = 'adcp-schema-diff/1';

export interface SnapshotInfo {
  /** What the user passed (`--from`/`--to`), credentials and query strings removed from URLs. */
  readonly source: string;
  /** `adcp_version` from manifest.json / index.json, null when the snapshot does not declare one. */
  readonly adcpVersion: string | null;
}

export interface ClassifiedChange extends SchemaChange {
  readonly breaks: Breaks;
}

export interface TaskTypesDiff {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly breaks: Breaks;
}

export interface EnumDiff {
  /** e.g. `enums/task-status.json`. */
  readonly schema: string;
  /** The webhook documents that reference this enum. */
  readonly usedBy: readonly DocumentRole[];
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Set when the enum's own `deprecated` flag flipped. */
  readonly deprecated: { readonly from: boolean; readonly to: boolean } | null;
  readonly breaks: Breaks;
}

export interface DocumentDiff {
  readonly schema: string;
  readonly changes: readonly ClassifiedChange[];
}

export type ResultSchemaStatus = 'changed' | 'moved' | 'declared' | 'withdrawn';

export interface ResultSchemaDiff {
  readonly taskType: string;
  readonly status: ResultSchemaStatus;
  /** Result schema path in the older / newer snapshot (null when none is declared). */
  readonly from: string | null;
  readonly to: string | null;
  /** Files in the ref closure whose normalized content differs, or that exist on one side only. */
  readonly changedFiles: readonly string[];
  readonly changes: readonly ClassifiedChange[];
  readonly breaks: Breaks;
}

export interface SchemaDiffReport {
  readonly format: typeof DIFF_FORMAT;
  readonly from: SnapshotInfo;
  readonly to: SnapshotInfo;
  readonly verdict: Verdict;
  /** One line per reason, per broken party. */
  readonly breaking: { readonly senders: readonly string[]; readonly receivers: readonly string[] };
  readonly taskTypes: TaskTypesDiff;
  readonly enums: readonly EnumDiff[];
  readonly envelope: DocumentDiff;
  readonly pushConfig: DocumentDiff;
  /** Non-enum schemas the envelope/push config reference (the `result` union), compared one level deep. */
  readonly referencedSchemas: readonly (DocumentDiff & { readonly usedBy: readonly DocumentRole[] })[];
  readonly resultSchemas: readonly ResultSchemaDiff[];
}
