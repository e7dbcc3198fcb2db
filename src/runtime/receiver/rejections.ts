// Building rejections: the HTTP status each code answers with, the `WWW-Authenticate` value for
// authentication failures (security.mdx "Webhook error taxonomy" → "Retry semantics for
// verification failures"), and the stage names explain mode reports.
import type { ChecklistFailure } from '../signing/webhook-checklist.js';
import type { RejectionStage, WebhookRejection, WebhookRejectionCode } from './events.js';

/** Seconds a sender is asked to wait on a 503 (a claim held elsewhere, a store unavailable). */
export const RETRY_AFTER_SECONDS = 5;

const STATUS_BY_CODE: Partial<Record<WebhookRejectionCode, number>> = {
  webhook_method_not_allowed: 405,
  webhook_content_type_invalid: 415,
  webhook_payload_too_large: 413,
  webhook_request_invalid: 400,
  webhook_registration_unknown: 404,
  webhook_payload_invalid: 400,
  webhook_event_in_progress: 503,
  webhook_receiver_unavailable: 503,
  webhook_raw_body_unavailable: 500,
};

const STAGE_NAMES: Record<RejectionStage, string> = {
  method: 'HTTP method',
  'content-type': 'Content-Type is application/json (before any crypto)',
  size: 'body size cap (before any crypto)',
  request: 'request shape',
  registration: 'registration lookup',
  mode: 'registered authentication mode',
  '1': 'step 1: parse Signature-Input and Signature',
  '2': 'step 2: required signature parameters',
  '3': 'step 3: tag is adcp/webhook-signing/v1',
  '4': 'step 4: algorithm allowlist',
  '5': 'step 5: signature validity window',
  '6': 'step 6: covered components',
  '7': 'step 7: key resolution',
  '8': 'step 8: key purpose',
  '9': 'step 9: revocation',
  '9a': 'step 9a: replay-cache cap',
  '10': 'step 10: signature over the recomputed base',
  '11': 'step 11: Content-Digest',
  '12': 'step 12: nonce replay',
  '13': 'step 13: nonce admission',
  '14': 'step 14: body well-formedness',
  hmac: 'legacy HMAC-SHA256 verification',
  bearer: 'legacy Bearer credential',
  token: 'push_notification_config.token',
  envelope: 'envelope and result validation',
  dedup: 'idempotency_key dedup',
  store: 'receiver store',
};

/** A rejection for `code`, with its status, `WWW-Authenticate` and (in explain mode) the report. */
export function rejection(
  code: WebhookRejectionCode,
  stage: RejectionStage,
  detail: string,
  explain?: { readonly signatureBase?: string },
): WebhookRejection {
  const status = STATUS_BY_CODE[code] ?? 401;
  return {
    kind: 'rejected',
    code,
    status,
    ...(status === 401 ? { wwwAuthenticate: `Signature error="${code}"` } : {}),
    ...(status === 503 ? { retryAfterSeconds: RETRY_AFTER_SECONDS } : {}),
    stage,
    detail,
    ...(explain === undefined
      ? {}
      : { explanation: { stage, stageName: STAGE_NAMES[stage], detail, ...(explain.signatureBase === undefined ? {} : { signatureBase: explain.signatureBase }) } }),
  };
}

export function checklistRejection(failure: ChecklistFailure, explain?: { readonly signatureBase?: string }): WebhookRejection {
  return rejection(failure.code, failure.step, failure.detail, explain);
}
