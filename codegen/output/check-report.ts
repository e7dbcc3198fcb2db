import type { CacheMismatch } from '../cache/verify-cache.js';
import type { OutputDrift } from './drift-report.js';

/** Everything `adcp-codegen check` found; `--json` prints it as-is. */
export interface CheckReport {
  readonly ok: boolean;
  readonly adcpVersion: string | undefined;
  readonly schemasDir: string;
  readonly lockPath: string;
  readonly outDir: string;
  /** cached files that differ from the lock */
  readonly cache: readonly CacheMismatch[];
  /** generated files that differ from a fresh in-memory generation */
  readonly generated: readonly OutputDrift[];
  /** set when generation failed after the cache already drifted from its lock */
  readonly generationError?: string;
  readonly generatedFileCount: number;
  /**
   * recorded-hashes: inputs and outputs matched the hashes generate recorded in its manifest, so nothing
   * was regenerated; generation: the files were regenerated in memory and compared.
   */
  readonly verifiedBy: 'recorded-hashes' | 'generation';
}

const MAX_DIFF_LINES_PER_FILE = 200;

/** How diff lines are styled (colour on a terminal); identity by default. */
export interface DiffStyles {
  readonly added: (line: string) => string;
  readonly removed: (line: string) => string;
  readonly hunk: (line: string) => string;
}

const plain = (line: string): string => line;
const PLAIN_STYLES: DiffStyles = { added: plain, removed: plain, hunk: plain };

/** Human-readable report: one line per problem, then the unified diffs of drifted generated files. */
export function formatCheckReport(report: CheckReport, styles: DiffStyles = PLAIN_STYLES): string {
  if (report.ok) {
    return (
      `check: in sync — AdCP ${report.adcpVersion ?? '?'}: cache matches ${report.lockPath}, ` +
      `${report.generatedFileCount} generated files in ${report.outDir} up to date\n`
    );
  }
  const lines: string[] = [];
  if (report.cache.length > 0) {
    lines.push(`check: schema cache ${report.schemasDir} differs from its lock ${report.lockPath}:`);
    for (const mismatch of report.cache) lines.push(`  ${mismatch.kind.padEnd(8)} ${report.schemasDir}/${mismatch.path}: ${mismatch.detail}`);
  }
  if (report.generationError !== undefined) lines.push(`check: generation failed: ${report.generationError}`);
  if (report.generated.length > 0) {
    lines.push(`check: generated output in ${report.outDir} is out of date (run \`adcp-codegen generate\`):`);
    for (const drift of report.generated) lines.push(`  ${drift.kind.padEnd(8)} ${report.outDir}/${drift.path}`);
    for (const drift of report.generated) lines.push(...cappedDiff(drift.diff).map((line) => styled(line, styles)));
  }
  lines.push(`check: ${plural(report.cache.length, 'cache mismatch', 'cache mismatches')}, ${plural(report.generated.length, 'generated file', 'generated files')} out of date`);
  return `${lines.join('\n')}\n`;
}

function cappedDiff(diff: string): string[] {
  const lines = diff.replace(/\n$/, '').split('\n');
  if (lines.length <= MAX_DIFF_LINES_PER_FILE) return lines;
  const hidden = lines.length - MAX_DIFF_LINES_PER_FILE;
  return [...lines.slice(0, MAX_DIFF_LINES_PER_FILE), `… ${hidden} more diff lines (--json has the full diff)`];
}

function styled(line: string, styles: DiffStyles): string {
  if (line.startsWith('+++') || line.startsWith('---')) return line;
  if (line.startsWith('+')) return styles.added(line);
  if (line.startsWith('-')) return styles.removed(line);
  if (line.startsWith('@@')) return styles.hunk(line);
  return line;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
