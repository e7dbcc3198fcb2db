// The contract between the delivery loop and the signing modes (RFC 9421, legacy HMAC-SHA256,
// legacy Bearer, unsigned). The mode is a switch, never both (AdCP security.mdx).
import type { SigningDescriptor } from '../store/delivery-store.js';

/** One outgoing webhook attempt as a signer sees it: method, URL, content type and the exact body bytes. */
export interface OutgoingWebhookRequest {
  readonly method: string;
  readonly url: string;
  /** Always `application/json` for AdCP webhooks. */
  readonly contentType: string;
  /** The exact body bytes that go on the wire. */
  readonly body: Uint8Array;
}

/**
 * Signs each delivery attempt afresh (a new nonce and timestamp per attempt) and names how it signs through
 * `descriptor`, which is what a durable store records instead of key material.
 */
export interface WebhookSigner {
  /** What the store records about this signer: mode and key id / credential reference, no secret. */
  readonly descriptor: SigningDescriptor;
  /**
   * Headers for one attempt; called afresh for every attempt (fresh nonce and `created`). An
   * external signer (KMS / HSM, security.mdx "Production key storage") answers asynchronously.
   */
  headersFor(request: OutgoingWebhookRequest, nowSeconds: number): Record<string, string> | Promise<Record<string, string>>;
}

/** A signer that holds its key material in process and answers synchronously. */
export interface SyncWebhookSigner extends WebhookSigner {
  headersFor(request: OutgoingWebhookRequest, nowSeconds: number): Record<string, string>;
}
