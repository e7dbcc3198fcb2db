// A webhook sender over the durable outbox (webhooks.mdx "Reliability": at-least-once delivery that
// survives a crash). `send` resolves once the webhook is written to the store, so a seller that awaits
// it before answering the buyer never acknowledges a task whose webhook a crash could lose. Signing is
// selected as for background delivery; the store records only the signer's descriptor, and the
// outbox worker resolves it (`resolveSigner`) and signs each attempt afresh.
import type { PushNotificationConfig, SpecWebhookTaskType, TaskStatus } from '../../generated/index.js';
import { signerForPushConfig, type SignerSelectionOptions } from '../signing/index.js';
import type { DurableOutbox } from '../store/durable-outbox.js';
import { labelsOf, type OutgoingWebhook } from './outgoing-webhook.js';
import type { OutgoingTaskWebhook, SendOutcome } from './webhook-sender.js';

/**
 * A sender whose `send` resolves after the durable write (or with a refusal such as `store_unavailable`);
 * it never rejects. Created by `createWebhookSender({ delivery: createDurableOutbox(…) })`.
 */
export interface DurableWebhookSender {
  readonly durable: true;
  send<T extends SpecWebhookTaskType, S extends TaskStatus>(webhook: OutgoingTaskWebhook<T, S> | OutgoingWebhook): Promise<SendOutcome>;
}

export interface DurableSenderOptions {
  readonly outbox: DurableOutbox;
  readonly rfc9421: SignerSelectionOptions['rfc9421'];
  /** Required for legacy registrations: the store holds this name, the worker's resolver holds the secret. */
  readonly legacyCredentialRef?: ((pushConfig: PushNotificationConfig) => string) | undefined;
}

/** True for the durable outbox, told apart from background delivery by its `enqueue`. */
export function isDurableOutbox(delivery: object): delivery is DurableOutbox {
  return typeof (delivery as Partial<DurableOutbox>).enqueue === 'function';
}

/** True for a sender made over the durable outbox (webhooks.mdx "Reliability"). */
export function isDurableWebhookSender(sender: object): sender is DurableWebhookSender {
  return (sender as Partial<DurableWebhookSender>).durable === true;
}

export function createDurableWebhookSender(options: DurableSenderOptions): DurableWebhookSender {
  const { outbox, rfc9421, legacyCredentialRef } = options;
  return {
    durable: true,
    async send(webhook) {
      try {
        const { pushConfig, payload } = webhook;
        if (pushConfig.authentication !== undefined && legacyCredentialRef === undefined) {
          // An inline secret cannot be found again by a worker after a restart.
          return { queued: false, reason: 'signer_unavailable' };
        }
        const credentialRef = pushConfig.authentication === undefined ? undefined : legacyCredentialRef?.(pushConfig);
        const signer = signerForPushConfig(pushConfig, credentialRef === undefined ? { rfc9421 } : { rfc9421, credentialRef });
        const acceptance = await outbox.enqueue({ url: pushConfig.url, payload, signer, labels: labelsOf(payload) });
        return acceptance.accepted
          ? { queued: true, idempotencyKey: acceptance.idempotencyKey }
          : { queued: false, reason: acceptance.reason };
      } catch {
        // e.g. an HMAC secret shorter than 32 bytes; the message could carry buyer input, so it is not echoed.
        return { queued: false, reason: 'signer_unavailable' };
      }
    },
  };
}
