// One attempt of one stored delivery: re-check the URL, sign afresh, POST the stored bytes, and
// turn the receiver's answer into what happens next (delivered, retry at T, or failed).
import type { WebhookSigner } from '../signing/webhook-signer.js';
import type { TargetCheck, WebhookTarget } from '../ssrf/target-url.js';
import { checkTargetUrlCached } from '../ssrf/target-url-cache.js';
import type { SsrfPolicy } from '../ssrf/policy.js';
import type { DeliveryRecord } from '../store/delivery-store.js';
import type { AttemptReport } from './attempt-handler.js';
import type { DeliveryClock } from './clock.js';
import { isRetryable, type DeliveryErrorClass } from './error-class.js';
import { decideRetry, retryAfterDelayMs, type RetryPolicy } from './retry-policy.js';
import type { WebhookTransport } from './transport.js';

export type NextStep =
  | { readonly kind: 'delivered'; readonly attempts: number; readonly httpStatus: number | undefined }
  | { readonly kind: 'retry'; readonly attempts: number; readonly at: number; readonly httpStatus?: number; readonly errorClass: DeliveryErrorClass }
  | {
      readonly kind: 'failed';
      readonly attempts: number;
      readonly httpStatus?: number;
      readonly errorClass: DeliveryErrorClass;
      readonly retriesExhausted: boolean;
    };

export interface AttemptDependencies {
  readonly transport: WebhookTransport;
  readonly retryPolicy: RetryPolicy;
  readonly ssrfPolicy: SsrfPolicy;
  readonly clock: DeliveryClock;
  readonly random: () => number;
  /** The signer for this record; throws or rejects when none is available. */
  readonly signerFor: (record: DeliveryRecord) => WebhookSigner | Promise<WebhookSigner>;
  /** The target this process already validated for the record under the same policy, if any. */
  readonly knownTarget?: (record: DeliveryRecord) => WebhookTarget | undefined;
}

const USER_AGENT = 'adcp-codegen-webhooks';
/** Headers the transport owns; a signer can never override them. */
const TRANSPORT_HEADERS = new Set(['content-type', 'content-length', 'host', 'transfer-encoding', 'connection', 'user-agent']);

export async function attemptDelivery(record: DeliveryRecord, deps: AttemptDependencies): Promise<NextStep> {
  const known = deps.knownTarget?.(record);
  const check: TargetCheck = known === undefined ? checkTargetUrlCached(record.url, deps.ssrfPolicy) : { ok: true, target: known };
  if (!check.ok) {
    return { kind: 'failed', attempts: record.attempts, errorClass: check.errorClass, retriesExhausted: false };
  }
  const attempts = record.attempts + 1;
  let signer: WebhookSigner;
  try {
    const found = deps.signerFor(record);
    signer = found instanceof Promise ? await found : found;
  } catch {
    return afterFailure(record, attempts, { errorClass: 'signer_unavailable' }, deps);
  }
  let headers: string[];
  try {
    const signed = requestHeaders(signer, record, Math.floor(deps.clock.now() / 1000));
    headers = Array.isArray(signed) ? signed : await signed;
  } catch {
    return { kind: 'failed', attempts: record.attempts, errorClass: 'signing_error', retriesExhausted: false };
  }
  const report = await deps.transport.post(check.target.origin, check.target.path, headers, record.body);
  const { errorClass } = report;
  if (errorClass === undefined) {
    return { kind: 'delivered', attempts, httpStatus: report.status };
  }
  return afterFailure(record, attempts, { ...report, errorClass }, deps);
}

function afterFailure(
  record: DeliveryRecord,
  attempts: number,
  report: AttemptReport & { readonly errorClass: DeliveryErrorClass },
  deps: AttemptDependencies,
): NextStep {
  const failure = report.status === undefined ? { errorClass: report.errorClass } : { errorClass: report.errorClass, httpStatus: report.status };
  if (!isRetryable(report.errorClass)) {
    return { kind: 'failed', attempts, ...failure, retriesExhausted: false };
  }
  const now = deps.clock.now();
  const decision = decideRetry({
    policy: deps.retryPolicy,
    completedAttempts: attempts,
    createdAt: record.createdAt,
    now,
    retryAfterMs: retryAfterDelayMs(report.retryAfter, now, deps.retryPolicy),
    random: deps.random(),
  });
  return decision.retry
    ? { kind: 'retry', attempts, at: decision.at, ...failure }
    : { kind: 'failed', attempts, ...failure, retriesExhausted: true };
}

/**
 * Content-Type plus the signer's fresh headers for this attempt, as undici's flat header list. An
 * in-process signer answers synchronously and so does this (no promise, no extra tick); an external
 * one (KMS) is awaited. Throws what the signer throws.
 */
function requestHeaders(signer: WebhookSigner, record: DeliveryRecord, nowSeconds: number): string[] | Promise<string[]> {
  const answer = signer.headersFor(
    { method: 'POST', url: record.url, contentType: 'application/json', body: record.body },
    nowSeconds,
  );
  return isThenable(answer) ? Promise.resolve(answer).then(flatHeaders) : flatHeaders(answer);
}

function flatHeaders(signed: Readonly<Record<string, string | undefined>>): string[] {
  const headers = ['content-type', 'application/json', 'user-agent', USER_AGENT];
  for (const name in signed) {
    const value = signed[name];
    if (value !== undefined && !TRANSPORT_HEADERS.has(name.toLowerCase())) headers.push(name, value);
  }
  return headers;
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
