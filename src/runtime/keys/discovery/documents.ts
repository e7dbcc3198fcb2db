// Reading the discovery documents a key source fetches. Each is counterparty-controlled, so each is
// parsed strictly (well-formed UTF-8 JSON, no repeated object key: security.mdx "Discovering an
// agent's signing keys via brand_json_url", step 4) and read defensively: nothing here trusts a
// member's type, and nothing throws.
import { findDuplicateJsonKey } from '../../json/duplicate-keys.js';
import { sanitizeKeyName } from '../../json/sanitize-key-name.js';
import type { PublicJwk } from '../jwk.js';

export type StrictParse = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/** Parses JSON that must be unambiguous: malformed text or a repeated key is refused with its reason. */
export function parseStrictJson(bytes: Uint8Array): StrictParse {
  try {
    const duplicate = findDuplicateJsonKey(bytes);
    if (duplicate !== undefined) return { ok: false, reason: `repeated object key "${sanitizeKeyName(duplicate)}"` };
    return { ok: true, value: JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown };
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
}

/** An `agents[]` entry of brand.json (schemas/…/brand.json#/definitions/brand_agent_entry), as used here. */
export interface BrandAgentEntry {
  readonly url: string;
  readonly jwksUri?: string;
}

/** An `authorized_operators[]` entry (schemas/…/brand.json#/definitions/authorized_operator), as used here. */
export interface AuthorizedOperator {
  readonly domain: string;
  /** `valid_from`, unix seconds. */
  readonly validFrom?: number;
  /** `valid_until`, unix seconds. */
  readonly validUntil?: number;
}

/**
 * The domains of the operators authorized at `now`: an entry is ignored before its `valid_from` and
 * from its `valid_until` on (brand-protocol/brand-json.mdx "Authorized Operator Resolution").
 */
export function operatorDomainsAt(operators: readonly AuthorizedOperator[], now: number): string[] {
  return operators
    .filter((operator) => (operator.validFrom === undefined || now >= operator.validFrom) && (operator.validUntil === undefined || now < operator.validUntil))
    .map((operator) => operator.domain);
}

/** What key discovery reads from a brand.json document. */
export interface BrandJsonDocument {
  /** Every `agents[]` entry: top-level, `house.agents` and each `brands[].agents`. */
  readonly agents: readonly BrandAgentEntry[];
  /** `authorized_operators[]` entries with their validity window. */
  readonly authorizedOperators: readonly AuthorizedOperator[];
  /** Set on a redirect variant: the brand.json to read instead (`authoritative_location` or `house`). */
  readonly redirectTo?: string;
}

/** Reads a parsed brand.json; undefined when it is not a JSON object. */
export function readBrandJson(value: unknown): BrandJsonDocument | undefined {
  if (!isRecord(value)) return undefined;
  const redirectTo = redirectTarget(value);
  const agents = [
    ...agentEntries(value.agents),
    ...(isRecord(value.house) ? agentEntries(value.house.agents) : []),
    ...(Array.isArray(value.brands) ? value.brands.flatMap((brand) => (isRecord(brand) ? agentEntries(brand.agents) : [])) : []),
  ];
  const authorizedOperators = Array.isArray(value.authorized_operators) ? value.authorized_operators.flatMap(authorizedOperator) : [];
  return redirectTo === undefined ? { agents, authorizedOperators } : { agents, authorizedOperators, redirectTo };
}

function authorizedOperator(value: unknown): AuthorizedOperator[] {
  if (!isRecord(value) || typeof value.domain !== 'string') return [];
  const validFrom = value.valid_from === undefined ? undefined : parseTimestamp(value.valid_from);
  const validUntil = value.valid_until === undefined ? undefined : parseTimestamp(value.valid_until);
  // A window that is present but unreadable cannot be honoured, so the entry delegates nothing.
  if ((value.valid_from !== undefined && validFrom === undefined) || (value.valid_until !== undefined && validUntil === undefined)) return [];
  return [{ domain: value.domain, ...(validFrom === undefined ? {} : { validFrom }), ...(validUntil === undefined ? {} : { validUntil }) }];
}

function redirectTarget(value: Record<string, unknown>): string | undefined {
  if (typeof value.authoritative_location === 'string') return value.authoritative_location;
  // The "House Redirect" variant names the house by domain (a string); the portfolio variant
  // carries a house object instead.
  if (typeof value.house === 'string' && value.house !== '') return `https://${value.house}/.well-known/brand.json`;
  return undefined;
}

function agentEntries(value: unknown): BrandAgentEntry[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (!isRecord(entry) || typeof entry.url !== 'string') return [];
    return typeof entry.jwks_uri === 'string' ? [{ url: entry.url, jwksUri: entry.jwks_uri }] : [{ url: entry.url }];
  });
}

