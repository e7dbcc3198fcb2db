// The `webhook_signing` and `identity` blocks of a seller's `get_adcp_capabilities` response
// (security.mdx "Webhook callbacks" → Baseline with programmatic advertisement; "Agent key
// publication" → Origin separation; schema protocol/get-adcp-capabilities-response.json, 3.0 and
// 3.1), derived from the signers the runtime really uses: the algorithms listed are exactly the
// ones those signers sign with, so a seller cannot advertise an algorithm it does not use.
import type {
  IdentityCapability as SchemaIdentityCapability,
  WebhookSigningCapability as SchemaWebhookSigningCapability,
} from '../../generated/capabilities.js';
import type { SignatureAlgorithm } from '../signing/signature-base.js';
import { WEBHOOK_SIGNING_TAG } from '../signing/signature-base.js';
import { KeyManagementError } from './key-errors.js';
import { SigningKeySet } from './key-set.js';

/** `webhook_signing.algorithms` items (schema enum): the two RFC 9421 algorithms of the profile. */
export type WebhookSigningAlgorithm = SignatureAlgorithm;

/**
 * `webhook_signing` as this runtime advertises it: the generated schema type
 * (get-adcp-capabilities-response.json /properties/webhook_signing) with the members it always sets.
 * Being an intersection, a release that renames the profile or drops an algorithm makes it `never`
 * and the builder below stops compiling.
 */
export type WebhookSigningCapability = SchemaWebhookSigningCapability & {
  readonly supported: true;
  readonly profile: typeof WEBHOOK_SIGNING_TAG;
  /** Non-empty, unique, subset of the profile's allowlist. */
  readonly algorithms: readonly [WebhookSigningAlgorithm, ...WebhookSigningAlgorithm[]];
  readonly legacy_hmac_fallback: boolean;
};

/** `identity.key_origins` (generated from the schema): purpose → publishing origin. */
export type KeyOrigins = NonNullable<SchemaIdentityCapability['key_origins']>;

/**
 * `identity` as this runtime advertises it: the generated schema type (/properties/identity) with
 * `brand_json_url` and `key_origins` always set. `brand_json_url` is a 3.1 member; 3.0's identity
 * block allows additional members, and security.mdx invites 3.0 sellers to send it.
 */
export type IdentityCapability = SchemaIdentityCapability & {
  readonly brand_json_url: string;
  readonly key_origins: KeyOrigins;
};

/** Anything the runtime signs webhooks with: an RFC 9421 signer (in-process or external) or a key set. */
export type WebhookSigningSource = { readonly algorithm: SignatureAlgorithm; readonly descriptor: { readonly mode: string } } | SigningKeySet;

/** Options of `signingCapabilities`: the real signers and where the keys are published (security.mdx "Webhook callbacks", "Agent key publication"). */
export interface SigningCapabilitiesOptions {
  /** The RFC 9421 signers (or key sets) webhooks are signed with. At least one. */
  readonly signers: readonly WebhookSigningSource[];
  /** True iff the seller honors `push_notification_config.authentication` (legacy HMAC-SHA256). Default false. */
  readonly legacyHmacFallback?: boolean;
  /** HTTPS URL of the operator's brand.json (trust root for the keys). */
  readonly brandJsonUrl: string;
  /** Where the agent's JWKS is served (its brand.json `agents[].jwks_uri`); its origin is the key origin. */
  readonly jwksUri: string;
  /** Origin serving governance-signing keys, when the operator has one (must differ: origin separation). */
  readonly governanceSigningOrigin?: string;
}

/** The two capability blocks to merge into the `get_adcp_capabilities` response. */
export interface SigningCapabilities {
  readonly webhook_signing: WebhookSigningCapability;
  readonly identity: IdentityCapability;
}

/**
 * Builds `webhook_signing` and `identity` from the runtime's signers and publication URLs.
 * Throws `KeyManagementError` (`ADCP_KEYS_INVALID_OPTION`) when no signer signs with the RFC 9421
 * profile, a URL is not https, or the governance origin equals the webhook key origin.
 */
export function signingCapabilities(options: SigningCapabilitiesOptions): SigningCapabilities {
  return { webhook_signing: webhookSigningCapability(options), identity: identityCapability(options) };
}

/** `webhook_signing` from the signers in use (see {@link signingCapabilities}). */
export function webhookSigningCapability(options: Pick<SigningCapabilitiesOptions, 'signers' | 'legacyHmacFallback'>): WebhookSigningCapability {
  const algorithms = new Set<WebhookSigningAlgorithm>();
  for (const source of options.signers) {
    if (source instanceof SigningKeySet) {
      for (const alg of source.signingAlgorithms()) algorithms.add(alg);
      continue;
    }
    if (source.descriptor.mode !== 'rfc9421') {
      throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `a ${source.descriptor.mode} signer does not sign with the RFC 9421 webhook profile`);
    }
    if (source.algorithm !== 'ed25519' && source.algorithm !== 'ecdsa-p256-sha256') {
      throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', 'signer algorithm is outside the webhook profile allowlist');
    }
    algorithms.add(source.algorithm);
  }
  const ordered = (['ed25519', 'ecdsa-p256-sha256'] as const).filter((alg) => algorithms.has(alg));
  if (ordered.length === 0) {
    throw new KeyManagementError('ADCP_KEYS_NO_ACTIVE_KEY', 'no RFC 9421 signer with an active key: webhook_signing cannot be advertised');
  }
  return {
    supported: true,
    profile: WEBHOOK_SIGNING_TAG,
    algorithms: ordered as unknown as WebhookSigningCapability['algorithms'],
    legacy_hmac_fallback: options.legacyHmacFallback ?? false,
  };
}

/** `identity` (brand_json_url, key_origins) from the publication URLs (see {@link signingCapabilities}). */
export function identityCapability(options: Pick<SigningCapabilitiesOptions, 'brandJsonUrl' | 'jwksUri' | 'governanceSigningOrigin'>): IdentityCapability {
  httpsUrl(options.brandJsonUrl, 'brandJsonUrl');
  const keyOrigin = httpsUrl(options.jwksUri, 'jwksUri').origin;
  const origins: { -readonly [K in keyof KeyOrigins]: KeyOrigins[K] } = { request_signing: keyOrigin, webhook_signing: keyOrigin };
  if (options.governanceSigningOrigin !== undefined) {
    const governance = httpsUrl(options.governanceSigningOrigin, 'governanceSigningOrigin').origin;
    if (governance === keyOrigin) {
      throw new KeyManagementError(
        'ADCP_KEYS_INVALID_OPTION',
        'governance signing keys must be served from a different origin than request/webhook keys (security.mdx origin separation)',
      );
    }
    origins.governance_signing = governance;
  }
  return { brand_json_url: options.brandJsonUrl, key_origins: origins };
}

function httpsUrl(value: string, name: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') throw new KeyManagementError('ADCP_KEYS_INVALID_OPTION', `${name} must be an https URL`);
  return url;
}
