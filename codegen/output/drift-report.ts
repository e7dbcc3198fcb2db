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

export function driftFromPlan(plan: OutputPlan): OutputDrift[] {
  const drift: OutputDrift[] = [
    ...plan.stale.map((file) => ({ path: file.path, kind: 'stale' as const, diff: unifiedDiff(file.path, file.current, file.contents) })),
    ...plan.missing.map((file) => ({ path: file.path, kind: 'missing' as const, diff: unifiedDiff(file.path, '', file.contents) })),
    ...plan.extra.map((file) => ({ path: file.path, kind: 'extra' as const, diff: unifiedDiff(file.path, file.current, '') })),
  ];
  return drift.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function unifiedDiff(path: string, onDisk: string, generated: string): string {
  return createTwoFilesPatch(`a/${path}`, `b/${path}`, onDisk, generated, 'on disk', 'generated', { context: 3 });
}
