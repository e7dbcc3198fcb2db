// The signing hot path of the RFC 9421 webhook profile, run once per delivery attempt. The profile
// is fixed (label, five components, parameter order), so the `Signature-Input` member and the
// signature base are assembled as strings: the per-key part (`;keyid=…;alg=…;tag=…`) and the
// component list are serialized once with structured-headers, and the per-attempt values are
// integers and a base64url nonce, which RFC 8941 writes as they are. The output is byte-identical to
// `serializeSignatureParams` + `buildSignatureBase` (tests/signing/profile-signing.test.ts).
import { sign, type KeyObject } from 'node:crypto';
import { serializeInnerList, serializeParameters } from 'structured-headers';
import { contentDigestHeader } from './content-digest.js';
import { SignatureComponentError, SigningConfigError } from './errors.js';
import {
  SIGNATURE_LABEL,
  WEBHOOK_COVERED_COMPONENTS,
  WEBHOOK_SIGNING_TAG,
  type SignatureAlgorithm,
} from './signature-base.js';
import { toLowS, type PrivateSigningKey } from './signing-keys.js';
import { signedTargetOf } from './signed-target.js';
import type { OutgoingWebhookRequest } from './webhook-signer.js';

/** `("@method" "@target-uri" "@authority" "content-type" "content-digest")` */
const COMPONENT_LIST = serializeInnerList([WEBHOOK_COVERED_COMPONENTS.map((name) => [name, new Map()]), new Map()]);
/** Largest RFC 8941 integer. */
const MAX_SF_INTEGER = 999_999_999_999_999;

export interface SignedProfileRequest {
  /** `Content-Digest`, `Signature-Input`, `Signature`. */
  readonly headers: Record<string, string>;
  readonly signatureBase: string;
}

/** A private key prepared for the profile: its serialized parameters and a base64url signing function. */
export interface ProfileSigningKey {
  readonly paramSuffix: string;
  readonly signBase64Url: (data: Buffer) => string;
}

export function profileSigningKey(key: PrivateSigningKey): ProfileSigningKey {
  return { paramSuffix: parameterSuffix(key.keyId, key.alg), signBase64Url: signerFor(key.alg, key.privateKey) };
}

/**
 * Signs one request. The caller has refused ambiguous bodies and checked the nonce (base64url, so
 * it needs no escaping inside an sf-string); `created` and `expires` are checked here.
 */
export function signProfileRequest(
  request: OutgoingWebhookRequest,
  key: ProfileSigningKey,
  created: number,
  expires: number,
  nonce: string,
): SignedProfileRequest {
  const unsigned = profileSignatureBase(request, key.paramSuffix, created, expires, nonce);
  return profileSignedRequest(unsigned, key.signBase64Url(Buffer.from(unsigned.signatureBase, 'utf8')));
}

/** The signature base of one request and the header values that go with it, before signing. */
export interface UnsignedProfileRequest {
  readonly contentDigest: string;
  readonly signatureParams: string;
  readonly signatureBase: string;
}

/** Builds the signature base (RFC 9421 §2.5) of one request; `created` and `expires` are checked here. */
export function profileSignatureBase(
  request: OutgoingWebhookRequest,
  paramSuffix: string,
  created: number,
  expires: number,
  nonce: string,
): UnsignedProfileRequest {
  assertSfInteger(created, 'created');
  assertSfInteger(expires, 'expires');
  const method = request.method === 'POST' ? 'POST' : componentValue('@method', request.method.toUpperCase());
  const contentType =
    request.contentType === 'application/json' ? 'application/json' : componentValue('content-type', request.contentType.trim());
  const target = signedTargetOf(request.url);
  const contentDigest = contentDigestHeader(request.body);
  const signatureParams = `${COMPONENT_LIST};created=${created};expires=${expires};nonce="${nonce}"${paramSuffix}`;
  const signatureBase =
    `"@method": ${method}\n"@target-uri": ${target.targetUri}\n"@authority": ${target.authority}\n` +
    `"content-type": ${contentType}\n"content-digest": ${contentDigest}\n"@signature-params": ${signatureParams}`;
  return { contentDigest, signatureParams, signatureBase };
}

/** The three profile headers from a signature base and its base64url signature. */
export function profileSignedRequest(unsigned: UnsignedProfileRequest, signatureBase64Url: string): SignedProfileRequest {
  return {
    headers: {
      'Content-Digest': unsigned.contentDigest,
      'Signature-Input': `${SIGNATURE_LABEL}=${unsigned.signatureParams}`,
      Signature: `${SIGNATURE_LABEL}=:${signatureBase64Url}:`,
    },
    signatureBase: unsigned.signatureBase,
  };
}

/** `;keyid=…;alg=…;tag=…` for a key id and algorithm. */
export function profileParamSuffix(keyId: string, alg: SignatureAlgorithm): string {
  return parameterSuffix(keyId, alg);
}

function parameterSuffix(keyId: string, alg: SignatureAlgorithm): string {
  try {
    return serializeParameters(
      new Map([
        ['keyid', keyId],
        ['alg', alg],
        ['tag', WEBHOOK_SIGNING_TAG],
      ]),
    );
  } catch {
    throw new SigningConfigError('the key id must be printable ASCII to appear in Signature-Input');
  }
}

function signerFor(alg: SignatureAlgorithm, privateKey: KeyObject): (data: Buffer) => string {
  if (alg === 'ed25519') return (data) => sign(null, data, privateKey).toString('base64url');
  const options = { key: privateKey, dsaEncoding: 'ieee-p1363' } as const;
  return (data) => {
    const signature = toLowS(sign('sha256', data, options));
    return Buffer.from(signature.buffer, signature.byteOffset, signature.byteLength).toString('base64url');
  };
}

function assertSfInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_SF_INTEGER) {
    throw new SigningConfigError(`${name} must be a non-negative integer (unix seconds)`);
  }
}

function componentValue(name: string, value: string): string {
  if (value.includes('\n') || value.includes('\r')) throw new SignatureComponentError(name, 'line_break');
  return value;
}
