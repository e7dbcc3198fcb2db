// The contract between the delivery loop and the signing modes (RFC 9421, legacy HMAC-SHA256,
// legacy Bearer, unsigned). The mode is a switch, never both (AdCP security.mdx).
import type { SigningDescriptor } from '../store/delivery-store.js';

export interface OutgoingWebhookRequest {
  readonly method: string;
  readonly url: string;
  /** Always `application/json` for AdCP webhooks. */
  readonly contentType: string;
  /** The exact body bytes that go on the wire. */
  readonly body: Uint8Array;
}

export interface WebhookSigner {
  /** What the store records about this signer: mode and key id / credential reference, no secret. */
  readonly descriptor: SigningDescriptor;
  /** Headers for one attempt; called afresh for every attempt (fresh nonce and `created`). */
  headersFor(request: OutgoingWebhookRequest, nowSeconds: number): Record<string, string>;
}
