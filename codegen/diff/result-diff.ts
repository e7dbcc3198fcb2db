// Per task type present in both snapshots: did the terminal result schema (with everything it references) change?
// The ref-closure hash decides *whether*; the structural comparison explains *what*.
import type { ClassifiedChange, ResultSchemaDiff } from './diff-report.js';
import type { SchemaChange } from './schema-change.js';
import { compareSchemas, type CompareSide } from './schema-compare.js';
import { resolveResultSchema, taskTypesOf } from './result-schemas.js';
import { breaksOf, resultSchemaPresenceBreaks, type Breaks } from './verdict-rules.js';

export function diffResultSchemas(from: CompareSide, to: CompareSide): ResultSchemaDiff[] {
  const before = new Set(taskTypesOf(from.snapshot));
  const shared = taskTypesOf(to.snapshot).filter((taskType) => before.has(taskType)).sort();
  return shared.flatMap((taskType) => {
    const diff = diffOneResultSchema(from, to, taskType);
    return diff ? [diff] : [];
  });
}

function diffOneResultSchema(from: CompareSide, to: CompareSide, taskType: string): ResultSchemaDiff | undefined {
  const left = resolveResultSchema(from.snapshot, taskType)?.schema ?? null;
  const right = resolveResultSchema(to.snapshot, taskType)?.schema ?? null;
  if (left === null && right === null) return undefined;
  if (left === null || right === null) {
    const status = left === null ? 'declared' : 'withdrawn';
    return { taskType, status, from: left, to: right, changedFiles: [], changes: [], breaks: resultSchemaPresenceBreaks() };
  }
  if (left === right && from.fingerprints.closureHash(left) === to.fingerprints.closureHash(right)) return undefined;
  const changedFiles = changedClosureFiles(from, to, left, right);
  const changes = classify(compareSchemas(from, to, { file: left, pointer: '' }, { file: right, pointer: '' }, 'all'));
  if (changes.length === 0 && changedFiles.length > 0 && left === right) {
    // The closure differs in a way the structural comparison cannot attribute (e.g. an unreachable definition).
    changes.push(...classify([{ kind: 'schema-changed', path: '', location: right, to: changedFiles }]));
  }
  const status = changes.length === 0 ? 'moved' : 'changed';
  if (status === 'moved' && left === right) return undefined;
  return { taskType, status, from: left, to: right, changedFiles, changes, breaks: unionBreaks(changes) };
}

function classify(changes: readonly SchemaChange[]): ClassifiedChange[] {
  return changes.map((change) => ({ ...change, breaks: breaksOf(change, ['result']) }));
}

function changedClosureFiles(from: CompareSide, to: CompareSide, left: string, right: string): string[] {
  const before = from.fingerprints.closure(left);
  const after = to.fingerprints.closure(right);
  const files = new Set([...before.keys(), ...after.keys()]);
  files.delete(left);
  files.delete(right);
  const changed = [...files].filter((file) => before.get(file) !== after.get(file)).sort();
  if (left === right && before.get(left) !== after.get(right)) changed.unshift(left);
  return changed;
}

export function unionBreaks(items: readonly { readonly breaks: Breaks }[]): Breaks {
  const parties = new Set(items.flatMap((item) => item.breaks));
  return (['senders', 'receivers'] as const).filter((party) => parties.has(party));
}
