// A one-line progress indicator for downloads and extraction, redrawn in place with `\r`.
// Off (every call a no-op) unless the stream is a TTY and CI is unset; redraws are throttled so a
// fast loop over thousands of tar entries costs nothing noticeable.
import { terminalCapabilities, type Environment, type OutputStream } from './terminal.js';

export interface Progress {
  /** Reports `done` units of `total` (total unknown: omit it). */
  update(done: number, total?: number): void;
  /** Clears the line; prints `message` on its own line when given and progress is shown. */
  finish(message?: string): void;
}

export interface ProgressOptions {
  /** Where to draw; default process.stderr (stdout stays clean for `--json`). */
  readonly stream?: OutputStream;
  readonly env?: Environment;
  /** `bytes` renders 1.2 MB; `count` renders 42. Default `count`. */
  readonly unit?: 'bytes' | 'count';
  /** Minimum time between redraws; default 100 ms. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

const silentProgress: Progress = { update() {}, finish() {} };

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!terminalCapabilities(stream, options.env ?? process.env).progress) return silentProgress;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 100;
  const format = options.unit === 'bytes' ? formatBytes : String;
  let lastDraw = Number.NEGATIVE_INFINITY;
  let drawn = false;
  return {
    update(done, total) {
      const at = now();
      const complete = total !== undefined && done >= total;
      if (!complete && at - lastDraw < intervalMs) return;
      lastDraw = at;
      drawn = true;
      stream.write(`\r\u001b[2K${progressLine(label, done, total, format)}`);
    },
    finish(message) {
      if (drawn) stream.write('\r\u001b[2K');
      if (message !== undefined) stream.write(`${message}\n`);
    },
  };
}

export function progressLine(
  label: string,
  done: number,
  total: number | undefined,
  format: (n: number) => string = String,
): string {
  if (total === undefined || total <= 0) return `${label} ${format(done)}`;
  const percent = Math.min(100, Math.floor((done / total) * 100));
  return `${label} ${String(percent).padStart(3)}% (${format(done)} / ${format(total)})`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
