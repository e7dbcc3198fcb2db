// What each AdCP task status means for task webhooks (webhooks.mdx "When webhooks fire"):
// `submitted` is only ever the initial acknowledgement, never a later webhook; `working`,
// `input-required` and `auth-required` are progress; `completed`, `failed`, `canceled` and
// `rejected` end the task; `unknown` is never announced. The switch is exhaustive over the
// generated TaskStatus, so a status added or renamed by a new AdCP release fails compilation here.
import type { TaskStatus } from '../../generated/index.js';
import { assertNever } from './assert-never.js';

export type StatusRole = 'initial' | 'progress' | 'terminal' | 'not_announced';

export function statusRole(status: TaskStatus): StatusRole {
  switch (status) {
    case 'submitted':
      return 'initial';
    case 'working':
    case 'input-required':
    case 'auth-required':
      return 'progress';
    case 'completed':
    case 'failed':
    case 'canceled':
    case 'rejected':
      return 'terminal';
    case 'unknown':
      return 'not_announced';
    default:
      return assertNever(status, 'task status');
  }
}

/** Statuses a task's first (synchronous) response may carry for webhooks to follow. */
export const NON_TERMINAL_INITIAL_STATUSES = ['submitted', 'working'] as const satisfies readonly TaskStatus[];
/**
 * A status a task's first, synchronous response may carry when task webhooks are to follow:
 * `submitted` or `working` (webhooks.mdx "When webhooks fire": only operations whose initial response
 * is non-terminal may later emit task webhooks).
 */
export type NonTerminalInitialStatus = (typeof NON_TERMINAL_INITIAL_STATUSES)[number];

/** Statuses never sent as a later task webhook. */
const NOT_ANNOUNCED_LATER = ['submitted', 'unknown'] as const satisfies readonly TaskStatus[];

/** Statuses a task webhook may carry. */
export type AnnouncedStatus = Exclude<TaskStatus, (typeof NOT_ANNOUNCED_LATER)[number]>;

export function isAnnouncedStatus(status: TaskStatus): status is AnnouncedStatus {
  const role = statusRole(status);
  return role === 'progress' || role === 'terminal';
}

/**
 * True for the statuses that end a task, `completed`, `failed`, `canceled` and `rejected`
 * (webhooks.mdx "When webhooks fire"; enums/task-status.json): nothing is announced for the task after
 * its terminal webhook.
 */
export function isTerminalStatus(status: TaskStatus): boolean {
  return statusRole(status) === 'terminal';
}
