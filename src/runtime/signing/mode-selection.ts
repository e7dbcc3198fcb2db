// Mode selection is a switch, never both (security.mdx "Mode selection is a switch, not both"):
// `authentication` present → the legacy scheme named by `schemes[0]` (HMAC-SHA256 or Bearer);
// absent → the RFC 9421 webhook profile.
import { createBearerSigner } from './bearer-signer.js';
import { SigningConfigError } from './errors.js';
import { createHmacSigner } from './hmac-signer.js';
import { createRfc9421Signer, type Rfc9421SignerOptions } from './rfc9421-signer.js';
import type { WebhookSigner } from './webhook-signer.js';

/**
 * The `authentication` member of a push_notification_config (core/push-notification-config.json): legacy scheme
 * names and the credentials.
 */
export interface PushAuthentication {
  readonly schemes: readonly string[];
  readonly credentials: string;
}

/**
 * Options of {@link signerForPushConfig}: the RFC 9421 signer (or its options) and the credential name for the
 * legacy schemes.
 */
export interface SignerSelectionOptions {
  /** Used when `authentication` is absent: signer options, or a ready signer to share. */
  readonly rfc9421: Rfc9421SignerOptions | WebhookSigner;
  /** Names the stored legacy credentials; required when `authentication` is present. */
  readonly credentialRef?: string;
}

/**
 * Picks the one signing mode a push_notification_config asks for (security.mdx "Mode selection is a switch, not
 * both"): `authentication` present → the legacy scheme it names (HMAC-SHA256 or Bearer), absent → the RFC 9421
 * webhook profile. Throws `SigningConfigError` on an unknown scheme or a missing credential name.
 */
export function signerForPushConfig(
  config: { readonly authentication?: PushAuthentication | undefined },
  options: SignerSelectionOptions,
): WebhookSigner {
  const { authentication } = config;
  if (authentication === undefined || authentication === null) {
    if (!isWebhookSigner(options.rfc9421)) return createRfc9421Signer(options.rfc9421);
    if (options.rfc9421.descriptor.mode !== 'rfc9421') {
      throw new SigningConfigError('options.rfc9421 must be an RFC 9421 signer when authentication is absent');
    }
    return options.rfc9421;
  }
  const credentialRef = options.credentialRef ?? '';
  const scheme = authentication.schemes[0];
  if (authentication.schemes.length !== 1) {
    throw new SigningConfigError('authentication.schemes must name exactly one scheme');
  }
  if (scheme === 'HMAC-SHA256') return createHmacSigner({ secret: authentication.credentials, credentialRef });
  if (scheme === 'Bearer') return createBearerSigner({ token: authentication.credentials, credentialRef });
  throw new SigningConfigError('authentication.schemes[0] must be "HMAC-SHA256" or "Bearer"');
}

function isWebhookSigner(value: Rfc9421SignerOptions | WebhookSigner): value is WebhookSigner {
  return typeof (value as Partial<WebhookSigner>).headersFor === 'function';
}
