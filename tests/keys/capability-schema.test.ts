// The `webhook_signing` and `identity` blocks derived from real signer configurations, validated with
// Ajv against protocol/get-adcp-capabilities-response.json of every supported version, and the rule
// that the advertised algorithms are exactly the ones the configured signers sign with.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { signingCapabilities, webhookSigningCapability, type WebhookSigningCapability } from '../../src/runtime/keys/capabilities.js';
import { generateSigningKey } from '../../src/runtime/keys/generate.js';
import { SigningKeySet } from '../../src/runtime/keys/key-set.js';
import { createRfc9421Signer } from '../../src/runtime/signing/index.js';
import { sharedSchemasRoot } from '../helpers/shared.js';

const VERSIONS = ['3.0.26', '3.1.19', '3.2.0-beta.5'] as const;
const ed = generateSigningKey({ alg: 'ed25519' });
const ec = generateSigningKey({ alg: 'es256' });
const urls = { brandJsonUrl: 'https://seller.example/.well-known/brand.json', jwksUri: 'https://keys.seller.example/.well-known/jwks.json' };

const CONFIGURATIONS = [
  { name: 'Ed25519', signers: () => [createRfc9421Signer({ key: ed.privateJwk })], legacyHmacFallback: false, expected: ['ed25519'] },
  { name: 'ES256 + HMAC fallback', signers: () => [createRfc9421Signer({ key: ec.privateJwk })], legacyHmacFallback: true, expected: ['ecdsa-p256-sha256'] },
  {
    name: 'Ed25519 + ES256 + HMAC fallback',
    signers: () => [createRfc9421Signer({ key: ed.privateJwk }), createRfc9421Signer({ key: ec.privateJwk })],
    legacyHmacFallback: true,
    expected: ['ed25519', 'ecdsa-p256-sha256'],
  },
  {
    name: 'key set: ES256 active, Ed25519 next',
    signers: () => [new SigningKeySet([{ privateJwk: ec.privateJwk, state: 'active' }, { privateJwk: ed.privateJwk, state: 'next' }])],
    legacyHmacFallback: false,
    expected: ['ecdsa-p256-sha256'],
  },
] as const;

function capabilitySchema(version: string): { properties: Record<string, { properties?: Record<string, unknown> }> } {
  return JSON.parse(readFileSync(join(sharedSchemasRoot, version, 'protocol/get-adcp-capabilities-response.json'), 'utf8'));
}

function blockValidator(version: string, block: 'webhook_signing' | 'identity') {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(capabilitySchema(version).properties[block]!);
}

describe.each(VERSIONS)('capability blocks against the %s schema', (version) => {
  it.each(CONFIGURATIONS)('$name: both blocks validate and list exactly the signing algorithms', (configuration) => {
    const blocks = signingCapabilities({ signers: configuration.signers(), legacyHmacFallback: configuration.legacyHmacFallback, ...urls, governanceSigningOrigin: 'https://governance.seller.example' });
    expect(blocks.webhook_signing.algorithms).toEqual(configuration.expected);
    expect(blocks.webhook_signing.legacy_hmac_fallback).toBe(configuration.legacyHmacFallback);
    for (const block of ['webhook_signing', 'identity'] as const) {
      const validate = blockValidator(version, block);
      expect(validate(blocks[block]), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('the schema is not vacuous: an algorithm outside the profile and an unsupported flag fail', () => {
    const validate = blockValidator(version, 'webhook_signing');
    const block = webhookSigningCapability({ signers: [createRfc9421Signer({ key: ed.privateJwk })] });
    expect(validate({ ...block, algorithms: ['rsa-pss-sha512'] })).toBe(false);
    expect(validate({ ...block, algorithms: [] })).toBe(false);
  });

  it('reports which emitted members this version declares', () => {
    const { properties } = capabilitySchema(version);
    const declared = (block: string, member: string) => Object.hasOwn(properties[block]?.properties ?? {}, member);
    const report = {
      version,
      webhook_signing: ['supported', 'profile', 'algorithms', 'legacy_hmac_fallback'].filter((member) => !declared('webhook_signing', member)),
      identity: ['brand_json_url', 'key_origins'].filter((member) => !declared('identity', member)),
    };
    console.log(`capability members undeclared in ${version}: ${JSON.stringify(report)}`);
    expect(report.webhook_signing).toEqual([]);
    expect(report.identity).toEqual(version === '3.0.26' ? ['brand_json_url'] : []);
  });
});

describe('a seller cannot advertise an algorithm it does not sign with', () => {
  it('a key set advertises the active key only; a revoked or retiring key adds nothing', () => {
    const set = new SigningKeySet([
      { privateJwk: ed.privateJwk, state: 'active' },
      { privateJwk: ec.privateJwk, state: 'retiring' },
    ]);
    expect(webhookSigningCapability({ signers: [set] }).algorithms).toEqual(['ed25519']);
    const revokedOnly = new SigningKeySet([{ privateJwk: ec.privateJwk, state: 'revoked' }]);
    expect(() => webhookSigningCapability({ signers: [revokedOnly] })).toThrow(expect.objectContaining({ code: 'ADCP_KEYS_NO_ACTIVE_KEY' }));
  });

  it('a signer claiming an algorithm outside the profile is refused', () => {
    const forged = { algorithm: 'rsa-pss-sha512', descriptor: { mode: 'rfc9421' } } as never;
    expect(() => webhookSigningCapability({ signers: [forged] })).toThrow(expect.objectContaining({ code: 'ADCP_KEYS_INVALID_OPTION' }));
  });

  it('the block type refuses algorithms outside the profile and an empty list', () => {
    // @ts-expect-error not an algorithm of the webhook profile
    const rsa: WebhookSigningCapability = { supported: true, profile: 'adcp/webhook-signing/v1', algorithms: ['rsa-pss-sha512'], legacy_hmac_fallback: false };
    // @ts-expect-error the list is non-empty
    const none: WebhookSigningCapability = { supported: true, profile: 'adcp/webhook-signing/v1', algorithms: [], legacy_hmac_fallback: false };
    expect([rsa, none]).toHaveLength(2);
  });
});
