// A fast path for steps 1–6 and the signature base of step 10 of the verifier checklist for webhooks
// (security.mdx "Webhook callbacks"), taken only when the headers have exactly the canonical shape
// the AdCP RFC 9421 profile's signers emit (security.mdx "AdCP RFC 9421 profile"):
//
//   Signature-Input: sig1=("@method" "@target-uri" "@authority" "content-type" "content-digest");
//                    created=<int>;expires=<int>;nonce="<b64url>";keyid="<sf-string>";alg="<alg>";tag="adcp/webhook-signing/v1"
//   Signature:       sig1=:<binary>:
//   Content-Digest:  sha-256=:<binary>:
//
// For that shape the RFC 8941 serialization of the member is the received text itself (integers
// without leading zeros, strings without escapes), so no generic structured-field parser is needed.
// The fast path only ever accepts: any header that is not canonical, and any check that does not
// pass, returns `undefined`, and the caller runs the generic checklist, which names the failure.
// So every rejection, and its code, comes from the generic checklist; the fast path cannot accept
// what the generic one rejects (tests/receiver/canonical-signature.test.ts compares the two).
import { decodeBase64UrlStrict, decodeBinaryToken } from '../signing/base64.js';
import { MAX_SIGNATURE_VALIDITY_SECONDS, WEBHOOK_COVERED_COMPONENTS } from '../signing/signature-base.js';
import { canonicalizeUrl, type CanonicalUrl } from '../signing/target-uri.js';
import { CLOCK_SKEW_SECONDS, type ParsedWebhookSignature } from '../signing/webhook-checklist.js';
import type { HeaderGetter } from '../signing/headers.js';

const CANONICAL_INPUT =
  /^sig1=\("@method" "@target-uri" "@authority" "content-type" "content-digest"\);created=(0|[1-9][0-9]{0,14});expires=(0|[1-9][0-9]{0,14});nonce="([A-Za-z0-9_-]{22,512})";keyid="([\x20\x21\x23-\x5b\x5d-\x7e]{1,256})";alg="(ed25519|ecdsa-p256-sha256)";tag="adcp\/webhook-signing\/v1"$/;
const CANONICAL_SIGNATURE = /^sig1=:([A-Za-z0-9+/_=-]{1,512}):$/;
const CANONICAL_DIGEST = /^sha-256=:([A-Za-z0-9+/_=-]{1,128}):$/;
const LINE_BREAK = /[\r\n]/;
const COMPONENTS: readonly string[] = Object.freeze([...WEBHOOK_COVERED_COMPONENTS]);
const MIN_NONCE_BYTES = 16;
const SIGNATURE_INPUT_PREFIX = 'sig1='.length;

/** Steps 1–6 for canonical headers; `undefined` means "run the generic checklist". */
export function parseCanonicalSignature(headers: HeaderGetter, nowSeconds: number): ParsedWebhookSignature | undefined {
  const input = headers.get('signature-input');
  const signatureHeader = headers.get('signature');
  const digestHeader = headers.get('content-digest');
  if (input === null || signatureHeader === null || digestHeader === null) return undefined;
  const fields = CANONICAL_INPUT.exec(input);
  const signatureToken = CANONICAL_SIGNATURE.exec(signatureHeader)?.[1];
  const digestToken = CANONICAL_DIGEST.exec(digestHeader)?.[1];
  if (fields === null || signatureToken === undefined || digestToken === undefined) return undefined;
  const [, createdText = '', expiresText = '', nonce = '', keyid = '', alg = ''] = fields;
  const created = Number(createdText);
  const expires = Number(expiresText);
  if (!windowIsValid(created, expires, nowSeconds)) return undefined;
  const nonceBytes = decodeBase64UrlStrict(nonce);
  if (!nonceBytes.ok || nonceBytes.bytes.byteLength < MIN_NONCE_BYTES) return undefined;
  const signature = decodeBinaryToken(signatureToken);
  const contentDigest = decodeBinaryToken(digestToken);
  if (!signature.ok || !contentDigest.ok) return undefined;
  const tag = 'adcp/webhook-signing/v1';
  const params = new Map<string, unknown>([
    ['created', created],
    ['expires', expires],
    ['nonce', nonce],
    ['keyid', keyid],
    ['alg', alg],
    ['tag', tag],
  ]);
  return {
    signatureInput: { components: COMPONENTS, params, serialized: input.slice(SIGNATURE_INPUT_PREFIX) },
    fields: { created, expires, nonce, keyid, alg, tag },
    signature: signature.bytes,
    contentDigest: contentDigest.bytes,
  };
}

/** Step 5, accepting only what the checklist accepts: the window as security.mdx bounds it. */
function windowIsValid(created: number, expires: number, now: number): boolean {
  return (
    expires > created &&
    created <= now + CLOCK_SKEW_SECONDS &&
    expires >= now - CLOCK_SKEW_SECONDS &&
    expires - created <= MAX_SIGNATURE_VALIDITY_SECONDS
  );
}

/** What the base needs from the request. */
export interface CanonicalBaseRequest {
  readonly method: string;
  readonly url: string;
  readonly authority: string | undefined;
  readonly headers: HeaderGetter;
}

/**
 * The RFC 9421 §2.5 signature base for a request whose headers `parseCanonicalSignature` accepted,
 * or `undefined` (run the generic `recomputeSignatureBase`, which names the failure).
 */
export function canonicalSignatureBase(request: CanonicalBaseRequest, parsed: ParsedWebhookSignature): string | undefined {
  const url = canonicalUrlOf(request.url, request.authority);
  const contentType = request.headers.get('content-type');
  const contentDigest = request.headers.get('content-digest');
  if (url === undefined || contentType === null || contentDigest === null) return undefined;
  if (LINE_BREAK.test(contentType) || LINE_BREAK.test(contentDigest)) return undefined;
  return (
    `"@method": ${request.method.toUpperCase()}\n"@target-uri": ${url.targetUri}\n"@authority": ${url.authority}\n` +
    `"content-type": ${contentType.trim()}\n"content-digest": ${contentDigest.trim()}\n` +
    `"@signature-params": ${parsed.signatureInput.serialized}`
  );
}

const URL_CACHE_LIMIT = 1024;
const canonicalUrls = new Map<string, CanonicalUrl>();

/**
 * `canonicalizeUrl(url)` when the received authority canonicalizes to the same `@authority`
 * (the checklist's `@authority` rule), memoized: a receiver sees the same few URLs again and again.
 * Failures are not cached; they return `undefined` and the generic checklist reports them.
 */
export function canonicalUrlOf(url: string, authority: string | undefined): CanonicalUrl | undefined {
  const key = authority === undefined ? url : `${url}\u0000${authority}`;
  const cached = canonicalUrls.get(key);
  if (cached !== undefined) return cached;
  let canonical: CanonicalUrl;
  try {
    canonical = canonicalizeUrl(url);
    if (authority !== undefined) {
      const scheme = canonical.targetUri.slice(0, canonical.targetUri.indexOf(':'));
      if (canonicalizeUrl(`${scheme}://${authority}/`).authority !== canonical.authority) return undefined;
    }
  } catch {
    return undefined;
  }
  if (canonicalUrls.size >= URL_CACHE_LIMIT) canonicalUrls.clear();
  canonicalUrls.set(key, canonical);
  return canonical;
}
