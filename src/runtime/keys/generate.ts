// Making and publishing AdCP signing keys (security.mdx "Agent key publication" and "Webhook
// callbacks" → Key publication): every published key declares `use: "sig"`, `key_ops: ["verify"]`,
// one `adcp_use`, the JOSE `alg` (`EdDSA` / `ES256`) and a `kid` unique within its JWKS. The
// default `kid` is the RFC 7638 JWK thumbprint (SHA-256, base64url).
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { AdcpKeyPurpose, Jwks, PrivateJwk, PublicJwk } from './jwk.js';
import { KeyManagementError } from './key-errors.js';

/** Key algorithms as the CLI and {@link generateSigningKey} name them. */
export type SigningKeyAlgorithm = 'ed25519' | 'es256';

/** The two purposes a webhook-signing key may declare (security.mdx "Webhook callbacks"). */
export type WebhookKeyPurpose = Extract<AdcpKeyPurpose, 'request-signing' | 'webhook-signing'>;

/** The purpose new keys get: `request-signing`, what 3.1+ verifiers expect on webhooks. */
export const DEFAULT_KEY_PURPOSE: WebhookKeyPurpose = 'request-signing';

/**
 * What the purpose choice means across versions. AdCP 3.1 signs webhooks with `request-signing`
 * keys and still accepts the deprecated `webhook-signing`; AdCP 3.0 webhook verifiers (the 3.0
 * reference SDK among them) accept only `webhook-signing`.
 */
export const KEY_PURPOSE_COMPATIBILITY =
  'request-signing (default): what AdCP 3.1+ verifiers expect; AdCP 3.0 webhook verifiers reject it. ' +
  'webhook-signing: accepted by AdCP 3.0 webhook verifiers and still by 3.1 (deprecated there, pending removal). ' +
  'To serve both, publish one key of each purpose under distinct kids.';

/** A private JWK with its `kid`, and the public JWK to publish for it. */
export interface SigningKeyPair {
  /** Private JWK (`d`, `key_ops: ["sign"]`): keep it secret, never publish it. */
  readonly privateJwk: PrivateJwk & { readonly kid: string };
  /** Public JWK with every member a verifier requires. */
  readonly publicJwk: PublicJwk & { readonly kid: string };
}

/** Options of `generateSigningKey`: algorithm, `adcp_use` purpose and key id (security.mdx "Agent key publication"). */
export interface GenerateSigningKeyOptions {
  /** `ed25519` (JWK alg `EdDSA`) or `es256` (ECDSA P-256, JWK alg `ES256`). */
  readonly alg: SigningKeyAlgorithm;
  /** `adcp_use` of the key; default {@link DEFAULT_KEY_PURPOSE}. See {@link KEY_PURPOSE_COMPATIBILITY}. */
  readonly purpose?: WebhookKeyPurpose;
  /** Key id; default the RFC 7638 thumbprint of the public key. */
  readonly kid?: string;
}

/**
 * Generates a fresh AdCP signing key pair (security.mdx "Agent key publication"): the private JWK
 * to sign with and the public JWK to publish in the agent's JWKS.
 * Throws `KeyManagementError` (`ADCP_KEYS_ALG_UNKNOWN`, `ADCP_KEYS_PURPOSE_UNKNOWN`).
 */
export function generateSigningKey(options: GenerateSigningKeyOptions): SigningKeyPair {
  const alg = parseSigningKeyAlgorithm(options.alg);
  const purpose = parseKeyPurpose(options.purpose ?? DEFAULT_KEY_PURPOSE);
  const { privateKey } = alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const exported = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  return keyPairFrom(exported, alg, purpose, options.kid);
}

function keyPairFrom(raw: Record<string, string>, alg: SigningKeyAlgorithm, purpose: WebhookKeyPurpose, kid: string | undefined): SigningKeyPair {
  const keyMembers = alg === 'ed25519' ? { kty: 'OKP', crv: 'Ed25519', x: raw['x']! } : { kty: 'EC', crv: 'P-256', x: raw['x']!, y: raw['y']! };
  const resolvedKid = kid ?? jwkThumbprint(keyMembers as PublicJwk);
  assertKid(resolvedKid);
  const jose = alg === 'ed25519' ? 'EdDSA' : 'ES256';
  const common = { ...keyMembers, kid: resolvedKid, alg: jose, use: 'sig', adcp_use: purpose };
  return {
    privateJwk: { ...common, d: raw['d']!, key_ops: ['sign'] } as PrivateJwk & { kid: string },
    publicJwk: { ...common, key_ops: ['verify'] } as PublicJwk & { kid: string },
  };
}

