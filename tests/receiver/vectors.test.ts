// Every shared AdCP webhook-signing vector through the receiver (not the bare verifier), with the
// clock at the vector's reference_now; the state-dependent codes (replayed, revoked, revocation
// stale, rate abuse) with the runner state installed through the receiver's own stores and keys.
import { describe, expect, it } from 'vitest';
import {
  createMemoryNonceStore,
  createWebhookReceiver,
  staticKeySource,
  type ReceiveOutcome,
  type StaticKeySourceOptions,
} from '../../src/runtime/receiver/index.js';
import type { NonceStore } from '../../src/runtime/receiver/store-contract.js';
import { sharedVectors, vectorJwks, type SharedVector } from './support.js';

const positives = sharedVectors('positive');
const negatives = sharedVectors('negative');

function receiverFor(vector: SharedVector, keyOptions: StaticKeySourceOptions = {}, nonces?: NonceStore) {
  return createWebhookReceiver({
    keys: staticKeySource(vectorJwks(vector), { sender: 'https://seller.example.com', ...keyOptions }),
    registration: { mode: 'rfc9421' },
    now: () => vector.reference_now * 1000,
    explain: true,
    ...(nonces === undefined ? {} : { nonces }),
  });
}

function deliver(vector: SharedVector, receiver = receiverFor(vector)): Promise<ReceiveOutcome> {
  return receiver.receive(vector.request);
}

describe('shared webhook-signing vectors through createWebhookReceiver', () => {
  it('finds the shared vectors', () => {
    expect(positives.length).toBeGreaterThanOrEqual(8);
    expect(negatives.length).toBeGreaterThanOrEqual(10);
  });

  it.each(positives.map((vector) => [vector.file, vector] as const))(
    'positive %s passes every signature step and is then judged as an envelope',
    async (_file, vector) => {
      const outcome = await deliver(vector);
      // The vector bodies are signature fixtures, not complete envelopes (no task_type / timestamp):
      // the signature layer accepts them and schema validation, a separate layer, rejects them.
      expect(outcome).toMatchObject({ kind: 'rejected', code: 'webhook_payload_invalid', stage: 'envelope', status: 400 });
      expect(outcome.kind === 'rejected' ? outcome.wwwAuthenticate : 'event').toBeUndefined();
    },
  );

  it('positive 007 (no idempotency_key) fails on the envelope, not on the signature', async () => {
    const vector = positives.find((candidate) => candidate.file.startsWith('007'))!;
    const outcome = await deliver(vector);
    expect(outcome).toMatchObject({ code: 'webhook_payload_invalid', stage: 'envelope' });
    expect(outcome.kind === 'rejected' ? outcome.detail : '').toContain('/idempotency_key');
  });

  it.each(negatives.map((vector) => [vector.file, vector.expected_outcome.error_code, vector] as const))(
    'negative %s is rejected with %s, 401 and the WWW-Authenticate value',
    async (_file, code, vector) => {
      const outcome = await deliver(vector);
      expect(outcome).toMatchObject({ kind: 'rejected', code, status: 401, wwwAuthenticate: `Signature error="${code}"` });
    },
  );

  it('explain mode shows the recomputed base, byte-equal to expected_signature_base (digest mismatch)', async () => {
    const vector = negatives.find((candidate) => candidate.expected_outcome.error_code === 'webhook_signature_digest_mismatch')!;
    const outcome = await deliver(vector);
    expect(outcome.kind === 'rejected' && outcome.explanation).toMatchObject({
      stage: '11',
      stageName: 'step 11: Content-Digest',
      signatureBase: vector.expected_signature_base,
    });
  });
});

describe('state-dependent vector codes through the receiver', () => {
  const basic = positives.find((vector) => vector.file.startsWith('001'))!;

  it('webhook_signature_replayed: the second delivery of the same signature is a replay', async () => {
    const receiver = receiverFor(basic);
    await deliver(basic, receiver);
    // The nonce was burned before the body and envelope checks (step 13 before step 14).
    expect(await deliver(basic, receiver)).toMatchObject({ code: 'webhook_signature_replayed', stage: '12', status: 401 });
  });

  it('webhook_signature_key_revoked: a revoked kid is rejected at step 9', async () => {
    const receiver = receiverFor(basic, { revokedKids: [basic.jwks_ref[0]!] });
    expect(await deliver(basic, receiver)).toMatchObject({
      code: 'webhook_signature_key_revoked',
      wwwAuthenticate: 'Signature error="webhook_signature_key_revoked"',
    });
  });

  it('webhook_signature_revocation_stale: a list past next_update + grace fails closed', async () => {
    const receiver = receiverFor(basic, { revocationStale: () => true });
    expect(await deliver(basic, receiver)).toMatchObject({ code: 'webhook_signature_revocation_stale', stage: '9' });
  });

  it('webhook_signature_rate_abuse: a kid at its per-keyid cap is rejected, nothing evicted', async () => {
    const nonces = createMemoryNonceStore({ maxEntriesPerKeyid: 1 });
    const kid = basic.jwks_ref[0]!;
    const now = basic.reference_now;
    expect(await nonces.admit({ keyid: kid, nonce: 'prefilled-nonce-aaaaaaaaaa', scope: '', expiresAt: now + 360, now })).toMatchObject({
      outcome: 'admitted',
    });
    const receiver = receiverFor(basic, {}, nonces);
    expect(await deliver(basic, receiver)).toMatchObject({ code: 'webhook_signature_rate_abuse', stage: '9a', status: 401 });
    // The pre-filled entry is still held: a replay of it is still recognised.
    expect(await nonces.admit({ keyid: kid, nonce: 'prefilled-nonce-aaaaaaaaaa', scope: '', expiresAt: now + 360, now })).toEqual({
      outcome: 'replayed',
    });
  });
});
