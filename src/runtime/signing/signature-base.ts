// RFC 9421 §2.5 signature base for the AdCP webhook profile, assembled by hand: one line
// `"<component>": <value>` per covered component, then `"@signature-params": <params>`, joined by
// "\n" with no trailing newline. `@signature-params` is the RFC 8941 serialization of the inner list
// of component names with the parameters in profile order.
import { serializeInnerList, type BareItem } from 'structured-headers';
import { SignatureComponentError } from './errors.js';
import { canonicalizeUrl } from './target-uri.js';

/**
 * The `tag` parameter every AdCP webhook signature carries, `adcp/webhook-signing/v1` (security.mdx "AdCP RFC 9421
 * profile").
 */
export const WEBHOOK_SIGNING_TAG = 'adcp/webhook-signing/v1';
export const SIGNATURE_LABEL = 'sig1';
/** The covered components, all required, in profile order. */
export const WEBHOOK_COVERED_COMPONENTS = ['@method', '@target-uri', '@authority', 'content-type', 'content-digest'] as const;
/** Profile maximum for `expires - created`. */
export const MAX_SIGNATURE_VALIDITY_SECONDS = 300;

export type SignatureAlgorithm = 'ed25519' | 'ecdsa-p256-sha256';

export interface SignatureParams {
  readonly created: number;
  readonly expires: number;
  readonly nonce: string;
  readonly keyid: string;
  readonly alg: string;
  /** Defaults to `adcp/webhook-signing/v1`. */
  readonly tag?: string;
}

/** `("@method" …);created=…;expires=…;nonce="…";keyid="…";alg="…";tag="…"` (the Signature-Input member value). */
export function serializeSignatureParams(
  params: SignatureParams,
  components: readonly string[] = WEBHOOK_COVERED_COMPONENTS,
): string {
  const ordered = new Map<string, BareItem>([
    ['created', params.created],
    ['expires', params.expires],
    ['nonce', params.nonce],
    ['keyid', params.keyid],
    ['alg', params.alg],
    ['tag', params.tag ?? WEBHOOK_SIGNING_TAG],
  ]);
  return serializeInnerList([components.map((name) => [name, new Map()]), ordered]);
}

export interface SignatureBaseInput {
  readonly method: string;
  readonly url: string | URL;
  readonly contentType: string;
  /** The `Content-Digest` header value exactly as sent (used verbatim). */
  readonly contentDigest: string;
  readonly params: SignatureParams;
}

/** The signature base for the five profile components, in profile order. */
export function buildSignatureBase(input: SignatureBaseInput): string {
  const { targetUri, authority } = canonicalizeUrl(input.url);
  const values = new Map<string, string>([
    ['@method', input.method.toUpperCase()],
    ['@target-uri', targetUri],
    ['@authority', authority],
    ['content-type', input.contentType.trim()],
    ['content-digest', input.contentDigest.trim()],
  ]);
  return assembleSignatureBase(WEBHOOK_COVERED_COMPONENTS, values, serializeSignatureParams(input.params));
}

/**
 * Joins component lines and the `@signature-params` line. `values` holds each component's value;
 * `signatureParams` is the serialized Signature-Input member (the verifier passes the received one
 * re-serialized, so parameters it does not know are still covered).
 */
export function assembleSignatureBase(
  components: readonly string[],
  values: ReadonlyMap<string, string>,
  signatureParams: string,
): string {
  const lines = components.map((name) => {
    const value = values.get(name);
    if (value === undefined) throw new SignatureComponentError(name, 'missing');
    if (/[\r\n]/.test(value)) throw new SignatureComponentError(name, 'line_break');
    return `"${name}": ${value}`;
  });
  lines.push(`"@signature-params": ${signatureParams}`);
  return lines.join('\n');
}
