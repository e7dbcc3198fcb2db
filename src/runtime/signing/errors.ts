// Typed errors of the signing layer. Messages name the cause and never carry a secret, a token, a
// signature, key material or a URL query string.
import { AdcpError } from '../errors/adcp-error.js';

/**
 * A signer was configured with unusable material: a secret under the minimum length, a key of the
 * wrong type or curve, an out-of-range option (security.mdx "AdCP RFC 9421 profile", "Legacy
 * HMAC-SHA256 fallback"). Code `ADCP_SIGNING_CONFIG_INVALID`.
 */
export class SigningConfigError extends AdcpError<'ADCP_SIGNING_CONFIG_INVALID'> {
  constructor(message: string) {
    super('ADCP_SIGNING_CONFIG_INVALID', message);
  }
}

/**
 * The URL cannot be canonicalized for `@target-uri` / `@authority` (reference/url-canonicalization.mdx
 * "Algorithm"). Code `ADCP_SIGNING_TARGET_URI_MALFORMED`. A verifier reports the same condition on
 * the wire as `webhook_target_uri_malformed` (security.mdx "Verifier checklist for webhooks").
 */
export class TargetUriMalformedError extends AdcpError<'ADCP_SIGNING_TARGET_URI_MALFORMED'> {
  constructor(reason: string) {
    super('ADCP_SIGNING_TARGET_URI_MALFORMED', `webhook URL is malformed: ${reason}`);
  }
}

/**
 * A covered component of an RFC 9421 signature base has no value or contains a line break, which
 * would let one signature base be read two ways (RFC 9421 §2.5). Code `ADCP_SIGNING_COMPONENT_INVALID`.
 */
export class SignatureComponentError extends AdcpError<'ADCP_SIGNING_COMPONENT_INVALID'> {
  /** The component identifier, e.g. `@target-uri` or `content-digest`. */
  readonly component: string;
  constructor(component: string, reason: 'missing' | 'line_break') {
    super(
      'ADCP_SIGNING_COMPONENT_INVALID',
      reason === 'missing' ? `no value for covered component ${component}` : `covered component ${component} contains a line break`,
    );
    this.component = component;
  }
}
