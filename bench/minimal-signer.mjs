// Bench-only context: the RFC 9421 webhook profile signed with the fewest allocations possible —
// string templates, no URL re-parsing, no duplicate-key scan — to show how much of a delivery's
// cost is the runtime and how much the product signer (src/runtime/signing). Not product code.
import { createHash, randomBytes, sign } from 'node:crypto';

const COMPONENTS = '("@method" "@target-uri" "@authority" "content-type" "content-digest")';

export function createMinimalEd25519Signer(privateKey, keyId, url) {
  const target = new URL(url);
  const targetUri = target.href;
  const authority = target.host;
  return {
    descriptor: { mode: 'rfc9421', keyId },
    headersFor(request, nowSeconds) {
      const digest = `sha-256=:${createHash('sha256').update(request.body).digest('base64url')}:`;
      const nonce = randomBytes(16).toString('base64url');
      const params = `${COMPONENTS};created=${nowSeconds};expires=${nowSeconds + 300};nonce="${nonce}";keyid="${keyId}";alg="ed25519";tag="adcp/webhook-signing/v1"`;
      const base = `"@method": POST\n"@target-uri": ${targetUri}\n"@authority": ${authority}\n"content-type": application/json\n"content-digest": ${digest}\n"@signature-params": ${params}`;
      const signature = sign(null, Buffer.from(base, 'utf8'), privateKey).toString('base64url');
      return { 'Content-Digest': digest, 'Signature-Input': `sig1=${params}`, Signature: `sig1=:${signature}:` };
    },
  };
}
