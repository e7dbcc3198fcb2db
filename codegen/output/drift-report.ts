import { createTwoFilesPatch } from 'diff';
import type { OutputPlan } from './output-changes.js';

/** One generated file that differs from what the generator produces now. */
export interface OutputDrift {
  readonly path: string;
  /** stale: contents differ; missing: not on disk; extra: generated earlier, no longer produced */
  readonly kind: 'stale' | 'missing' | 'extra';
  /** unified diff from the file on disk to the freshly generated contents */
  readonly diff: string;
}

/**
 * `shownOutDir` prefixes the paths in the diff headers (`a/src/generated/x.ts`), so the patch applies
 * with `git apply` / `patch -p1` from where the command ran.
 */
export function driftFromPlan(plan: OutputPlan, shownOutDir = ''): OutputDrift[] {
  const diff = (path: string, onDisk: string, generated: string): string =>
    unifiedDiff(shownOutDir === '' || shownOutDir === '.' ? path : `${shownOutDir}/${path}`, onDisk, generated);
  const drift: OutputDrift[] = [
    ...plan.stale.map((file) => ({ path: file.path, kind: 'stale' as const, diff: diff(file.path, file.current, file.contents) })),
    ...plan.missing.map((file) => ({ path: file.path, kind: 'missing' as const, diff: diff(file.path, '', file.contents) })),
    ...plan.extra.map((file) => ({ path: file.path, kind: 'extra' as const, diff: diff(file.path, file.current, '') })),
  ];
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function unifiedDiff(path: string, onDisk: string, generated: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, onDisk, generated, 'on disk', 'generated', { context: 3 });
}
