// A throw-away Ed25519 key pair for trying the receiver locally: the public JWK is what a seller
// publishes at its brand.json jwks_uri; the private JWK is what the seller signs with.
import { generateKeyPairSync } from 'node:crypto';
import type { PrivateJwk, PublicJwk } from '../../src/index.js';

export interface DemoKeyPair {
  readonly publicJwk: PublicJwk;
  readonly privateJwk: PrivateJwk;
}

export function generateDemoKeyPair(kid = 'demo-seller-key'): DemoKeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const common = { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: 'EdDSA', use: 'sig', adcp_use: 'request-signing' };
  return {
    publicJwk: { ...common, key_ops: ['verify'] } as PublicJwk,
    privateJwk: { ...common, d: jwk.d, key_ops: ['sign'] } as PrivateJwk,
  };
}
