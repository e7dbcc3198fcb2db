// Duplicate JSON object keys. `JSON.parse` silently keeps the last value for a repeated key, so two
// parsers can read different values from the same signed bytes (the CVE-2017-12635 class). AdCP
// requires signers to refuse such input (`duplicate_key_input`) and verifiers to reject it
// (`webhook_body_malformed`). This is a small validating scanner: it walks the text once with an
// explicit stack (no recursion, so deep nesting cannot overflow) and compares decoded key names.
import { AdcpError } from '../errors/adcp-error.js';
import { sanitizeKeyName } from './sanitize-key-name.js';

/**
 * The body is not well-formed JSON (RFC 8259). Carries the offset, never the content. Code
 * `ADCP_JSON_SYNTAX_INVALID`; a verifier reports it as `webhook_body_malformed` (security.mdx
 * "Verifier checklist for webhooks", step 14).
 */
export class JsonSyntaxError extends AdcpError<'ADCP_JSON_SYNTAX_INVALID'> {
  constructor(
    /** Offset (in UTF-16 code units of the decoded text) where parsing stopped. */
    readonly position: number,
    reason: string,
  ) {
    super('ADCP_JSON_SYNTAX_INVALID', `body is not valid JSON: ${reason} at offset ${position}`);
  }
}

/**
 * Signer-side refusal of a body with a repeated object key (security.mdx "Duplicate object keys").
 * Code `ADCP_JSON_DUPLICATE_KEY`; `specCode` is the normative wire code `duplicate_key_input`.
 */
