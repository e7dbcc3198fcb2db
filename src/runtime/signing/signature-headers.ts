// Parsing of the received `Signature-Input`, `Signature` and `Content-Digest` headers.
//
// `Signature-Input` is parsed with `structured-headers` (RFC 8941). Two profile rules need more than
// an RFC 8941 parser gives: a duplicated parameter (`tag` twice) must be rejected, whereas RFC 8941
// keeps the last one; so the raw member is also scanned for repeated parameter names.
// `Signature` and `Content-Digest` carry sf-binary values in the AdCP alphabet override (base64url),
// which RFC 8941 parsers refuse; their members are split here and decoded by `decodeBinaryToken`.
import { parseDictionary, parseItem, serializeInnerList, type BareItem, type InnerList } from 'structured-headers';
import { decodeBinaryToken, type BinaryDecodeResult } from './base64.js';

export interface ParsedSignatureInput {
  readonly components: readonly string[];
  /** Parameter values as RFC 8941 parsed them (string, number, boolean, token, bytes). */
  readonly params: ReadonlyMap<string, unknown>;
  /** RFC 8941 serialization of the member: the `@signature-params` value of the base. */
  readonly serialized: string;
}

/** The named member of `Signature-Input`, or undefined when the header or member is malformed/absent. */
export function parseSignatureInputMember(header: string, label: string): ParsedSignatureInput | undefined {
  let dictionary;
  try {
    dictionary = parseDictionary(header);
  } catch {
    return undefined;
  }
  const member = dictionary.get(label);
  if (member === undefined || !Array.isArray(member[0])) return undefined;
  const rawMembers = splitMembers(header).filter((entry) => entry.key === label);
  if (rawMembers.length !== 1 || hasRepeatedParameter(rawMembers[0]?.value ?? '')) return undefined;
  const innerList = member as InnerList;
  const components: string[] = [];
  for (const [name, itemParams] of innerList[0]) {
    if (typeof name !== 'string' || itemParams.size > 0 || components.includes(name)) return undefined;
    components.push(name);
  }
  return { components, params: innerList[1], serialized: serializeInnerList(innerList) };
}

/** The named member of a dictionary of sf-binary values (`Signature`, `Content-Digest`), decoded. */
export function parseBinaryMember(header: string, key: string): BinaryDecodeResult | undefined {
  const members = splitMembers(header).filter((entry) => entry.key === key);
  if (members.length !== 1) return members.length === 0 ? undefined : { ok: false, reason: 'invalid' };
  const match = /^:([^:]*):(.*)$/s.exec(members[0]?.value ?? '');
  if (match === null || !parametersAreWellFormed(match[2] ?? '')) return { ok: false, reason: 'invalid' };
  return decodeBinaryToken(match[1] ?? '');
}

interface RawMember {
  readonly key: string;
  /** Text after `key=`, or '' for a bare key. */
  readonly value: string;
}

/** Splits a dictionary at top-level commas (commas inside sf-strings are skipped). */
function splitMembers(header: string): RawMember[] {
  return splitOutsideStrings(header, ',').map((part) => {
    const text = part.trim();
    const eq = text.indexOf('=');
    return eq === -1 ? { key: text, value: '' } : { key: text.slice(0, eq), value: text.slice(eq + 1) };
  });
}

/** True when an inner-list member repeats one of its own parameters (after the closing paren). */
function hasRepeatedParameter(memberValue: string): boolean {
  const close = indexOutsideStrings(memberValue, ')');
  if (close === -1) return true;
  const names = splitOutsideStrings(memberValue.slice(close + 1), ';')
    .slice(1)
    .map((param) => param.split('=')[0]?.trim() ?? '');
  return new Set(names).size !== names.length;
}

function parametersAreWellFormed(params: string): boolean {
  if (params.trim() === '') return true;
  try {
    parseItem(`?1${params}`);
    return true;
  } catch {
    return false;
  }
}

function splitOutsideStrings(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let index = indexOutsideStrings(text, separator);
  while (index !== -1) {
    parts.push(text.slice(start, index));
    start = index + 1;
    index = indexOutsideStrings(text, separator, start);
  }
  parts.push(text.slice(start));
  return parts;
}

function indexOutsideStrings(text: string, char: string, from = 0): number {
  let inString = false;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === char) return i;
  }
  return -1;
}
