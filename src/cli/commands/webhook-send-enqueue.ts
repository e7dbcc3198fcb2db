// `webhook send … --store URL --enqueue-only`: instead of delivering, write the webhook durably to
// the outbox and exit; a worker (`deliveries run`, or the application's outbox) delivers it later.
// The store keeps no secret, so only signings a later worker can redo are accepted: unsigned, or RFC
// 9421 with the key that worker will be given (`deliveries run --jwk` with the same kid).
import type { WebhookSigner } from '../../runtime/signing/webhook-signer.js';
import { CliError } from '../cli-error.js';
import { openStoreForCli } from './deliveries-store.js';

export interface EnqueueOnlyOptions {
  readonly url: string;
  readonly store?: string;
  readonly enqueueOnly?: boolean;
  readonly bodyKeyFile?: string;
  readonly unsafeAllowPrivateNetwork?: boolean;
  readonly json?: boolean;
}

/** True when the command asks for the durable path; rejects half of the pair. */
export function wantsEnqueueOnly(options: EnqueueOnlyOptions): boolean {
  if (options.bodyKeyFile !== undefined && options.store === undefined) throw new CliError('webhook send: --body-key-file needs --store <url>');
  if (options.store === undefined && options.enqueueOnly !== true) return false;
  if (options.store === undefined) throw new CliError('webhook send: --enqueue-only needs --store <url>');
  if (options.enqueueOnly !== true) throw new CliError('webhook send: --store is used with --enqueue-only (then `deliveries run` delivers)');
  return true;
}

/** Exit 0 enqueued, 1 refused by the store, 2 bad input or unusable store. */
export async function enqueueWebhook(options: EnqueueOnlyOptions, payload: object, signer: WebhookSigner): Promise<number> {
  if (signer.descriptor.mode === 'hmac-sha256' || signer.descriptor.mode === 'bearer') {
    throw new CliError(
      'webhook send: --enqueue-only stores no secret, so no worker could sign this later; use --jwk (and give `deliveries run` the same key) or --unsigned',
    );
  }
  const { createDurableOutbox } = await import('../../runtime/store/durable-outbox.js');
  const store = await openStoreForCli(
    { store: options.store!, ...(options.bodyKeyFile === undefined ? {} : { bodyKeyFile: options.bodyKeyFile }) },
    'create',
  );
  const outbox = createDurableOutbox({
    store,
    worker: false,
    resolveSigner: () => signer,
    unsafeAllowPrivateNetwork: options.unsafeAllowPrivateNetwork === true,
  });
  try {
    const outcome = await outbox.enqueue({ url: options.url, payload, signer, labels: { source: 'cli' } });
    if (options.json === true) {
      const json = outcome.accepted
        ? { enqueued: true, delivery_id: outcome.deliveryId, idempotency_key: outcome.idempotencyKey }
        : { enqueued: false, reason: outcome.reason, error_message: outcome.message, idempotency_key: outcome.idempotencyKey };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    }
    if (!outcome.accepted) {
      throw new CliError(`webhook send: not enqueued: ${outcome.reason}: ${outcome.message}`, outcome.reason === 'store_unavailable' ? 1 : 2);
    }
    if (options.json !== true) {
      process.stdout.write(`enqueued ${outcome.deliveryId}; idempotency_key ${outcome.idempotencyKey}\n`);
    }
    return 0;
  } finally {
    await outbox.close();
    await store.close().catch(() => undefined);
  }
}
