// Serving a seller's key documents (security.mdx "Agent key publication", "Webhook callbacks" →
// JWKS discovery, "Transport revocation"): `/.well-known/jwks.json`, the signed revocation list at
// `/.well-known/governance-revocations.json` and, optionally, `/.well-known/brand.json`, for
// node:http and for Fetch API servers. Cache lifetimes follow the spec's TTL rules: a verifier's
// JWKS cache is bounded by the revocation polling interval (1 to 30 minutes), so the JWKS is
// served with a max-age no longer than that interval; the revocation list's `next_update` is a
// JSON timestamp HTTP caches do not read, so the list is served with a max-age that ends at its
// `next_update` and with ETag / Last-Modified for conditional requests.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { REVOCATION_POLL_CEILING_SECONDS, REVOCATION_POLL_FLOOR_SECONDS } from './discovery/revocation-list.js';
import { buildJwks } from './generate.js';
import type { Jwks } from './jwk.js';
import { KeyManagementError } from './key-errors.js';
import type { SigningKeySet } from './key-set.js';
import type { SignedRevocationList } from './revocation-publisher.js';

/** Where the documents are served unless configured otherwise. */
export const KEY_PUBLICATION_PATHS = {
  jwks: '/.well-known/jwks.json',
  revocationList: '/.well-known/governance-revocations.json',
  brandJson: '/.well-known/brand.json',
} as const;

/** Default JWKS max-age when no revocation list bounds it: 5 minutes. */
export const DEFAULT_JWKS_MAX_AGE_SECONDS = 300;

type Source<T> = T | (() => T | Promise<T>);

/** Options of `createKeyPublicationHandler`: what it serves (JWKS, revocation list, brand.json) and under which paths (security.mdx "Agent key publication"). */
export interface KeyPublicationOptions {
  /** The JWKS to serve: a document, a key set (its non-revoked keys), or a function returning one. */
  readonly jwks: Source<Jwks> | SigningKeySet;
  /** The signed revocation list, or a function returning the current one (re-signed as it nears `next_update`). */
  readonly revocationList?: Source<SignedRevocationList>;
  /** The operator's brand.json document, when this server also serves it. */
  readonly brandJson?: Source<unknown>;
  /** Paths; default {@link KEY_PUBLICATION_PATHS}. */
  readonly paths?: Partial<Record<keyof typeof KEY_PUBLICATION_PATHS, string>>;
  /** Upper bound of the JWKS (and brand.json) max-age, seconds; default 300. */
  readonly maxAgeSeconds?: number;
  /** Clock, unix seconds (tests). */
  readonly now?: () => number;
}

/** One answer of the publication handler. */
export interface PublicationResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Serves the JWKS, the revocation list and brand.json with cache headers bounded by the spec's TTL rules, for node:http and the Fetch API. */
export interface KeyPublicationHandler {
  /** The answer for a method, path and `If-None-Match`, or undefined when the path is not served here. */
  respond(method: string, path: string, ifNoneMatch?: string): Promise<PublicationResponse | undefined>;
  /** Fetch API handler (Deno, Bun, Hono, workers): a Response for the served paths, undefined otherwise. */
  fetch(request: Request): Promise<Response | undefined>;
  /**
   * node:http handler: answers the served paths and resolves true; resolves false (without
   * touching the response) for any other path, so the application answers it.
   */
  node(request: IncomingMessage, response: ServerResponse): Promise<boolean>;
}

/**
 * Creates the handler that serves a seller's JWKS, revocation list and brand.json. The JWKS is
 * re-checked on every request (`buildJwks`: public members only, unique kids), so a private key
 * handed in by mistake is answered with 500, never published.
 */
