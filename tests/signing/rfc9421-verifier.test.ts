// Verifier checklist cases beyond the shipped vectors (the upstream set numbers 011–021 too).
import { describe, expect, it } from 'vitest';
import {
  buildSignatureBase,
  contentDigestHeader,
  createInMemoryReplayCache,
  loadPrivateSigningKey,
  serializeSignatureParams,
  verifyRfc9421Webhook,
  type SignatureParams,
  type VerifyRfc9421WebhookInput,
} from '../../src/runtime/signing/index.js';
import { signBytes } from '../../src/runtime/signing/signing-keys.js';
import { loadVectors } from './vector-fixtures.js';
import { jwksFor } from './vector-fixtures.js';
import { BODY, makeKeyPair, URL_ } from './signing-helpers.js';

const NOW = 1_776_520_800;
const pair = makeKeyPair('ed25519', 'seller-2026');
const key = loadPrivateSigningKey(pair.privateJwk);
const basic = loadVectors('positive').find((vector) => vector.file.startsWith('001'))!;

function defaultParams(overrides: Partial<SignatureParams> = {}): SignatureParams {
  return { created: NOW, expires: NOW + 300, nonce: 'KXYnfEfJ0PBRZXQyVXfVQA', keyid: 'seller-2026', alg: 'ed25519', ...overrides };
}

/** Signs anything (even what our signer refuses) so later checklist steps can be reached. */
function signedInput(options: { body?: string; params?: SignatureParams; signatureInput?: string } = {}): VerifyRfc9421WebhookInput {
  const body = options.body ?? BODY;
  const params = options.params ?? defaultParams();
  const contentDigest = contentDigestHeader(body);
  const base = buildSignatureBase({ method: 'POST', url: URL_, contentType: 'application/json', contentDigest, params });
  const signature = Buffer.from(signBytes(key.alg, key.privateKey, Buffer.from(base))).toString('base64url');
  return {
    method: 'POST',
    url: URL_,
    headers: {
      'content-type': 'application/json',
      'content-digest': contentDigest,
      'signature-input': options.signatureInput ?? `sig1=${serializeSignatureParams(params)}`,
      signature: `sig1=:${signature}:`,
    },
    body,
    jwks: [pair.publicJwk],
    now: NOW,
  };
}

function withHeaders(input: VerifyRfc9421WebhookInput, headers: Record<string, string | undefined>): VerifyRfc9421WebhookInput {
  return { ...input, headers: { ...(input.headers as Record<string, string>), ...headers } };
}

function codeOf(input: VerifyRfc9421WebhookInput): string {
  const result = verifyRfc9421Webhook(input);
  return result.ok ? 'ok' : result.code;
}

