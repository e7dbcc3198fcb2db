// `check --upstream`: the pinned cache against an upstream release, in the one line a CI bot posts
// ("upstream 3.2.0-beta.5 vs pinned 3.1.19: breaking for senders and receivers — 9 task types added, …"),
// and whether upstream differs at all: semantically, or merely by being another release.
import type { SchemaDiffReport } from './diff-report.js';

export interface UpstreamComparison {
  /** The one-line verdict. */
  readonly summary: string;
  /** True when the diff found changes or upstream declares another release than the pinned one. */
  readonly differs: boolean;
  readonly pinnedVersion: string;
  /** `adcp_version` upstream declares; null when it declares none. */
  readonly upstreamVersion: string | null;
  readonly diff: SchemaDiffReport;
}

/** `diff` must run from the pinned cache to upstream. */
export function compareWithUpstream(diff: SchemaDiffReport, pinnedVersion: string): UpstreamComparison {
  const upstreamVersion = diff.to.adcpVersion;
  const anotherRelease = upstreamVersion !== null && upstreamVersion !== pinnedVersion;
  const differs = diff.verdict !== 'no changes' || anotherRelease;
  const subject = `upstream ${upstreamVersion ?? diff.to.source} vs pinned ${pinnedVersion}`;
  return { summary: `${subject}: ${diffHeadline(diff, anotherRelease)}`, differs, pinnedVersion, upstreamVersion, diff };
}

/** The verdict and what the diff counted, e.g. `additive — 2 task types added, 1 enum changed`. */
export function diffHeadline(diff: SchemaDiffReport, anotherRelease = false): string {
  if (diff.verdict === 'no changes') {
    return anotherRelease ? 'no changes to the webhook surface, but another release' : 'no changes';
  }
  const counts = [
    count(diff.taskTypes.added.length, 'task type', 'added'),
    count(diff.taskTypes.removed.length, 'task type', 'removed'),
    count(diff.enums.length, 'enum', 'changed'),
    count(diff.envelope.changes.length, 'envelope change'),
    count(diff.pushConfig.changes.length, 'push-config change'),
    count(diff.referencedSchemas.reduce((sum, doc) => sum + doc.changes.length, 0), 'change', 'to referenced schemas'),
    count(diff.resultSchemas.length, 'result schema', 'changed'),
  ].filter((part) => part !== '');
  return `${diff.verdict} — ${counts.join(', ')}`;
}

function count(n: number, noun: string, tail = ''): string {
  if (n === 0) return '';
  return `${n} ${noun}${n === 1 ? '' : 's'}${tail === '' ? '' : ` ${tail}`}`;
}
