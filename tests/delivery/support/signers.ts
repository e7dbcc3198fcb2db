// Test signers and keys. The Ed25519 signer is the product's (H3's RFC 9421 profile signer).
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createRfc9421Signer } from '../../../src/runtime/signing/rfc9421-signer.js';
import type { WebhookSigner } from '../../../src/runtime/signing/webhook-signer.js';

export interface TestKey {
  readonly signer: WebhookSigner;
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

export function ed25519TestKey(keyId = 'test-ed25519'): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { signer: createRfc9421Signer({ key: privateKey, keyId }), publicKey, keyId };
}

/** Signs nothing; still a valid WebhookSigner (mode `none`). */
export const noSigner: WebhookSigner = { descriptor: { mode: 'none' }, headersFor: () => ({}) };

/** A signer whose headers carry a secret, so log tests can look for it. */
export function bearerLikeSigner(secret: string): WebhookSigner {
  return { descriptor: { mode: 'bearer', credentialRef: 'test/bearer' }, headersFor: () => ({ authorization: `Bearer ${secret}` }) };
}
