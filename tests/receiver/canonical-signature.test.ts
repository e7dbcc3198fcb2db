// The receiver's canonical-header fast path never accepts what the generic checklist rejects, and
// when it accepts it yields exactly what the generic checklist yields (parsed fields, serialized
// Signature-Input, signature and digest bytes, signature base). Checked on every shared vector and
// on randomly mutated signed requests.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSignatureBase, parseCanonicalSignature } from '../../src/runtime/receiver/canonical-signature.js';
import { snapshotRequest, type RequestSnapshot } from '../../src/runtime/receiver/request-snapshot.js';
import { parseWebhookSignature, recomputeSignatureBase } from '../../src/runtime/signing/webhook-checklist.js';
import { envelope, sharedVectors, signedRequest } from './support.js';

const NOW = 1_776_520_800;

function snapshot(request: { method: string; url: string; headers: Record<string, string>; body: string }, authority?: string): RequestSnapshot {
  const taken = snapshotRequest({ ...request, ...(authority === undefined ? {} : { authority }) });
  if (taken === undefined) throw new Error('unusable request');
  return taken;
}

/** The invariant: fast ⊆ generic, and equal where both accept. Returns whether the fast path took it. */
function agree(request: RequestSnapshot, now: number): boolean {
  const fast = parseCanonicalSignature(request.headers, now);
  const generic = parseWebhookSignature(request.headers, now);
  if (fast === undefined) return false;
  expect(generic.ok).toBe(true);
  if (!generic.ok) return true;
  expect(fast).toEqual(generic.value);
  expect([...fast.signatureInput.params]).toEqual([...generic.value.signatureInput.params]);
  const genericBase = recomputeSignatureBase(request, generic.value);
  const fastBase = canonicalSignatureBase(request, fast);
  if (genericBase.ok) expect(fastBase).toBe(genericBase.value);
  else expect(fastBase).toBeUndefined();
  return true;
}

describe('canonical-header fast path', () => {
  it('takes the headers our signer emits, with the same parse and base as the generic checklist', () => {
    const request = snapshot(signedRequest('https://buyer.example.com/adcp/webhook/op_1?x=1', JSON.stringify(envelope()), NOW));
    expect(agree(request, NOW)).toBe(true);
    const withAuthority = snapshot(signedRequest('https://buyer.example.com/w', JSON.stringify(envelope()), NOW), 'BUYER.example.com:443');
    expect(agree(withAuthority, NOW)).toBe(true);
  });

  it('agrees on hand-made near-canonical spellings (leading zeros, escapes, spacing, order, extra members)', () => {
    const base = signedRequest('https://buyer.example.com/w', JSON.stringify(envelope()), NOW);
    const input = base.headers['signature-input'] ?? '';
    const variants: Record<string, string>[] = [
      { 'signature-input': input.replace(';created=', ';created=0') },
      { 'signature-input': input.replace(/;expires=(\d+)/, ';expires=00$1') },
      { 'signature-input': input.replace(/keyid="([^"]*)"/, 'keyid="$1\\\\"') },
      { 'signature-input': input.replace(/keyid="([^"]*)"/, 'keyid="a\\"b"') },
      { 'signature-input': ` ${input}` },
      { 'signature-input': input.replace('" "', '"  "') },
      { 'signature-input': input.replace(/;alg="([^"]*)"/, '').replace(';tag=', `;alg="ed25519";tag=`) },
      { 'signature-input': `${input}, sig2=("@method");created=1` },
      { 'signature-input': input.replace('sig1=', 'SIG1=') },
      { signature: `${base.headers['signature'] ?? ''};x=1` },
      { signature: `${base.headers['signature'] ?? ''}, sig1=:AAAA:` },
      { 'content-digest': `${base.headers['content-digest'] ?? ''}, sha-512=:AAAA:` },
    ];
    for (const variant of variants) agree(snapshot({ ...base, headers: { ...base.headers, ...variant } }), NOW);
  });

  it('agrees with the generic checklist on every shared vector (positive and negative)', () => {
    let taken = 0;
    for (const vector of [...sharedVectors('positive'), ...sharedVectors('negative')]) {
      if (agree(snapshot(vector.request), vector.reference_now)) taken += 1;
    }
    expect(taken).toBeGreaterThan(0);
  });

  it('declines a mismatched received authority (the generic checklist names it)', () => {
    const request = snapshot(signedRequest('https://buyer.example.com/w', JSON.stringify(envelope()), NOW), 'evil.example.com');
    const fast = parseCanonicalSignature(request.headers, NOW);
    expect(fast).toBeDefined();
    expect(canonicalSignatureBase(request, fast as NonNullable<typeof fast>)).toBeUndefined();
    const generic = parseWebhookSignature(request.headers, NOW);
    expect(generic.ok && recomputeSignatureBase(request, generic.value)).toMatchObject({ ok: false, code: 'webhook_target_uri_malformed' });
  });

  it('never accepts a mutated header the generic checklist rejects', () => {
    const base = signedRequest('https://buyer.example.com/adcp/webhook/op', JSON.stringify(envelope()), NOW);
    const names = ['signature-input', 'signature', 'content-digest', 'content-type'] as const;
    const alphabet = fc.constantFrom(...'sig1=();,:"\\ -_+/=0123456789abcdefxyzABCXYZ@\r\n\t'.split(''), '"keyid"', ';tag=', 'sig2=', ';alg="ed25519"');
    const mutation = fc.record({
      header: fc.constantFrom(...names),
      at: fc.nat(),
      cut: fc.nat({ max: 6 }),
      insert: fc.array(alphabet, { maxLength: 3 }).map((parts) => parts.join('')),
    });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.integer({ min: -400, max: 400 }), (mutations, skew) => {
        const headers = { ...base.headers };
        for (const { header, at, cut, insert } of mutations) {
          const value = headers[header] ?? '';
          const index = at % (value.length + 1);
          headers[header] = value.slice(0, index) + insert + value.slice(index + cut);
        }
        agree(snapshot({ ...base, headers }), NOW + skew);
      }),
      { numRuns: 3000 },
    );
  });

  it('declines windows the checklist rejects and takes every window it accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -50, max: 400 }), (createdOffset, lifetime) => {
        const created = NOW + createdOffset;
        const request = snapshot(signedRequestWindow(created, created + lifetime));
        const generic = parseWebhookSignature(request.headers, NOW);
        const fast = parseCanonicalSignature(request.headers, NOW);
        expect(fast !== undefined).toBe(generic.ok);
        agree(request, NOW);
      }),
      { numRuns: 500 },
    );
  });
});

function signedRequestWindow(created: number, expires: number) {
  const request = signedRequest('https://buyer.example.com/w', JSON.stringify(envelope()), created);
  const input = request.headers['signature-input'] ?? '';
  return { ...request, headers: { ...request.headers, 'signature-input': input.replace(/;expires=\d+/, `;expires=${expires}`) } };
}