export class DuplicateKeyInputError extends AdcpError<'ADCP_JSON_DUPLICATE_KEY'> {
  /** The AdCP error code for this refusal, as the specification spells it. */
  readonly specCode = 'duplicate_key_input';
  /** The repeated key, sanitized for logs (security.mdx step 14b). */
  readonly duplicateKey: string;
  constructor(key: string) {
    const safe = sanitizeKeyName(key);
    super('ADCP_JSON_DUPLICATE_KEY', `duplicate_key_input: the JSON body repeats the object key "${safe}"`);
    this.duplicateKey = safe;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Widenings of strict RFC 8259 for byte-signed schemes; by default the scan is strict. */
export interface DuplicateKeyScanOptions {
  /** A text holding no JSON value (empty, or JSON whitespace only) has no keys to repeat: accept it. */
  readonly allowNoValue?: boolean;
  /**
   * Read raw control characters (U+0000–U+001F) inside strings as themselves. Such a character
   * never ends a string or starts an escape, so every parser that accepts it sees the same keys.
   */
  readonly allowControlCharactersInStrings?: boolean;
}

/**
 * The legacy HMAC-SHA256 scheme signs the raw body bytes and defines no JSON form of its own, so
 * an empty body and a raw control character inside a string (both among the published vectors) are
 * signed and verified; a repeated object key is still refused (building/by-layer/L1/security.mdx —
 * Legacy HMAC-SHA256 fallback, "Byte-equality invariant" and "Duplicate object keys").
 */
export const LEGACY_HMAC_BODY_SCAN: DuplicateKeyScanOptions = Object.freeze({
  allowNoValue: true,
  allowControlCharactersInStrings: true,
});

const STRICT_SCAN: DuplicateKeyScanOptions = Object.freeze({});

/**
 * The first object key that appears twice in the same object (decoded, so `"a"` and `"\u0061"`
 * collide), or `undefined` when there is none. Throws `JsonSyntaxError` on malformed JSON (strict
 * RFC 8259 unless `options` widen it).
 */
export function findDuplicateJsonKey(json: Uint8Array | string, options: DuplicateKeyScanOptions = STRICT_SCAN): string | undefined {
  return new Scanner(typeof json === 'string' ? json : decodeUtf8(json), options).findDuplicate();
}

/** Throws `DuplicateKeyInputError` (spec code `duplicate_key_input`) when the body repeats a key. */
export function assertNoDuplicateKeys(json: Uint8Array | string, options: DuplicateKeyScanOptions = STRICT_SCAN): void {
  const duplicate = findDuplicateJsonKey(json, options);
  if (duplicate !== undefined) throw new DuplicateKeyInputError(duplicate);
}

/** True when the body is well-formed JSON with no repeated object key (verifier step 14). */
export function isUnambiguousJson(json: Uint8Array | string, options: DuplicateKeyScanOptions = STRICT_SCAN): boolean {
  try {
    return findDuplicateJsonKey(json, options) === undefined;
  } catch {
    return false;
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new JsonSyntaxError(0, 'invalid UTF-8');
  }
}

type Container = Set<string> | 'array';
type Step = 'value' | 'after' | 'done' | { readonly duplicate: string };

const enum Char {
  Tab = 0x09,
  Newline = 0x0a,
  Return = 0x0d,
  Space = 0x20,
  Quote = 0x22,
  Comma = 0x2c,
  Minus = 0x2d,
  Dot = 0x2e,
  Zero = 0x30,
  Nine = 0x39,
  Colon = 0x3a,
  OpenBracket = 0x5b,
  Backslash = 0x5c,
  CloseBracket = 0x5d,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
}

class Scanner {
  private pos = 0;
  private readonly stack: Container[] = [];

  constructor(
    private readonly text: string,
    private readonly options: DuplicateKeyScanOptions,
  ) {}

  findDuplicate(): string | undefined {
    this.skipWhitespace();
    if (this.pos === this.text.length && this.options.allowNoValue === true) return undefined;
    let step: Step = 'value';
    for (;;) {
      if (step === 'value') step = this.startValue();
      else if (step === 'after') step = this.afterValue();
      else if (step === 'done') return undefined;
      else return step.duplicate;
    }
  }

  /** Reads a scalar, or opens an object/array and positions on its first member. */
  private startValue(): Step {
    const c = this.text.charCodeAt(this.pos);
    if (c === Char.OpenBrace || c === Char.OpenBracket) {
      this.pos++;
      this.skipWhitespace();
      const container: Container = c === Char.OpenBrace ? new Set<string>() : 'array';
      this.stack.push(container);
      const close = container === 'array' ? Char.CloseBracket : Char.CloseBrace;
      if (this.text.charCodeAt(this.pos) === close) return 'after';
      return container === 'array' ? 'value' : this.readMemberKey(container);
    }
    this.readScalar();
    return 'after';
  }

  /** After a value: closes finished containers, then moves to the next member or the end. */
  private afterValue(): Step {
    for (;;) {
      this.skipWhitespace();
      const top = this.stack[this.stack.length - 1];
      if (top === undefined) {
        if (this.pos !== this.text.length) this.fail('unexpected data after the top-level value');
        return 'done';
      }
      const c = this.text.charCodeAt(this.pos);
      const close = top === 'array' ? Char.CloseBracket : Char.CloseBrace;
      if (c === close) {
        this.pos++;
        this.stack.pop();
        continue;
      }
      if (c !== Char.Comma) this.fail(top === 'array' ? "expected ',' or ']'" : "expected ',' or '}'");
      this.pos++;
      this.skipWhitespace();
      return top === 'array' ? 'value' : this.readMemberKey(top);
    }
  }

  /** Reads `"key" :` and records the key; a key already in this object ends the scan. */
  private readMemberKey(keys: Set<string>): Step {
    if (this.text.charCodeAt(this.pos) !== Char.Quote) this.fail('expected an object key');
    const key = this.readString();
    if (keys.has(key)) return { duplicate: key };
    keys.add(key);
    this.skipWhitespace();
    if (this.text.charCodeAt(this.pos) !== Char.Colon) this.fail("expected ':'");
    this.pos++;
    this.skipWhitespace();
    return 'value';
  }

  private readScalar(): void {
    const c = this.text.charCodeAt(this.pos);
    if (c === Char.Quote) this.readString();
    else if (c === Char.Minus || (c >= Char.Zero && c <= Char.Nine)) this.readNumber();
    else if (!this.readLiteral('true') && !this.readLiteral('false') && !this.readLiteral('null')) {
      this.fail(Number.isNaN(c) ? 'unexpected end of input' : 'unexpected character');
    }
  }

  private readLiteral(word: string): boolean {
    if (!this.text.startsWith(word, this.pos)) return false;
    this.pos += word.length;
    return true;
  }

  private readNumber(): void {
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.pos;
    if (!match.test(this.text)) this.fail('malformed number');
    this.pos = match.lastIndex;
  }

  /** Reads a string token starting at the opening quote and returns its decoded value. */
  private readString(): string {
    this.pos++;
    let out = '';
    let runStart = this.pos;
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === Char.Quote) {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (c < Char.Space && this.options.allowControlCharactersInStrings !== true) this.fail('control character in string');
      if (c === Char.Backslash) {
        out += this.text.slice(runStart, this.pos);
        out += this.readEscape();
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private readEscape(): string {
    const c = this.text[this.pos + 1];
    this.pos += 2;
    switch (c) {
      case '"':
      case '\\':
      case '/':
        return c;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('malformed \\u escape');
        this.pos += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      default:
        this.pos -= 2;
        return this.fail('malformed escape');
    }
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== Char.Space && c !== Char.Tab && c !== Char.Newline && c !== Char.Return) return;
      this.pos++;
    }
  }

  private fail(reason: string): never {
    throw new JsonSyntaxError(this.pos, reason);
  }
}
