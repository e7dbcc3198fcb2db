// One HTTP attempt as an undici dispatch handler: records the final status and the two headers the
// retry logic needs, reads at most `maxResponseBytes` of the body and discards it, and enforces a
// total deadline. It settles exactly once.
import type { Dispatcher } from 'undici';
import { classifyStatus } from './classify-response.js';
import { classifyTransportError } from './classify-error.js';
import type { DeliveryErrorClass } from './error-class.js';
import { AttemptTimeoutError, ResponseBodyLimitError } from './errors.js';

export interface AttemptReport {
  /** The final HTTP status, when one arrived. */
  readonly status?: number;
  /** Absent when the receiver answered 2xx. */
  readonly errorClass?: DeliveryErrorClass;
  readonly retryAfter?: string;
}

export class AttemptHandler implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #status = 0;
  #wwwAuthenticate: string | undefined;
  #retryAfter: string | undefined;
  #bodyBytes = 0;
  #settled = false;
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly maxResponseBytes: number,
    timeoutMs: number,
    private readonly settle: (report: AttemptReport) => void,
  ) {
    // The handler itself is the timer's argument: no closure per attempt.
    this.#timer = setTimeout(AttemptHandler.#expire, timeoutMs, this);
  }

  static #expire(handler: AttemptHandler): void {
    handler.#onTimeout();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#settled) controller.abort(new AttemptTimeoutError('attempt abandoned'));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // informational; the final response follows
    this.#status = statusCode;
    this.#wwwAuthenticate = joinHeader(headers['www-authenticate']);
    this.#retryAfter = joinHeader(headers['retry-after']);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bodyBytes += chunk.length;
    if (this.#bodyBytes > this.maxResponseBytes) {
      controller.abort(new ResponseBodyLimitError('response body over the limit'));
    }
  }

  onResponseEnd(): void {
    this.#finish(this.#statusReport());
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    // Once the status line arrived, the receiver's answer stands even if the body then fails.
    this.#finish(this.#status !== 0 ? this.#statusReport() : { errorClass: classifyTransportError(error) });
  }

  /** For a dispatch that threw synchronously. */
  fail(error: unknown): void {
    this.#finish({ errorClass: classifyTransportError(error) });
  }

  #onTimeout(): void {
    if (this.#settled) return;
    if (this.#status !== 0) {
      this.#controller?.abort(new AttemptTimeoutError('attempt timed out'));
      this.#finish(this.#statusReport());
      return;
    }
    this.#finish({ errorClass: 'timeout' });
    this.#controller?.abort(new AttemptTimeoutError('attempt timed out'));
  }

  #statusReport(): AttemptReport {
    const errorClass = classifyStatus(this.#status, this.#wwwAuthenticate);
    if (errorClass === undefined) return { status: this.#status };
    return this.#retryAfter === undefined
      ? { status: this.#status, errorClass }
      : { status: this.#status, errorClass, retryAfter: this.#retryAfter };
  }

  #finish(report: AttemptReport): void {
    if (this.#settled) return;
    this.#settled = true;
    clearTimeout(this.#timer);
    this.settle(report);
  }
}

function joinHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
