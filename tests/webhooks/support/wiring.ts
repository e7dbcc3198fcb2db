// Real parts wired for loopback tests: background delivery allowed to reach 127.0.0.1 over http
// (the loudly named unsafe option), an Ed25519 RFC 9421 signer, and a recording logger.
import { generateKeyPairSync } from 'node:crypto';
import { createWebhookDelivery, type WebhookDelivery } from '../../../src/runtime/delivery/index.js';
import type { Logger, LogLevel } from '../../../src/runtime/logging/logger.js';
import { createRfc9421Signer } from '../../../src/runtime/signing/index.js';
import { createWebhookSender, type PushConfigPolicy, type WebhookSender } from '../../../src/runtime/webhooks/index.js';

/** Push-config policy for loopback tests: the loudly named unsafe option, as the delivery runtime gets it. */
export const LOOPBACK_PUSH_POLICY: PushConfigPolicy = { unsafeAllowPrivateNetwork: true };

export interface LoopbackWiring {
  readonly delivery: WebhookDelivery;
  readonly sender: WebhookSender;
}

export function loopbackWiring(options: { maxAttempts?: number; maxQueue?: number } = {}): LoopbackWiring {
  const { privateKey } = generateKeyPairSync('ed25519');
  const delivery = createWebhookDelivery({
    unsafeAllowPrivateNetwork: true,
    retry: { maxAttempts: options.maxAttempts ?? 1 },
    ...(options.maxQueue === undefined ? {} : { maxQueue: options.maxQueue }),
  });
  const sender = createWebhookSender({
    delivery,
    rfc9421: createRfc9421Signer({ key: privateKey, keyId: 'test-key-1' }),
  });
  return { delivery, sender };
}

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>> | undefined;
}

export function recordingLogger(): Logger & { readonly entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  return {
    entries,
    log(level, message, fields) {
      entries.push({ level, message, fields });
    },
  };
}
