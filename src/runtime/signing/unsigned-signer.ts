// Mode `none`: no authentication headers. For tests and receivers that need no signature; the body
// is still refused when it repeats an object key.
import { refuseAmbiguousBody } from './body-check.js';
import type { OutgoingWebhookRequest, SyncWebhookSigner } from './webhook-signer.js';

/**
 * A signer that adds nothing: for receivers that registered no authentication and accept unsigned webhooks
 * (tests, local development). Its descriptor mode is `none`.
 */
export const unsignedSigner: SyncWebhookSigner = {
  descriptor: { mode: 'none' },
  headersFor(request: OutgoingWebhookRequest): Record<string, string> {
    refuseAmbiguousBody(request.body);
    return {};
  },
};
