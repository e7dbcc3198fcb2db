// The human report: verdict and reasons first (what a CI bot posts), then the details per section.
// Styling comes from the caller (the CLI passes a palette that is the identity off a TTY or with NO_COLOR).
import type { ClassifiedChange, DocumentDiff, EnumDiff, ResultSchemaDiff, SchemaDiffReport } from './diff-report.js';
import { describeChange } from './describe-change.js';
import type { Breaks, Verdict } from './verdict-rules.js';

export type Style = (text: string) => string;

export interface TextStyles {
  readonly bold: Style;
  readonly dim: Style;
  readonly red: Style;
  readonly green: Style;
  readonly yellow: Style;
}

const identity: Style = (text) => text;
export const PLAIN_STYLES: TextStyles = { bold: identity, dim: identity, red: identity, green: identity, yellow: identity };

/** Changes listed under each result schema before "… N more". */
const RESULT_CHANGES_SHOWN = 3;

export function formatDiffReport(report: SchemaDiffReport, styles: TextStyles = PLAIN_STYLES): string {
  const lines = [
    ...headerLines(report, styles),
    '',
    ...verdictLines(report, styles),
    ...taskTypeLines(report, styles),
    ...enumLines(report.enums, styles),
    ...documentLines('Envelope', report.envelope, styles),
    ...documentLines('Push config', report.pushConfig, styles),
    ...report.referencedSchemas.flatMap((doc) => documentLines(`Referenced by the ${doc.usedBy.join(' and ')}`, doc, styles)),
    ...resultLines(report.resultSchemas, styles),
  ];
  return `${lines.join('\n')}\n`;
}

function headerLines(report: SchemaDiffReport, s: TextStyles): string[] {
  const version = (info: SchemaDiffReport['from']) => info.adcpVersion ?? 'unknown version';
  return [
    s.bold(`AdCP schema diff: ${version(report.from)} → ${version(report.to)}`),
    s.dim(`  from ${report.from.source}`),
    s.dim(`  to   ${report.to.source}`),
  ];
}

function verdictLines(report: SchemaDiffReport, s: TextStyles): string[] {
  const lines = [`Verdict: ${verdictStyle(report.verdict, s)(report.verdict)}`];
  for (const party of ['senders', 'receivers'] as const) {
    const reasons = report.breaking[party];
    if (reasons.length === 0) continue;
    lines.push(`  Breaking for ${party}:`, ...reasons.map((reason) => `    - ${reason}`));
  }
  if (report.verdict === 'no changes') lines.push('  No semantic change to task types, enums, envelope, push config or result schemas.');
  return lines;
}

function verdictStyle(verdict: Verdict, s: TextStyles): Style {
  if (verdict === 'no changes') return s.green;
  if (verdict === 'additive') return s.yellow;
  return (text) => s.bold(s.red(text));
}

function section(title: string, body: string[], s: TextStyles): string[] {
  return body.length === 0 ? [] : ['', s.bold(title), ...body];
}

function taskTypeLines(report: SchemaDiffReport, s: TextStyles): string[] {
  const { added, removed } = report.taskTypes;
  const title = `Task types (enums/task-type.json): ${added.length} added, ${removed.length} removed`;
  return section(title, [...added.map((name) => `  + ${name}`), ...removed.map((name) => `  - ${name}`)], s);
}

function enumLines(enums: readonly EnumDiff[], s: TextStyles): string[] {
  const body = enums.map((diff) => {
    const parts = [
      ...diff.added.map((member) => `+${member}`),
      ...diff.removed.map((member) => `-${member}`),
      ...(diff.deprecated ? [diff.deprecated.to ? 'now deprecated' : 'no longer deprecated'] : []),
    ];
    return `  ${diff.schema} (${diff.usedBy.join(', ')}): ${parts.join(' ')}${breaksTag(diff.breaks, s)}`;
  });
  return section('Enums used by the envelope and push config', body, s);
}

function documentLines(title: string, doc: DocumentDiff, s: TextStyles): string[] {
  return section(`${title} (${doc.schema})`, doc.changes.map((change) => `  ${changeLine(change, s)}`), s);
}

function resultLines(results: readonly ResultSchemaDiff[], s: TextStyles): string[] {
  const body = results.flatMap((result) => [`  ${resultHeadline(result)}${breaksTag(result.breaks, s)}`, ...resultDetail(result, s)]);
  return section(`Result schemas: ${results.length} task type${results.length === 1 ? '' : 's'} changed`, body, s);
}

function resultHeadline(result: ResultSchemaDiff): string {
  if (result.status === 'declared') return `${result.taskType}: result schema now declared (${result.to ?? ''})`;
  if (result.status === 'withdrawn') return `${result.taskType}: result schema no longer declared (was ${result.from ?? ''})`;
  const moved = result.from === result.to ? '' : `, ${result.from ?? ''} → ${result.to ?? ''}`;
  const files = result.changedFiles.length > 0 ? ` in ${result.changedFiles.length} file${result.changedFiles.length === 1 ? '' : 's'}` : '';
  return `${result.taskType}: ${result.changes.length} change${result.changes.length === 1 ? '' : 's'}${files}${moved}`;
}

function resultDetail(result: ResultSchemaDiff, s: TextStyles): string[] {
  // Breaking changes first: they are what a reader has to act on.
  const ordered = [...result.changes].sort((a, b) => b.breaks.length - a.breaks.length);
  const shown = ordered.slice(0, RESULT_CHANGES_SHOWN).map((change) => `      ${changeLine(change, s)}`);
  const hidden = result.changes.length - shown.length;
  return hidden > 0 ? [...shown, s.dim(`      … ${hidden} more (--json lists every change)`)] : shown;
}

function changeLine(change: ClassifiedChange, s: TextStyles): string {
  return `${marker(change)} ${describeChange(change)}${breaksTag(change.breaks, s)}`;
}

function marker(change: ClassifiedChange): string {
  if (change.kind.endsWith('-added')) return '+';
  if (change.kind.endsWith('-removed')) return '-';
  return '~';
}

function breaksTag(breaks: Breaks, s: TextStyles): string {
  return breaks.length === 0 ? '' : ` ${s.red(`[breaks ${breaks.join(', ')}]`)}`;
}
