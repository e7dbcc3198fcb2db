// `adcp-codegen webhook sign` through the built CLI (dist/; build with `npx tsc -p tsconfig.build.json`).
import { createHmac, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSignatureBase, verifyRfc9421Webhook } from '../../src/runtime/signing/index.js';
import { runCliProcess } from '../helpers/cli.js';
import { loadTestKeys, loadVectors, privateJwk, publicJwk, sig1Of } from '../signing/vector-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'adcp-webhook-sign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, contents: string): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

const vector = loadVectors('positive').find((candidate) => candidate.file.startsWith('001'))!;
const vectorParams = sig1Of(vector).params;
const testKey = loadTestKeys().find((key) => key.kid === 'test-ed25519-webhook-2026')!;
const edJwk = file('ed25519.jwk', JSON.stringify(privateJwk(testKey)));
const body = file('body.json', vector.request.body);
const SECRET = 'cc237f7fe354609bb41360c6530a2deb7926f3cc55e91df3ff90e37202950b6c';

interface JsonOutput {
  headers: Record<string, string>;
  signature_base?: string;
}

function signJson(args: string[]): JsonOutput {
  const run = runCliProcess(['webhook', 'sign', ...args, '--json']);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as JsonOutput;
}

function expectRefusal(args: string[], stderrPattern: RegExp, secret?: string): void {
  const run = runCliProcess(['webhook', 'sign', ...args]);
  expect(run.status).toBe(2);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(stderrPattern);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  if (secret !== undefined) expect(run.stderr).not.toContain(secret);
}

describe('webhook sign --jwk (RFC 9421)', () => {
  const deterministic = ['--url', vector.request.url, '--body-file', body, '--jwk', edJwk, '--created', String(vectorParams.created), '--nonce', vectorParams.nonce];

  it('is deterministic and matches the pure base builder and node:crypto', () => {
    const first = signJson(deterministic);
    expect(signJson(deterministic)).toEqual(first);
    expect(Object.keys(first.headers)).toEqual(['Content-Type', 'Content-Digest', 'Signature-Input', 'Signature']);
    const base = buildSignatureBase({
      method: 'POST',
      url: vector.request.url,
      contentType: 'application/json',
      contentDigest: first.headers['Content-Digest']!,
      params: { ...vectorParams, expires: vectorParams.created + 300 },
    });
    expect(first.signature_base).toBe(base);
    // Same request as vector 001; only the digest spelling differs (we emit unpadded base64url).
    expect(base.replace(first.headers['Content-Digest']!, vector.request.headers['Content-Digest']!)).toBe(vector.expected_signature_base);
    const signature = Buffer.from(/^sig1=:([A-Za-z0-9_-]+):$/.exec(first.headers['Signature']!)![1]!, 'base64url');
    const publicKey = createPublicKey({ key: publicJwk(testKey) as never, format: 'jwk' });
    expect(verify(null, Buffer.from(base), publicKey, signature)).toBe(true);
    const verified = verifyRfc9421Webhook({
      method: 'POST',
      url: vector.request.url,
      headers: first.headers,
      body: vector.request.body,
      jwks: [publicJwk(testKey)],
      now: vectorParams.created,
    });
    expect(verified).toEqual({ ok: true, keyid: 'test-ed25519-webhook-2026' });
  });

  it('honours --expires and --method, and prints header lines by default', () => {
    const run = runCliProcess(['webhook', 'sign', ...deterministic, '--expires', String(vectorParams.created + 60), '--method', 'put']);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.slice(0, line.indexOf(': ')))).toEqual(['Content-Type', 'Content-Digest', 'Signature-Input', 'Signature']);
    expect(lines[2]).toContain(`;expires=${vectorParams.created + 60};`);
  });

  it('signs with an ES256 JWK (signature verifies; fresh nonce without --nonce)', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = file('es256.jwk', JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'es-key', alg: 'ES256' }));
    const output = signJson(['--url', 'https://buyer.example.com/hook', '--body-file', body, '--jwk', jwk]);
    expect(output.headers['Signature-Input']).toMatch(/;keyid="es-key";alg="ecdsa-p256-sha256";tag="adcp\/webhook-signing\/v1"$/);
    const signature = Buffer.from(/^sig1=:([A-Za-z0-9_-]+):$/.exec(output.headers['Signature']!)![1]!, 'base64url');
    expect(verify('sha256', Buffer.from(output.signature_base!), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
  });
});

