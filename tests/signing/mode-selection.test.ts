import { describe, expect, it } from 'vitest';
import {
  createHmacSigner,
  createRfc9421Signer,
  SigningConfigError,
  signerForPushConfig,
} from '../../src/runtime/signing/index.js';
import { makeKeyPair, request } from './signing-helpers.js';

const SECRET = 'cc237f7fe354609bb41360c6530a2deb7926f3cc55e91df3ff90e37202950b6c';
const NOW = 1_776_520_800;
const rfc9421 = { key: makeKeyPair('ed25519', 'seller-2026').privateJwk };

describe('signerForPushConfig: a switch, never both', () => {
  it('signs with RFC 9421 when authentication is absent', () => {
    const signer = signerForPushConfig({}, { rfc9421 });
    expect(signer.descriptor).toEqual({ mode: 'rfc9421', keyId: 'seller-2026' });
    const headers = signer.headersFor(request(), NOW);
    expect(Object.keys(headers).sort()).toEqual(['Content-Digest', 'Signature', 'Signature-Input']);
  });

  it('reuses a ready RFC 9421 signer', () => {
    const ready = createRfc9421Signer(rfc9421);
    expect(signerForPushConfig({ authentication: undefined }, { rfc9421: ready })).toBe(ready);
  });

  it('uses HMAC-SHA256 when the buyer asked for it, and nothing of 9421', () => {
    const signer = signerForPushConfig(
      { authentication: { schemes: ['HMAC-SHA256'], credentials: SECRET } },
      { rfc9421, credentialRef: 'buyer-42/hmac' },
    );
    expect(signer.descriptor).toEqual({ mode: 'hmac-sha256', credentialRef: 'buyer-42/hmac' });
    expect(Object.keys(signer.headersFor(request(), NOW)).sort()).toEqual(['X-ADCP-Signature', 'X-ADCP-Timestamp']);
  });

  it('uses Bearer when the buyer asked for it', () => {
    const signer = signerForPushConfig(
      { authentication: { schemes: ['Bearer'], credentials: SECRET } },
      { rfc9421, credentialRef: 'buyer-42/bearer' },
    );
    expect(signer.descriptor).toEqual({ mode: 'bearer', credentialRef: 'buyer-42/bearer' });
    expect(signer.headersFor(request(), NOW)).toEqual({ Authorization: `Bearer ${SECRET}` });
  });

  it.each([
    ['an unknown scheme', { schemes: ['Basic'], credentials: SECRET }, 'ref'],
    ['no scheme', { schemes: [], credentials: SECRET }, 'ref'],
    ['two schemes', { schemes: ['Bearer', 'HMAC-SHA256'], credentials: SECRET }, 'ref'],
    ['a short credential', { schemes: ['HMAC-SHA256'], credentials: 'short' }, 'ref'],
    ['no credentialRef', { schemes: ['HMAC-SHA256'], credentials: SECRET }, undefined],
  ])('refuses %s', (_name, authentication, credentialRef) => {
    expect(() => signerForPushConfig({ authentication }, { rfc9421, credentialRef })).toThrow(SigningConfigError);
  });

  it('refuses a legacy signer in the rfc9421 slot', () => {
    const hmac = createHmacSigner({ secret: SECRET, credentialRef: 'ref' });
    expect(() => signerForPushConfig({}, { rfc9421: hmac })).toThrow(SigningConfigError);
  });
});
