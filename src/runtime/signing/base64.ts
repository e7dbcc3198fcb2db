// Binary values in the AdCP 9421 profile (`Signature`, `Content-Digest`): signers emit base64url
// without padding; verifiers also accept pure standard base64 (with or without padding) and MUST
// reject a token that mixes the two alphabets (security.mdx "Binary value encoding").

export type BinaryDecodeResult =
  | { readonly ok: true; readonly bytes: Uint8Array }
  | { readonly ok: false; readonly reason: 'mixed_alphabet' | 'invalid' };

export function base64UrlEncode(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes base64url-no-padding or pure standard base64; rejects mixed alphabets and bad tokens. */
export function decodeBinaryToken(token: string): BinaryDecodeResult {
  const standard = /[+/=]/.test(token);
  const urlSafe = /[-_]/.test(token);
  if (standard && urlSafe) return { ok: false, reason: 'mixed_alphabet' };
  const unpadded = token.replace(/={1,2}$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return decodeBase64UrlStrict(unpadded);
}

/** Strict base64url without padding: only the url alphabet, canonical trailing bits. */
export function decodeBase64UrlStrict(text: string): BinaryDecodeResult {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return { ok: false, reason: 'invalid' };
  const bytes = Buffer.from(text, 'base64url');
  // Non-canonical encodings (stray low bits in the last character) would give one value two spellings.
  if (bytes.toString('base64url') !== text) return { ok: false, reason: 'invalid' };
  return { ok: true, bytes: new Uint8Array(bytes) };
}
