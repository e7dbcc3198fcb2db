// `adcp-codegen webhook verify` through the built CLI (dist/): a captured request against a JWKS
// file; exit 0 accepted, 1 rejected (with the failed step and, with --explain, the recomputed
// signature base), 2 bad input. Never prints the signature bytes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCliProcess } from '../helpers/cli.js';
import { envelope, publicSharedKey, SELLER_KID, sharedVectors, signedRequest, vectorJwks, type SharedVector } from '../receiver/support.js';

const dir = mkdtempSync(join(tmpdir(), 'adcp-webhook-verify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, contents: string): string {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
}

function headerArgs(headers: Record<string, string>): string[] {
  return Object.entries(headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`]);
}

function verifyVector(vector: SharedVector, extra: string[] = []) {
  const jwks = file(`${vector.file}.jwks.json`, JSON.stringify({ keys: vectorJwks(vector) }));
  const body = file(`${vector.file}.body`, vector.request.body);
  return runCliProcess([
    'webhook', 'verify',
    '--url', vector.request.url,
    '--body-file', body,
    '--jwks', jwks,
    '--now', String(vector.reference_now),
    ...headerArgs(vector.request.headers),
    ...extra,
  ]);
}

const positive = sharedVectors('positive').find((vector) => vector.file.startsWith('001'))!;
const digestMismatch = sharedVectors('negative').find((vector) => vector.expected_outcome.error_code === 'webhook_signature_digest_mismatch')!;

describe('adcp-codegen webhook verify', () => {
  it('a complete signed envelope is accepted (exit 0)', () => {
    const now = 1_776_520_800;
    const url = 'https://buyer.example.com/adcp/webhook/op_abc';
    const request = signedRequest(url, JSON.stringify(envelope()), now);
    const run = runCliProcess([
      'webhook', 'verify', '--url', url,
      '--body-file', file('complete.json', request.body),
      '--jwks', file('seller.jwks.json', JSON.stringify({ keys: [publicSharedKey(SELLER_KID)] })),
      '--now', String(now),
      ...headerArgs(request.headers),
    ]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`accepted: keyid=${SELLER_KID} sender=keyid:${SELLER_KID} create_media_buy completed\n`);
    expect(run.status).toBe(0);
  });

  it('a positive vector verifies with --signature-only; without it the envelope schema rejects it (exit 1)', () => {
    const signatureOnly = verifyVector(positive, ['--signature-only']);
    expect(signatureOnly.status).toBe(0);
    expect(signatureOnly.stdout).toContain('signature verified; envelope: webhook_payload_invalid');
    const full = verifyVector(positive);
    expect(full.status).toBe(1);
    expect(full.stdout).toContain('rejected: webhook_payload_invalid (HTTP 400)');
  });

  it('--explain names the failed step and prints the recomputed base, never the signature', () => {
    const run = verifyVector(digestMismatch, ['--explain']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('rejected: webhook_signature_digest_mismatch (HTTP 401)');
    expect(run.stdout).toContain('at step 11: Content-Digest');
    expect(run.stdout).toContain('WWW-Authenticate: Signature error="webhook_signature_digest_mismatch"');
    for (const line of digestMismatch.expected_signature_base.split('\n')) expect(run.stdout).toContain(`    ${line}\n`);
    const token = /sig1=:([^:]+):/.exec(digestMismatch.request.headers['Signature']!)![1]!;
    expect(run.stdout).not.toContain(token);
  });

  it('--json reports code, stage and base', () => {
    const run = verifyVector(digestMismatch, ['--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      accepted: false,
      code: 'webhook_signature_digest_mismatch',
      stage: '11',
      signature_base: digestMismatch.expected_signature_base,
    });
  });

  it('every negative vector exits 1 with its code', () => {
    for (const vector of sharedVectors('negative')) {
      const run = verifyVector(vector, ['--json']);
      expect([vector.file, run.status]).toEqual([vector.file, 1]);
      expect(JSON.parse(run.stdout)).toMatchObject({ code: vector.expected_outcome.error_code });
    }
  });

  it('a request without any signature has its own code', () => {
    const { Signature: _s, 'Signature-Input': _i, ...unsigned } = positive.request.headers;
    const run = verifyVector({ ...positive, request: { ...positive.request, headers: unsigned } }, ['--json']);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ code: 'webhook_signature_missing' });
  });

  it('bad input exits 2 with one line naming the cause', () => {
    const missing = runCliProcess(['webhook', 'verify', '--url', positive.request.url, '--body-file', join(dir, 'nope'), '--jwks', join(dir, 'nope')]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^adcp-codegen: webhook verify: cannot read --body-file .*: ENOENT\n$/);
    const header = verifyVector(positive, ['--header', 'no colon here']);
    expect(header.status).toBe(2);
    expect(header.stderr).toBe('adcp-codegen: webhook verify: --header must be "Name: value"\n');
    const jwks = runCliProcess(['webhook', 'verify', '--url', positive.request.url, '--body-file', file('b.json', '{}'), '--jwks', file('bad.json', '{"keys": 3}')]);
    expect(jwks.status).toBe(2);
    expect(jwks.stderr).toContain('--jwks');
  });
});
