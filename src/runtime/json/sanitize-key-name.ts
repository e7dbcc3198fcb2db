// Key names in a rejected body are attacker-controlled bytes. Before one reaches a log line or an
// error message it is sanitized per security.mdx "Verifier checklist for webhooks" step 14b:
// (a) a name holding any non-printable code point becomes `<sanitized:N>` (N = UTF-8 byte length of
// the prefix before it), (b) the rest is cut to at most 32 UTF-8 bytes on a code-point boundary.

const MAX_KEY_BYTES = 32;

// Controls (C0, DEL, C1), format characters (bidi controls and isolates, zero-width characters,
// BOM), line/paragraph separators and lone surrogates. A superset of the spec's minimum list.
const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

export function sanitizeKeyName(key: string): string {
  const bad = NON_PRINTABLE.exec(key);
  if (bad !== null) return `<sanitized:${utf8Length(key.slice(0, bad.index))}>`;
  return truncateUtf8(key, MAX_KEY_BYTES);
}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function truncateUtf8(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const codePoint of text) {
    const size = utf8Length(codePoint);
    if (bytes + size > maxBytes) break;
    out += codePoint;
    bytes += size;
  }
  return out;
}
