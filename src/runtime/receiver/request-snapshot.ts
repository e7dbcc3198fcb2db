// One defensive read of the caller's request: method, URL, authority, body and a case-insensitive
// header view, copied once so hostile inputs (throwing getters, proxies) fail here, closed, and the
// checklist works on stable values.
import type { HeaderGetter, HeaderSource } from '../signing/headers.js';

/** The request the receiver judges. */
export interface WebhookRequest {
  readonly method: string;
  /** The absolute URL the sender signed: public base URL + request target. */
  readonly url: string;
  /** The as-received `Host` / `:authority`; when given it must match the URL's authority. */
  readonly authority?: string;
  readonly headers: HeaderSource;
  /** The raw body bytes as received. */
  readonly body: Uint8Array | string;
}

export interface RequestSnapshot {
  readonly method: string;
  readonly url: string;
  readonly authority: string | undefined;
  readonly headers: HeaderGetter;
  readonly body: Uint8Array;
}

/** Copies the request, or undefined when it is not a usable request (or reading it throws). */
export function snapshotRequest(request: WebhookRequest): RequestSnapshot | undefined {
  try {
    const { method, url, authority, headers, body } = request;
    if (typeof method !== 'string' || typeof url !== 'string') return undefined;
    if (authority !== undefined && typeof authority !== 'string') return undefined;
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body instanceof Uint8Array ? body : undefined;
    if (bytes === undefined || typeof headers !== 'object' || headers === null) return undefined;
    return { method, url, authority, headers: headerView(headers), body: bytes };
  } catch {
    return undefined;
  }
}

function headerView(headers: HeaderSource): HeaderGetter {
  const values = new Map<string, string>();
  if (typeof (headers as Partial<HeaderGetter>).get === 'function') {
    const source = headers as HeaderGetter;
    return {
      get(name) {
        const key = name.toLowerCase();
        if (!values.has(key)) {
          const value = source.get(key);
          values.set(key, typeof value === 'string' ? value : '\u0000absent');
        }
        const value = values.get(key) as string;
        return value === '\u0000absent' ? null : value;
      },
    };
  }
  for (const [name, value] of Object.entries(headers as Record<string, unknown>)) {
    const key = name.toLowerCase();
    const text = typeof value === 'string' ? value : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(', ') : undefined;
    if (text === undefined) continue;
    const previous = values.get(key);
    values.set(key, previous === undefined ? text : `${previous}, ${text}`);
  }
  return { get: (name) => values.get(name.toLowerCase()) ?? null };
}