export function createKeyPublicationHandler(options: KeyPublicationOptions): KeyPublicationHandler {
  const paths = { ...KEY_PUBLICATION_PATHS, ...options.paths };
  const maxAge = options.maxAgeSeconds ?? DEFAULT_JWKS_MAX_AGE_SECONDS;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', 'maxAgeSeconds must be a non-negative integer');
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));

  async function revocationList(): Promise<SignedRevocationList | undefined> {
    return options.revocationList === undefined ? undefined : resolve(options.revocationList);
  }

  /** JWKS max-age: the configured bound, no longer than the list's polling interval (1–30 min). */
  async function documentMaxAge(): Promise<number> {
    const list = await revocationList();
    if (list === undefined) return maxAge;
    const interval = Math.min(REVOCATION_POLL_CEILING_SECONDS, Math.max(REVOCATION_POLL_FLOOR_SECONDS, list.nextUpdate - list.updated));
    return Math.min(maxAge, interval);
  }

  async function document(path: string): Promise<{ body: string; cacheControl: string; lastModified?: number; type: string } | undefined> {
    if (path === paths.jwks) {
      const jwks = isKeySet(options.jwks) ? options.jwks.jwks() : await resolve(options.jwks);
      return { body: JSON.stringify(buildJwks([jwks])), cacheControl: `public, max-age=${await documentMaxAge()}`, type: 'application/json' };
    }
    if (path === paths.revocationList && options.revocationList !== undefined) {
      const list = (await revocationList())!;
      const remaining = Math.max(0, Math.min(REVOCATION_POLL_CEILING_SECONDS, list.nextUpdate - now()));
      return { body: list.document, cacheControl: `public, max-age=${remaining}, must-revalidate`, lastModified: list.updated, type: 'application/json' };
    }
    if (path === paths.brandJson && options.brandJson !== undefined) {
      return { body: JSON.stringify(await resolve(options.brandJson)), cacheControl: `public, max-age=${await documentMaxAge()}`, type: 'application/json' };
    }
    return undefined;
  }

  async function respond(method: string, path: string, ifNoneMatch?: string): Promise<PublicationResponse | undefined> {
    const servedPath = path.split('?')[0] ?? path;
    if (![paths.jwks, paths.revocationList, paths.brandJson].includes(servedPath)) return undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      return { status: 405, headers: { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }, body: 'method not allowed\n' };
    }
    let found: Awaited<ReturnType<typeof document>>;
    try {
      found = await document(servedPath);
    } catch {
      // Never publish a document that failed its checks (e.g. a private member in the JWKS).
      return { status: 500, headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: 'key document unavailable\n' };
    }
    if (found === undefined) return undefined;
    const etag = `"${createHash('sha256').update(found.body).digest('base64url').slice(0, 27)}"`;
    const headers: Record<string, string> = {
      'content-type': found.type,
      'cache-control': found.cacheControl,
      etag,
      'x-content-type-options': 'nosniff',
    };
    if (found.lastModified !== undefined) headers['last-modified'] = new Date(found.lastModified * 1000).toUTCString();
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
      return { status: 304, headers, body: '' };
    }
    return { status: 200, headers: { ...headers, 'content-length': String(Buffer.byteLength(found.body)) }, body: method === 'HEAD' ? '' : found.body };
  }

  return {
    respond,
    async fetch(request) {
      const answer = await respond(request.method, new URL(request.url).pathname, request.headers.get('if-none-match') ?? undefined);
      return answer === undefined ? undefined : new Response(answer.status === 304 || answer.body === '' ? null : answer.body, { status: answer.status, headers: answer.headers });
    },
    async node(request, response) {
      const header = request.headers['if-none-match'];
      const answer = await respond(request.method ?? 'GET', request.url ?? '/', Array.isArray(header) ? header.join(',') : header);
      if (answer === undefined) return false;
      response.writeHead(answer.status, answer.headers).end(answer.body);
      return true;
    },
  };
}

/** The `agents[]` entry of the operator's brand.json for a signing agent (brand-json.mdx; `jwks_uri` per security.mdx). */
export interface BrandJsonAgentEntry {
  readonly type: 'brand' | 'rights' | 'measurement' | 'governance' | 'creative' | 'sales' | 'buying' | 'signals';
  readonly url: string;
  readonly id: string;
  readonly jwks_uri: string;
  readonly description?: string;
}

/**
 * The brand.json `agents[]` entry to paste for an agent (brand.json schema `brand_agent_entry`):
 * `url` is the agent's endpoint byte for byte as buyers know it (verifiers match it exactly),
 * `jwks_uri` where its JWKS is served. Both must be https. Default type `sales`.
 */
export function brandJsonAgentEntry(options: {
  readonly url: string;
  readonly jwksUri: string;
  readonly id: string;
  readonly type?: BrandJsonAgentEntry['type'];
  readonly description?: string;
}): BrandJsonAgentEntry {
  for (const [name, value] of [['url', options.url], ['jwksUri', options.jwksUri]] as const) {
    if (!/^https:\/\//.test(value) || !URL.canParse(value)) throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `${name} must be an https URL`);
  }
  if (!/^[a-z0-9_]{1,100}$/.test(options.id)) throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', 'id must match ^[a-z0-9_]+$ (at most 100 characters)');
  return {
    type: options.type ?? 'sales',
    url: options.url,
    id: options.id,
    jwks_uri: options.jwksUri,
    ...(options.description === undefined ? {} : { description: options.description }),
  };
}

function isKeySet(value: unknown): value is SigningKeySet {
  return typeof value === 'object' && value !== null && typeof (value as SigningKeySet).jwks === 'function' && typeof (value as SigningKeySet).rotate === 'function';
}

async function resolve<T>(source: Source<T>): Promise<T> {
  return typeof source === 'function' ? (source as () => T | Promise<T>)() : source;
}