describe('webhook sign legacy modes', () => {
  it('--hmac-secret --timestamp gives the known HMAC', () => {
    const output = signJson(['--url', 'https://buyer.example.com/hook', '--body-file', body, '--hmac-secret', SECRET, '--timestamp', '1700000000']);
    const expected = createHmac('sha256', SECRET).update(`1700000000.${vector.request.body}`).digest('hex');
    expect(output).toEqual({
      headers: { 'Content-Type': 'application/json', 'X-ADCP-Signature': `sha256=${expected}`, 'X-ADCP-Timestamp': '1700000000' },
    });
  });

  it('--bearer prints the Authorization header', () => {
    const run = runCliProcess(['webhook', 'sign', '--url', 'https://buyer.example.com/hook', '--body-file', body, '--bearer', SECRET]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`Content-Type: application/json\nAuthorization: Bearer ${SECRET}\n`);
  });
});

describe('webhook sign refusals (exit 2, one line on stderr)', () => {
  const url = ['--url', 'https://buyer.example.com/hook'];
  const withBody = [...url, '--body-file', body];

  it('refuses a malformed URL without echoing its query', () => {
    expectRefusal(['--url', 'https:///hook?token=qq-secret-qq', '--body-file', body, '--jwk', edJwk], /invalid --url: empty authority/, 'qq-secret-qq');
    expectRefusal(['--url', 'https://[fe80::1%25eth0]/h', '--body-file', body, '--hmac-secret', SECRET], /invalid --url: IPv6 zone/);
  });

  it('refuses weak secrets and tokens without echoing them', () => {
    expectRefusal([...withBody, '--hmac-secret', 'short-secret-xyz'], /HMAC secret is 16 bytes; at least 32/, 'short-secret-xyz');
    expectRefusal([...withBody, '--hmac-secret', 'a'.repeat(40)], /repeats a single character/, 'a'.repeat(40));
    expectRefusal([...withBody, '--bearer', 'tok-short'], /bearer token is 9 bytes/, 'tok-short');
  });

  it('requires exactly one mode and mode-specific options', () => {
    expectRefusal(withBody, /exactly one of --jwk, --hmac-secret or --bearer/);
    expectRefusal([...withBody, '--jwk', edJwk, '--bearer', SECRET], /exactly one of/, SECRET);
    expectRefusal([...withBody, '--hmac-secret', SECRET, '--created', '1'], /--created applies only with --jwk/, SECRET);
    expectRefusal([...withBody, '--jwk', edJwk, '--timestamp', '1'], /--timestamp applies only with --hmac-secret/);
  });

  it('refuses unreadable files and bad JWKs', () => {
    expectRefusal([...url, '--body-file', join(dir, 'missing.json'), '--jwk', edJwk], /cannot read --body-file .*missing\.json: ENOENT/);
    expectRefusal([...withBody, '--jwk', join(dir, 'missing.jwk')], /cannot read --jwk/);
    expectRefusal([...withBody, '--jwk', file('not-json.jwk', 'nope')], /is not JSON/);
    expectRefusal([...withBody, '--jwk', file('public.jwk', JSON.stringify(publicJwk(testKey)))], /is a public key/);
    expectRefusal([...withBody, '--jwk', file('jwks.jwk', JSON.stringify({ keys: [privateJwk(testKey)] }))], /is a JWKS/);
    const noKid = { ...privateJwk(testKey), kid: undefined };
    expectRefusal([...withBody, '--jwk', file('nokid.jwk', JSON.stringify(noKid))], /has no "kid"/, testKey._private_d_for_test_only);
  });

  it('refuses duplicate-key and non-JSON bodies', () => {
    const duplicate = file('dup.json', '{"status":"approved","status":"rejected"}');
    expectRefusal([...url, '--body-file', duplicate, '--jwk', edJwk], /--body-file: duplicate_key_input: .*"status"/);
    expectRefusal([...url, '--body-file', duplicate, '--hmac-secret', SECRET], /duplicate_key_input/, SECRET);
    expectRefusal([...url, '--body-file', file('text.json', 'hello'), '--jwk', edJwk], /--body-file: body is not valid JSON/);
  });

  it('refuses a window over 300 s and a weak nonce', () => {
    expectRefusal([...withBody, '--jwk', edJwk, '--created', '1000', '--expires', '1301'], /expires - created must be an integer from 1 to 300/);
    expectRefusal([...withBody, '--jwk', edJwk, '--nonce', 'abc'], /nonce must be base64url/);
    expectRefusal([...withBody, '--jwk', edJwk, '--created', 'yesterday'], /--created must be unix seconds/);
  });
});