/**
 * The keys of a JWK Set (RFC 7517 §5) that are usable AdCP signing keys (Ed25519 or P-256 public
 * keys with a `kid`), by kid. Undefined when the document is not a JWK Set or repeats a kid
 * (security.mdx "Agent key publication": a kid MUST be unique within the JWKS).
 */
export function readJwks(value: unknown): ReadonlyMap<string, PublicJwk> | undefined {
  if (!isRecord(value) || !Array.isArray(value.keys)) return undefined;
  const byKid = new Map<string, PublicJwk>();
  for (const candidate of value.keys) {
    const jwk = readPublicJwk(candidate);
    if (jwk === undefined) continue;
    if (byKid.has(jwk.kid)) return undefined;
    byKid.set(jwk.kid, jwk);
  }
  return byKid;
}

/** A copy of a public Ed25519 / P-256 JWK with a kid, keeping the members a verifier judges; or undefined. */
export function readPublicJwk(value: unknown): (PublicJwk & { readonly kid: string }) | undefined {
  if (!isRecord(value) || typeof value.kid !== 'string' || value.kid === '' || 'd' in value) return undefined;
  const members = {
    kid: value.kid,
    ...(value.use === undefined ? {} : { use: value.use }),
    ...(Array.isArray(value.key_ops) ? { key_ops: value.key_ops.filter((op): op is string => typeof op === 'string') } : {}),
    ...(value.adcp_use === undefined ? {} : { adcp_use: value.adcp_use }),
    ...(value.alg === undefined ? {} : { alg: value.alg }),
  };
  if (value.kty === 'OKP' && value.crv === 'Ed25519' && typeof value.x === 'string') {
    return { ...members, kty: 'OKP', crv: 'Ed25519', x: value.x } as PublicJwk & { kid: string };
  }
  if (value.kty === 'EC' && value.crv === 'P-256' && typeof value.x === 'string' && typeof value.y === 'string') {
    return { ...members, kty: 'EC', crv: 'P-256', x: value.x, y: value.y } as PublicJwk & { kid: string };
  }
  return undefined;
}

/** A publisher-pinned key (schemas/…/core/agent-signing-key.json) with its optional revocation time. */
export interface PinnedKey {
  readonly jwk: PublicJwk & { readonly kid: string };
  /** `revoked_at`, unix seconds. */
  readonly revokedAt?: number;
}

/**
 * The `signing_keys` pin of the `authorized_agents[]` entry whose `url` byte-equals `agentUrl`
 * in a parsed adagents.json: `undefined` when the entry has no pin, `'not_listed'` when the agent
 * is not authorized there, `'malformed'` when the document is not an adagents.json object.
 */
export function readPublisherPin(value: unknown, agentUrl: string): ReadonlyMap<string, PinnedKey> | 'not_listed' | 'malformed' | undefined {
  if (!isRecord(value) || !Array.isArray(value.authorized_agents)) return 'malformed';
  const entries = value.authorized_agents.filter((entry) => isRecord(entry) && entry.url === agentUrl) as Record<string, unknown>[];
  if (entries.length === 0) return 'not_listed';
  const pins = entries.flatMap((entry) => (Array.isArray(entry.signing_keys) ? entry.signing_keys : []));
  if (pins.length === 0) return undefined;
  const byKid = new Map<string, PinnedKey>();
  for (const pin of pins) {
    const jwk = readPublicJwk(pin);
    if (jwk === undefined) continue;
    const revokedAt = isRecord(pin) && typeof pin.revoked_at === 'string' ? parseTimestamp(pin.revoked_at) : undefined;
    byKid.set(jwk.kid, revokedAt === undefined ? { jwk } : { jwk, revokedAt });
  }
  return byKid;
}

/** RFC 3339 timestamp → unix seconds; undefined when it is not one. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) return undefined;
  const millis = Date.parse(value);
  return Number.isFinite(millis) ? Math.floor(millis / 1000) : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
