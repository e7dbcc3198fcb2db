// Legacy HMAC-SHA256 webhook signing (AdCP 3.x, deprecated, removed in 4.0):
//   X-ADCP-Timestamp: <unix seconds>
//   X-ADCP-Signature: sha256=<lowercase hex HMAC-SHA256(key, "<timestamp>.<raw body bytes>")>
// The key is the `credentials` string's UTF-8 bytes as given (not hex-decoded). The body is signed
// byte for byte; only a repeated object key is refused (LEGACY_HMAC_BODY_SCAN).
import { createHmac } from 'node:crypto';
import { LEGACY_HMAC_BODY_SCAN } from '../json/duplicate-keys.js';
import { refuseAmbiguousBody } from './body-check.js';
import { SigningConfigError } from './errors.js';
import { assertStrongSecret } from './secret-policy.js';
import type { OutgoingWebhookRequest, SyncWebhookSigner } from './webhook-signer.js';

/** Header of the legacy HMAC-SHA256 signature, `sha256=<hex>` (webhooks.mdx "Legacy HMAC-SHA256 fallback (deprecated)"). */
export const HMAC_SIGNATURE_HEADER = 'X-ADCP-Signature';
/** Header of the legacy HMAC-SHA256 timestamp (unix seconds) covered by the signature. */
export const HMAC_TIMESTAMP_HEADER = 'X-ADCP-Timestamp';

/**
 * Options of {@link createHmacSigner}: the shared secret (at least {@link MIN_SECRET_BYTES} bytes) and the non-secret
 * name it is stored under.
 */
export interface HmacSignerOptions {
  /** The buyer's `authentication.credentials`. */
  readonly secret: string;
  /** Non-secret name under which the secret is stored; recorded in the delivery store. */
  readonly credentialRef: string;
}

/**
 * A signer for the deprecated HMAC-SHA256 scheme (webhooks.mdx "Legacy HMAC-SHA256 fallback (deprecated)"; security.mdx
 * "Legacy HMAC-SHA256 fallback"): signs `<timestamp>.<raw body>`. Throws `SigningConfigError` on a weak secret.
 */
export function createHmacSigner(options: HmacSignerOptions): SyncWebhookSigner {
  assertStrongSecret(options.secret, 'HMAC secret');
  assertCredentialRef(options.credentialRef);
  const { secret } = options;
  return {
    descriptor: { mode: 'hmac-sha256', credentialRef: options.credentialRef },
    headersFor(request: OutgoingWebhookRequest, nowSeconds: number): Record<string, string> {
      refuseAmbiguousBody(request.body, LEGACY_HMAC_BODY_SCAN);
      const timestamp = unixSeconds(nowSeconds);
      return {
        [HMAC_SIGNATURE_HEADER]: hmacSignatureHeader(secret, timestamp, request.body),
        [HMAC_TIMESTAMP_HEADER]: timestamp,
      };
    },
  };
}

/** `sha256=<lowercase hex>` over `"<timestamp>.<body>"`. */
export function hmacSignatureHeader(secret: string, timestamp: string, body: Uint8Array | string): string {
  return `sha256=${hmacHex(secret, timestamp, body)}`;
}

export function hmacHex(secret: string, timestamp: string, body: Uint8Array | string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.`).update(body).digest('hex');
}

export function unixSeconds(nowSeconds: number): string {
  if (!Number.isFinite(nowSeconds) || nowSeconds < 0) throw new SigningConfigError('nowSeconds must be a non-negative number');
  return String(Math.floor(nowSeconds));
}

export function assertCredentialRef(credentialRef: string): void {
  if (typeof credentialRef !== 'string' || credentialRef.trim() === '') {
    throw new SigningConfigError('credentialRef is required for legacy signing modes');
  }
}
