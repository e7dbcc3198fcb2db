// The legacy HMAC-SHA256 scheme signs the exact body bytes: every published vector signs and
// verifies as published, including an empty body and a raw NUL byte inside a JSON string, while a
// repeated object key is still refused on both sides (security.mdx "Duplicate object keys").
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createHmacSigner,
  DuplicateKeyInputError,
  JsonSyntaxError,
  SigningConfigError,
  verifyHmacWebhook,
} from '../../src/runtime/signing/index.js';
import { sharedDir } from '../helpers/shared.js';

const SECRET = 'cc237f7fe354609bb41360c6530a2deb7926f3cc55e91df3ff90e37202950b6c';
const NOW = 1_700_000_000;

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const post = (body: Uint8Array) => ({ method: 'POST', url: 'https://buyer.example.com/hook', contentType: 'application/json', body });
const sign = (body: Uint8Array, timestamp = NOW) => createHmacSigner({ secret: SECRET, credentialRef: 'ref' }).headersFor(post(body), timestamp);
const verify = (body: Uint8Array | string, signature: string, timestamp = NOW, secret: string = SECRET) =>
  verifyHmacWebhook({
    headers: { 'X-ADCP-Signature': signature, 'X-ADCP-Timestamp': String(timestamp) },
    body,
    secret,
    now: timestamp,
  });

// Published in the AdCP webhook-hmac-sha256.json vectors (ids empty-body and null-bytes).
const EMPTY_BODY_SIGNATURE = 'sha256=d9f70ba6cb43e92a8f55c1fc73bec0f8f07fa3a652e1ec1d5ee69846cfde9fe8';
const NUL_BODY = '{"event":"test\u0000null"}';
const NUL_BODY_SIGNATURE = 'sha256=8c58874bc393c7941088d48da3af913c4dcb3fb20244bf0ab0543cb872cb5330';

describe('legacy HMAC signs and verifies the raw bytes', () => {
  it('signs and verifies an empty body, matching the published signature', () => {
    expect(sign(new Uint8Array(0))['X-ADCP-Signature']).toBe(EMPTY_BODY_SIGNATURE);
    expect(verify(new Uint8Array(0), EMPTY_BODY_SIGNATURE)).toEqual({ ok: true });
    expect(verify('', EMPTY_BODY_SIGNATURE)).toEqual({ ok: true });
  });

  it('signs and verifies a raw NUL byte inside a JSON string, matching the published signature', () => {
    const body = bytes(NUL_BODY);
    expect(body.includes(0)).toBe(true);
    expect(sign(body)['X-ADCP-Signature']).toBe(NUL_BODY_SIGNATURE);
    expect(verify(body, NUL_BODY_SIGNATURE)).toEqual({ ok: true });
    expect(verify(NUL_BODY, NUL_BODY_SIGNATURE)).toEqual({ ok: true });
  });

  it('still refuses a repeated key, also one hidden after a raw control character', () => {
    for (const text of ['{"s":1,"s":2}', '{"s":"\u0000","s":"x"}', '{"a":{"b":"\t\u0001","b":1}}']) {
      expect(() => sign(bytes(text))).toThrow(DuplicateKeyInputError);
      const signature = `sha256=${createHmacForTest(text)}`;
      expect(verify(bytes(text), signature)).toEqual({ ok: false, code: 'webhook_body_malformed' });
    }
  });

  it('still fails closed on bytes that are not JSON at all (a lenient parser could read keys there)', () => {
    for (const text of ['{"s":1', 'not json', '{"s":1,/*c*/"s":2}', "{'s':1}"]) {
      expect(() => sign(bytes(text))).toThrow(JsonSyntaxError);
      expect(verify(bytes(text), `sha256=${createHmacForTest(text)}`)).toEqual({ ok: false, code: 'webhook_body_malformed' });
    }
    expect(verify(new Uint8Array([0x7b, 0xff, 0x7d]), `sha256=${'0'.repeat(64)}`)).toEqual({ ok: false, code: 'webhook_hmac_signature_invalid' });
  });
});

function createHmacForTest(text: string): string {
  return createHmac('sha256', SECRET).update(`${NOW}.${text}`, 'utf8').digest('hex');
}

// The published vector file, read from the reference material beside the repository.
const vectorsDir = process.env['ADCP_TEST_VECTORS_DIR'] ?? resolve(sharedDir, 'adcp/test-vectors');
const vectorFile = resolve(vectorsDir, 'webhook-hmac-sha256.json');

interface HmacVectorFile {
  readonly secret: string;
  readonly vectors: readonly {
    readonly id: string;
    readonly timestamp: number;
    readonly raw_body: string;
    readonly expected_signature: string;
    readonly expected_verifier_action?: string;
  }[];
  readonly rejection_vectors: readonly {
    readonly id: string;
    readonly timestamp: number | string;
    readonly raw_body: string;
    readonly signature: string | null;
    readonly current_time?: number;
  }[];
  readonly secret_rejection_vectors: readonly { readonly secret: string }[];
}

describe.skipIf(!existsSync(vectorFile))(`every vector of ${vectorFile}`, () => {
  const file = existsSync(vectorFile) ? (JSON.parse(readFileSync(vectorFile, 'utf8')) as HmacVectorFile) : undefined;
  const vectors = file?.vectors ?? [];

  it('covers the empty-body and null-bytes vectors', () => {
    expect(vectors.map((vector) => vector.id)).toEqual(expect.arrayContaining(['empty-body', 'null-bytes']));
  });

  it.each(vectors.map((vector) => [vector.id, vector] as const))('signs %s to the published signature and verifies it', (_id, vector) => {
    const body = bytes(vector.raw_body);
    const malformed = vector.expected_verifier_action === 'reject-malformed';
    const signer = createHmacSigner({ secret: file?.secret ?? '', credentialRef: 'ref' });
    if (malformed) expect(() => signer.headersFor(post(body), vector.timestamp)).toThrow(DuplicateKeyInputError);
    else expect(signer.headersFor(post(body), vector.timestamp)['X-ADCP-Signature']).toBe(vector.expected_signature);
    expect(verify(body, vector.expected_signature, vector.timestamp, file?.secret)).toEqual(
      malformed ? { ok: false, code: 'webhook_body_malformed' } : { ok: true },
    );
  });

  it.each((file?.rejection_vectors ?? []).map((vector) => [vector.id, vector] as const))('rejects %s', (_id, vector) => {
    const headers: Record<string, string> = { 'X-ADCP-Timestamp': String(vector.timestamp) };
    if (vector.signature !== null) headers['X-ADCP-Signature'] = vector.signature;
    const now = vector.current_time ?? (typeof vector.timestamp === 'number' ? vector.timestamp : NOW);
    const result = verifyHmacWebhook({ headers, body: bytes(vector.raw_body), secret: file?.secret ?? '', now });
    expect(result.ok).toBe(false);
  });

  it('refuses every rejected secret when signing and when verifying', () => {
    for (const { secret } of file?.secret_rejection_vectors ?? []) {
      expect(() => createHmacSigner({ secret, credentialRef: 'ref' })).toThrow(SigningConfigError);
      expect(verify('{}', `sha256=${'0'.repeat(64)}`, NOW, secret)).toEqual({ ok: false, code: 'webhook_hmac_secret_invalid' });
    }
  });
});
