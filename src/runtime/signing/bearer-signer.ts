// Legacy Bearer (AdCP 3.x, deprecated): `Authorization: Bearer <credentials>`. No body integrity;
// the body is still checked for duplicate keys because the sender must never emit them.
import { refuseAmbiguousBody } from './body-check.js';
import { SigningConfigError } from './errors.js';
import { assertCredentialRef } from './hmac-signer.js';
import { assertStrongSecret } from './secret-policy.js';
import type { OutgoingWebhookRequest, SyncWebhookSigner } from './webhook-signer.js';

/** Options of {@link createBearerSigner}: the buyer's token and the non-secret name it is stored under. */
export interface BearerSignerOptions {
  readonly token: string;
  /** Non-secret name under which the token is stored; recorded in the delivery store. */
  readonly credentialRef: string;
}

// RFC 6750 b64token, widened to any visible ASCII: no spaces, controls or line breaks (header injection).
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * A signer for the deprecated Bearer scheme (webhooks.mdx "Legacy Bearer token (deprecated)"): each attempt carries
 * `Authorization: Bearer <token>`. Throws `SigningConfigError` when the token holds spaces, controls or line breaks.
 */
export function createBearerSigner(options: BearerSignerOptions): SyncWebhookSigner {
  assertStrongSecret(options.token, 'bearer token');
  if (!VISIBLE_ASCII.test(options.token)) {
    throw new SigningConfigError('bearer token must be visible ASCII without spaces');
  }
  assertCredentialRef(options.credentialRef);
  const authorization = `Bearer ${options.token}`;
  return {
    descriptor: { mode: 'bearer', credentialRef: options.credentialRef },
    headersFor(request: OutgoingWebhookRequest): Record<string, string> {
      refuseAmbiguousBody(request.body);
      return { Authorization: authorization };
    },
  };
}