describe('verifyRfc9421Webhook checklist', () => {
  it('accepts the well-formed baseline (lowercase record headers)', () => {
    expect(verifyRfc9421Webhook(signedInput())).toEqual({ ok: true, keyid: 'seller-2026' });
  });

  it('accepts a fetch Headers object', () => {
    const input = signedInput();
    const headers = new Headers(input.headers as Record<string, string>);
    expect(codeOf({ ...input, headers })).toBe('ok');
  });

  it('step 1: one header without the other, unsigned, and HMAC-signed webhooks', () => {
    const input = signedInput();
    expect(codeOf(withHeaders(input, { 'signature-input': undefined }))).toBe('webhook_signature_header_malformed');
    expect(codeOf(withHeaders(input, { signature: undefined }))).toBe('webhook_signature_header_malformed');
    expect(codeOf(withHeaders(input, { signature: undefined, 'signature-input': undefined }))).toBe('webhook_signature_header_malformed');
    const hmacOnly = withHeaders(input, { signature: undefined, 'signature-input': undefined, 'X-ADCP-Signature': 'sha256=00', 'X-ADCP-Timestamp': String(NOW) });
    expect(codeOf(hmacOnly)).toBe('webhook_mode_mismatch');
  });

  it('step 1: mixed base64 alphabets in Signature or Content-Digest are malformed', () => {
    const input = signedInput();
    const signature = (input.headers as Record<string, string>)['signature']!;
    const mixed = signature.replace(/^sig1=:(.)/, 'sig1=:+').replace(/:$/, '-:');
    expect(codeOf(withHeaders(input, { signature: mixed }))).toBe('webhook_signature_header_malformed');
    const digest = basic.request.headers['Content-Digest']!.replace('dJ2k', 'dJ-k'); // '=' padding + '-'
    expect(codeOf(withHeaders(input, { 'content-digest': digest }))).toBe('webhook_signature_header_malformed');
    expect(codeOf(withHeaders(input, { signature: 'sig1=:not base64:' }))).toBe('webhook_signature_header_malformed');
  });

  it('step 1: standard-base64 Signature tokens are decoded leniently', () => {
    const input = signedInput();
    const token = /sig1=:([^:]*):/.exec((input.headers as Record<string, string>)['signature']!)![1]!;
    const standard = Buffer.from(token, 'base64url').toString('base64');
    expect(codeOf(withHeaders(input, { signature: `sig1=:${standard}:` }))).toBe('ok');
  });

  it('step 1: a duplicated tag parameter or sig1 label is malformed', () => {
    const serialized = serializeSignatureParams(defaultParams());
    expect(codeOf(signedInput({ signatureInput: `sig1=${serialized};tag="adcp/webhook-signing/v1"` }))).toBe('webhook_signature_header_malformed');
    expect(codeOf(signedInput({ signatureInput: `sig1=${serialized}, sig1=${serialized}` }))).toBe('webhook_signature_header_malformed');
  });

  it('step 1: sig1 is chosen by name, not position', () => {
    const serialized = serializeSignatureParams(defaultParams());
    const input = signedInput({ signatureInput: `relay=("@method");created=1;keyid="x", sig1=${serialized}` });
    expect(codeOf(input)).toBe('ok');
  });

  it('step 2: missing parameters are incomplete; wrongly typed or short nonces are malformed', () => {
    const components = '("@method" "@target-uri" "@authority" "content-type" "content-digest")';
    const full = `;created=${NOW};expires=${NOW + 300};nonce="KXYnfEfJ0PBRZXQyVXfVQA";keyid="seller-2026";alg="ed25519";tag="adcp/webhook-signing/v1"`;
    for (const param of ['created', 'expires', 'nonce', 'keyid', 'alg', 'tag']) {
      const without = full.replace(new RegExp(`;${param}=[^;]*`), '');
      expect(codeOf(signedInput({ signatureInput: `sig1=${components}${without}` })), param).toBe('webhook_signature_params_incomplete');
    }
    const shortNonce = full.replace('KXYnfEfJ0PBRZXQyVXfVQA', 'c2hvcnQ');
    expect(codeOf(signedInput({ signatureInput: `sig1=${components}${shortNonce}` }))).toBe('webhook_signature_header_malformed');
    const stringCreated = full.replace(`created=${NOW}`, `created="${NOW}"`);
    expect(codeOf(signedInput({ signatureInput: `sig1=${components}${stringCreated}` }))).toBe('webhook_signature_header_malformed');
  });

  it('step 5: window edges', () => {
    expect(codeOf(signedInput({ params: defaultParams({ expires: NOW }) }))).toBe('webhook_signature_window_invalid');
    expect(codeOf({ ...signedInput(), now: NOW - 61 })).toBe('webhook_signature_window_invalid');
    expect(codeOf({ ...signedInput(), now: NOW - 60 })).toBe('ok');
    expect(codeOf({ ...signedInput(), now: NOW + 360 })).toBe('ok');
    expect(codeOf({ ...signedInput(), now: NOW + 361 })).toBe('webhook_signature_window_invalid');
  });

  it('step 8: key purpose checks', () => {
    const input = signedInput();
    const jwk = pair.publicJwk;
    expect(codeOf({ ...input, jwks: [{ ...jwk, adcp_use: 'webhook-signing' }] })).toBe('ok');
    expect(codeOf({ ...input, jwks: [{ ...jwk, adcp_use: undefined }] })).toBe('webhook_signature_key_purpose_invalid');
    expect(codeOf({ ...input, jwks: [{ ...jwk, adcp_use: 'governance-signing' }] })).toBe('webhook_signature_key_purpose_invalid');
    expect(codeOf({ ...input, jwks: [{ ...jwk, key_ops: ['sign'] }] })).toBe('webhook_signature_key_purpose_invalid');
    expect(codeOf({ ...input, jwks: [{ ...jwk, use: 'enc' } as never] })).toBe('webhook_signature_key_purpose_invalid');
    expect(codeOf({ ...input, jwks: [jwk, jwk] })).toBe('webhook_signature_key_unknown');
  });

  it('steps 9 and 9a: revoked keys and a full per-keyid replay cache', () => {
    expect(codeOf({ ...signedInput(), revokedKids: new Set(['seller-2026']) })).toBe('webhook_signature_key_revoked');
    const replay = createInMemoryReplayCache({ maxEntriesPerKeyid: 1 });
    expect(codeOf({ ...signedInput(), replay })).toBe('ok');
    const other = signedInput({ params: defaultParams({ nonce: 'AAAAAAAAAAAAAAAAAAAAAA' }) });
    expect(codeOf({ ...other, replay })).toBe('webhook_signature_rate_abuse');
    expect(codeOf({ ...other, replay, now: NOW + 361 })).toBe('webhook_signature_window_invalid');
  });

  it('step 10: a key of another algorithm, or a JWK alg that disagrees, fails the signature', () => {
    const ec = makeKeyPair('es256', 'seller-2026');
    expect(codeOf({ ...signedInput(), jwks: [ec.publicJwk] })).toBe('webhook_signature_invalid');
    expect(codeOf({ ...signedInput(), jwks: [{ ...pair.publicJwk, alg: 'ES256' } as never] })).toBe('webhook_signature_invalid');
  });

  it('step 10: @authority must match the received Host', () => {
    expect(codeOf({ ...signedInput(), authority: 'BUYER.example.com:443' })).toBe('ok');
    expect(codeOf({ ...signedInput(), authority: 'other.example.com' })).toBe('webhook_target_uri_malformed');
    expect(codeOf({ ...signedInput(), url: 'https:///adcp' })).toBe('webhook_target_uri_malformed');
  });

  it('steps 13–14: a validly signed body with duplicate keys is malformed, and its nonce is burned', () => {
    const replay = createInMemoryReplayCache();
    const input = { ...signedInput({ body: '{"status":"approved","status":"rejected"}' }), replay };
    expect(codeOf(input)).toBe('webhook_body_malformed');
    expect(codeOf(input)).toBe('webhook_signature_replayed');
  });

  it('the vectors verify with headers given in lowercase too', () => {
    const lower = Object.fromEntries(Object.entries(basic.request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    expect(codeOf({ ...basic.request, headers: lower, jwks: jwksFor(basic), now: basic.reference_now })).toBe('ok');
  });
});
