// The port between task webhooks and the delivery runtime: hand one built envelope to background
// delivery, signed the way the buyer's registration selects (RFC 9421 by default; the legacy
// scheme when `authentication` is present — a switch, never both). `send` returns as soon as the
// delivery is admitted; it never awaits the network.
import { randomUUID } from 'node:crypto';
import type { McpWebhookPayload, PushNotificationConfig, SpecWebhookTaskType, TaskStatus } from '../../generated/index.js';
import type { DeliveryAcceptance, WebhookDeliveryRequest } from '../delivery/index.js';
import { signerForPushConfig, type SignerSelectionOptions } from '../signing/index.js';
import type { WebhookSigner } from '../signing/webhook-signer.js';
import type { DurableOutbox } from '../store/durable-outbox.js';
import { createDurableWebhookSender, isDurableOutbox, type DurableWebhookSender } from './durable-sender.js';
import { labelsOf, type OutgoingWebhook } from './outgoing-webhook.js';

export type { DeliveryPushConfig, OutgoingWebhook } from './outgoing-webhook.js';

/** A webhook of the bundled AdCP version, typed by task type and status. */
export interface OutgoingTaskWebhook<T extends SpecWebhookTaskType = SpecWebhookTaskType, S extends TaskStatus = TaskStatus> {
  /** The buyer's validated registration: URL, and `authentication` for the signing mode. */
  readonly pushConfig: PushNotificationConfig;
  /** The complete envelope; serialized once by the delivery runtime. */
  readonly payload: McpWebhookPayload<T, S>;
}

/**
 * What `WebhookSender.send` answers: `queued: true` with the webhook's `idempotencyKey` once delivery
 * admitted it (admitted, not yet delivered), or `queued: false` with the reason:
 * `signer_unavailable` (no signer for the registration, e.g. an HMAC secret under 32 bytes) or the
 * delivery runtime's refusal (`queue_full`, `closed`, `ssrf_blocked` …).
 */
export type SendOutcome =
  | { readonly queued: true; readonly idempotencyKey: string }
  | { readonly queued: false; readonly reason: string };

/**
 * Hands built webhooks to background delivery, signed in the mode the buyer's registration selects:
 * RFC 9421 when it has no `authentication`, the legacy scheme when it has (security.mdx "Webhook
 * callbacks", "Mode selection is a switch, not both"). `send` never awaits the network.
 */
export interface WebhookSender {
  /** Admits one webhook, of whichever AdCP version, for background delivery and returns at once. */
  send<T extends SpecWebhookTaskType, S extends TaskStatus>(webhook: OutgoingTaskWebhook<T, S> | OutgoingWebhook): SendOutcome;
}

/** The part of the delivery runtime (`createWebhookDelivery`) the sender needs. */
export interface BackgroundDelivery {
  deliverInBackground(request: WebhookDeliveryRequest): DeliveryAcceptance;
}

/**
 * Options of `createWebhookSender`: the delivery runtime, the RFC 9421 signer, and how legacy
 * credentials are named (default: a per-delivery `inline:<uuid>`).
 */
export interface WebhookSenderOptions {
  /**
   * Background delivery (`createWebhookDelivery`: `send` returns at once), or the durable outbox
   * (`createDurableOutbox`: `send` resolves once the row is written; webhooks.mdx "Reliability").
   */
  readonly delivery: BackgroundDelivery | DurableOutbox;
  /** The seller's RFC 9421 signer (or its options), used when the registration has no `authentication`. */
  readonly rfc9421: SignerSelectionOptions['rfc9421'];
  /**
   * Names a registration's legacy `authentication.credentials` in the delivery store (the secret
   * itself is never stored). Default: a per-delivery `inline:<uuid>`, resolvable only by this
   * process; sellers with a durable store that other workers drain map their own names here.
   */
  readonly legacyCredentialRef?: (pushConfig: PushNotificationConfig) => string;
}

/** Over the durable outbox: a sender whose `send` resolves after the durable write. */
export function createWebhookSender(options: WebhookSenderOptions & { readonly delivery: DurableOutbox }): DurableWebhookSender;
export function createWebhookSender(options: WebhookSenderOptions & { readonly delivery: BackgroundDelivery }): WebhookSender;
export function createWebhookSender(options: WebhookSenderOptions): WebhookSender | DurableWebhookSender {
  if (isDurableOutbox(options.delivery)) {
    return createDurableWebhookSender({ outbox: options.delivery, rfc9421: options.rfc9421, legacyCredentialRef: options.legacyCredentialRef });
  }
  return createBackgroundSender({ ...options, delivery: options.delivery });
}

function createBackgroundSender(options: WebhookSenderOptions & { readonly delivery: BackgroundDelivery }): WebhookSender {
  const { delivery, rfc9421 } = options;
  const credentialRefFor = options.legacyCredentialRef ?? (() => `inline:${randomUUID()}`);
  return {
    send(webhook) {
      let signer: WebhookSigner;
      try {
        const { pushConfig } = webhook;
        const credentialRef = pushConfig.authentication === undefined ? undefined : credentialRefFor(pushConfig);
        signer = signerForPushConfig(pushConfig, credentialRef === undefined ? { rfc9421 } : { rfc9421, credentialRef });
      } catch {
        // e.g. an HMAC secret shorter than 32 bytes; the message could carry buyer input, so it is not echoed.
        return { queued: false, reason: 'signer_unavailable' };
      }
      const acceptance = delivery.deliverInBackground({
        url: webhook.pushConfig.url,
        payload: webhook.payload,
        signer,
        labels: labelsOf(webhook.payload),
      });
      return acceptance.accepted
        ? { queued: true, idempotencyKey: acceptance.idempotencyKey }
        : { queued: false, reason: acceptance.reason };
    },
  };
}
