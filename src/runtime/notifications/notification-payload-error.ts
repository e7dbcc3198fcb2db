// The one error a webhook payload of a non-task kind fails with, whether the builder refuses what it
// was given or a sender refuses what it was asked to send: it names the kind and the JSON pointer.
import { AdcpError } from '../errors/adcp-error.js';

/** One schema problem of a payload (the shape of the generated validators' issues). */
export interface NotificationPayloadIssue {
  /** JSON pointer (RFC 6901) to the offending value; for a missing property, to where it should be */
  readonly path: string;
  readonly keyword: string;
  readonly message: string;
}

/**
 * A payload of a webhook kind is not valid against its payload schema (building/by-layer/L3/webhooks.mdx —
 * Persistent channel contract): `pointer` is the JSON pointer of the first problem, `issues` all of them.
 * The message names the kind, the pointer and the failed rule, never the offending value.
 */
export class NotificationPayloadError extends AdcpError<'ADCP_NOTIFICATION_PAYLOAD_INVALID'> {
  readonly kind: string;
  readonly pointer: string;
  readonly issues: readonly NotificationPayloadIssue[];

  constructor(kind: string, issues: readonly NotificationPayloadIssue[]) {
    const first = issues[0] ?? { path: '', keyword: 'schema', message: 'is invalid' };
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('ADCP_NOTIFICATION_PAYLOAD_INVALID', `${kind} payload is invalid at ${first.path === '' ? '/' : first.path}: ${first.message}${more}`);
    this.kind = kind;
    this.pointer = first.path;
    this.issues = issues;
  }
}