/**
 * The public JWK to publish for a private one: key members, `kid`, JOSE `alg`, `use: "sig"`,
 * `key_ops: ["verify"]` and `adcp_use` (the private key's own, else `purpose`, else the default).
 */
export function publicJwkOf(privateJwk: PrivateJwk, purpose?: WebhookKeyPurpose): PublicJwk & { readonly kid: string } {
  const members = readKeyMembers(privateJwk as unknown as Record<string, unknown>, 'the private JWK');
  if (typeof privateJwk.kid !== 'string' || privateJwk.kid === '') {
    throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', 'the private JWK has no "kid"');
  }
  const chosen = parseKeyPurpose(purpose ?? privateJwk.adcp_use ?? DEFAULT_KEY_PURPOSE);
  return {
    ...members,
    kid: privateJwk.kid,
    alg: members.kty === 'OKP' ? 'EdDSA' : 'ES256',
    use: 'sig',
    key_ops: ['verify'],
    adcp_use: chosen,
  } as PublicJwk & { kid: string };
}

/** RFC 7638 JWK thumbprint (SHA-256, base64url) over the required members of an OKP or EC key. */
export function jwkThumbprint(jwk: PublicJwk | PrivateJwk): string {
  const members = readKeyMembers(jwk as unknown as Record<string, unknown>, 'the JWK');
  // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
  const canonical =
    members.kty === 'OKP'
      ? `{"crv":"${members.crv}","kty":"OKP","x":"${members.x}"}`
      : `{"crv":"${members.crv}","kty":"EC","x":"${members.x}","y":"${members.y}"}`;
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

/** JWK members that only a private (or symmetric) key carries. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'] as const;

/**
 * Builds the JWKS document an agent publishes at its `jwks_uri` from public JWKs (or JWKS
 * documents). Refuses anything private (`ADCP_KEYS_PRIVATE_MEMBER`), a key without the members a
 * verifier requires (`ADCP_KEYS_INVALID_KEY`) and two keys under one `kid` (`ADCP_KEYS_KID_COLLISION`;
 * security.mdx: "MUST NOT collide with any other entry's kid regardless of adcp_use").
 */
export function buildJwks(inputs: readonly unknown[]): Jwks {
  const keys: PublicJwk[] = [];
  const seen = new Set<string>();
  inputs.forEach((input, index) => {
    for (const candidate of keysOf(input)) {
      const key = checkPublishableKey(candidate, `key ${keys.length + 1} (input ${index + 1})`);
      if (seen.has(key.kid)) throw new KeyManagementError('ADCP_KEYS_KID_COLLISION', `two keys share kid "${key.kid}"`);
      seen.add(key.kid);
      keys.push(key);
    }
  });
  return { keys };
}

function keysOf(input: unknown): readonly unknown[] {
  if (isRecord(input) && Array.isArray(input['keys'])) return input['keys'] as unknown[];
  return [input];
}

/**
 * Checks one key for publication: public only, Ed25519 or P-256 that node can import, and the
 * members of security.mdx "Agent key publication". Returns a plain copy with exactly those members.
 */
export function checkPublishableKey(candidate: unknown, where = 'the key'): PublicJwk & { readonly kid: string } {
  if (!isRecord(candidate)) throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', `${where} is not a JSON object`);
  const privateMember = PRIVATE_MEMBERS.find((member) => member in candidate);
  if (privateMember !== undefined) {
    throw new KeyManagementError(
      'ADCP_KEYS_PRIVATE_MEMBER',
      `${where} carries the private member "${privateMember}": publish the public JWK only (adcp-codegen keys generate writes it next to the private one)`,
    );
  }
  const members = readKeyMembers(candidate, where);
  const kid = candidate['kid'];
  if (typeof kid !== 'string' || kid === '') throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', `${where} has no "kid"`);
  const jose = members.kty === 'OKP' ? 'EdDSA' : 'ES256';
  if (candidate['alg'] !== jose) throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', `${where} ("${kid}"): ${algAdvice(candidate['alg'], jose)}`);
  if (candidate['use'] !== 'sig') throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', `${where} ("${kid}"): "use" must be "sig"`);
  const keyOps = candidate['key_ops'];
  if (!Array.isArray(keyOps) || keyOps.length !== 1 || keyOps[0] !== 'verify') {
    throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', `${where} ("${kid}"): "key_ops" must be ["verify"]`);
  }
  const purpose = candidate['adcp_use'];
  if (purpose !== 'request-signing' && purpose !== 'webhook-signing') {
    throw new KeyManagementError(
      'ADCP_KEYS_INVALID_KEY',
      `${where} ("${kid}"): "adcp_use" must be "request-signing" or "webhook-signing" (a single string)`,
    );
  }
  return { ...members, kid, alg: jose, use: 'sig', key_ops: ['verify'], adcp_use: purpose } as PublicJwk & { kid: string };
}

function algAdvice(declared: unknown, jose: string): string {
  if (declared === undefined) return `"alg" is missing; it must be "${jose}"`;
  const hint = declared === 'Ed25519' || declared === 'ed25519' ? ' ("Ed25519" names the curve; the JOSE algorithm is "EdDSA")' : '';
  return `"alg" is ${JSON.stringify(declared)}; this key's JOSE algorithm is "${jose}"${hint}`;
}

type KeyMembers = { kty: 'OKP'; crv: 'Ed25519'; x: string } | { kty: 'EC'; crv: 'P-256'; x: string; y: string };

function readKeyMembers(jwk: Record<string, unknown>, where: string): KeyMembers {
  const { kty, crv, x, y } = jwk;
  let members: KeyMembers | undefined;
  if (kty === 'OKP' && crv === 'Ed25519' && typeof x === 'string') members = { kty, crv, x };
  if (kty === 'EC' && crv === 'P-256' && typeof x === 'string' && typeof y === 'string') members = { kty, crv, x, y };
  if (members === undefined) {
    throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', `${where} is not an Ed25519 (kty OKP) or P-256 (kty EC) key`);
  }
  try {
    createPublicKey({ key: { ...members }, format: 'jwk' }); // node checks the point / length
  } catch {
    throw new KeyManagementError('ADCP_KEYS_INVALID_KEY', `${where} is not a valid ${members.crv} public key`);
  }
  return members;
}

/**
 * Reads a key algorithm name. The CLI and the API take `ed25519` / `es256`; JOSE and RFC 9421
 * names and other spellings get an error saying which name to use where.
 */
export function parseSigningKeyAlgorithm(value: unknown): SigningKeyAlgorithm {
  if (value === 'ed25519' || value === 'es256') return value;
  const text = typeof value === 'string' ? value : String(value);
  const lower = text.toLowerCase();
  let hint = '';
  if (lower === 'ed25519' || lower === 'eddsa') hint = ` — use "ed25519" here; in a JWK the "alg" member of an Ed25519 key is "EdDSA"`;
  else if (['es256', 'p-256', 'p256', 'ecdsa', 'ecdsa-p256-sha256', 'prime256v1', 'secp256r1'].includes(lower)) {
    hint = ` — use "es256" here; in a JWK the "alg" member of a P-256 key is "ES256" (RFC 9421 names it "ecdsa-p256-sha256")`;
  } else if (lower.startsWith('rs') || lower.startsWith('ps') || lower === 'rsa') hint = ' — AdCP signs with Ed25519 or ECDSA P-256 only';
  throw new KeyManagementError('ADCP_KEYS_ALG_UNKNOWN', `unknown key algorithm ${JSON.stringify(text)}: expected "ed25519" or "es256"${hint}`);
}

/** Reads a webhook key purpose (`request-signing` or the deprecated `webhook-signing`). */
export function parseKeyPurpose(value: unknown): WebhookKeyPurpose {
  if (value === 'request-signing' || value === 'webhook-signing') return value;
  throw new KeyManagementError(
    'ADCP_KEYS_PURPOSE_UNKNOWN',
    `unknown key purpose ${JSON.stringify(value)}: expected "request-signing" or "webhook-signing" (${KEY_PURPOSE_COMPATIBILITY})`,
  );
}

function assertKid(kid: string): void {
  if (typeof kid !== 'string' || kid === '' || !/^[\x21-\x7e]+$/.test(kid)) {
    throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', 'kid must be a non-empty string of printable ASCII without spaces');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
