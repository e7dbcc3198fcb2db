import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { CacheError } from './cache-error.js';
import { describeBytes } from './tarball.js';

export interface DownloadResult {
  readonly bytes: number;
  readonly sha256: string;
}

export type ProgressReporter = (received: number, total: number | undefined) => void;

const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;

/** A release tarball is a few MB; a download past this is refused (default of `maxBytes`). */
export const MAX_DOWNLOAD_BYTES = 64 * 1024 * 1024;

/**
 * Streams `url` into `destination`, hashing as it goes. A 404 means the release does not exist; a body
 * shorter than its Content-Length, or a connection that drops mid-body, is reported as cut short; a
 * body (or a Content-Length) over `maxBytes` (default 64 MiB) is refused at the cap, the connection
 * dropped. `label` is the URL as it may appear in messages (no query string or credentials).
 */
export async function downloadToFile(
  url: URL,
  label: string,
  destination: string,
  onProgress?: ProgressReporter,
  maxBytes: number = MAX_DOWNLOAD_BYTES,
): Promise<DownloadResult> {
  const response = await get(url, label);
  const expected = contentLength(response);
  if (expected !== undefined && expected > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw downloadTooLarge(label, maxBytes, `Content-Length ${expected}`);
  }
  const hash = createHash('sha256');
  const file = await open(destination, 'w');
  let received = 0;
  try {
    if (response.body === null) throw new CacheError(`${label}: empty response body`);
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      if (received > maxBytes) throw downloadTooLarge(label, maxBytes, `more than ${maxBytes} bytes received`);
      hash.update(chunk);
      await file.write(chunk);
      onProgress?.(received, expected);
    }
  } catch (error) {
    if (error instanceof CacheError) throw error;
    throw cutShort(url, label, received, expected, error);
  } finally {
    await file.close();
  }
  if (expected !== undefined && received !== expected) throw cutShort(url, label, received, expected);
  return { bytes: received, sha256: hash.digest('hex') };
}

/** The refusal at the download size cap (also applied to a local tarball's size). */
export function downloadTooLarge(label: string, maxBytes: number, seen: string): CacheError {
  return new CacheError(`${label}: larger than the download size cap of ${describeBytes(maxBytes)} (${seen})`, {
    code: 'ADCP_CACHE_DOWNLOAD_TOO_LARGE',
  });
}

/** At most this much of a small text resource (a `.sha256`, `latest.json`) is read. */
const MAX_TEXT_BYTES = 64 * 1024;

/**
 * Fetches a small text resource such as `<v>.tgz.sha256` or `latest.json`. `notFound` replaces the
 * generic 404 explanation ("no such release").
 */
export async function downloadText(url: URL, label: string, notFound?: string): Promise<string> {
  const response = await get(url, label, notFound);
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    if (response.body !== null) {
      for await (const chunk of response.body) {
        received += chunk.byteLength;
        if (received > MAX_TEXT_BYTES) throw new CacheError(`${label}: larger than ${MAX_TEXT_BYTES / 1024} KiB`);
        chunks.push(chunk);
      }
    }
  } catch (error) {
    if (error instanceof CacheError) throw error;
    throw cutShort(url, label, received, contentLength(response), error);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function get(url: URL, label: string, notFound = 'no such release'): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(withoutCredentials(url), {
      redirect: 'follow',
      headers: basicAuthHeader(url),
      signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS),
    });
  } catch (error) {
    throw new CacheError(`${label}: download failed (${causeText(error, url)})`);
  }
  if (response.status === 404) {
    await response.body?.cancel();
    throw new CacheError(`${label}: not found (HTTP 404): ${notFound}`, { httpStatus: 404 });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new CacheError(`${label}: download failed (HTTP ${response.status})`, { httpStatus: response.status });
  }
  return response;
}

function contentLength(response: Response): number | undefined {
  const header = response.headers.get('content-length');
  if (header === null || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

function cutShort(url: URL, label: string, received: number, expected: number | undefined, error?: unknown): CacheError {
  const of = expected === undefined ? '' : ` of ${expected}`;
  const why = error === undefined ? '' : ` (${causeText(error, url)})`;
  return new CacheError(`${label}: download cut short after ${received}${of} bytes${why}`);
}

/** `user:password@` in a URL becomes a Basic Authorization header; fetch refuses URLs carrying credentials. */
function withoutCredentials(url: URL): URL {
  const bare = new URL(url);
  bare.username = '';
  bare.password = '';
  return bare;
}

function basicAuthHeader(url: URL): Record<string, string> {
  if (url.username === '' && url.password === '') return {};
  const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(pair).toString('base64')}` };
}

/** The error and its cause, with anything secret-bearing from the URL (query, credentials) blanked out. */
function causeText(error: unknown, url: URL): string {
  const text =
    error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error);
  const secrets = [url.href, withoutCredentials(url).href, url.search, url.username, url.password].filter((s) => s.length > 1);
  return secrets.reduce((scrubbed, secret) => scrubbed.split(secret).join('<redacted>'), text);
}
