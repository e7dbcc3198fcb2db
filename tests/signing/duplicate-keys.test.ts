import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertNoDuplicateKeys,
  DuplicateKeyInputError,
  findDuplicateJsonKey,
  isUnambiguousJson,
  JsonSyntaxError,
} from '../../src/runtime/json/duplicate-keys.js';
import { sanitizeKeyName } from '../../src/runtime/json/sanitize-key-name.js';

function parsesWithJsonParse(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function scannerAccepts(text: string): boolean {
  try {
    findDuplicateJsonKey(text);
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(JsonSyntaxError);
    return false;
  }
}

describe('findDuplicateJsonKey', () => {
  it.each([
    ['top-level', '{"event":"x","status":"approved","status":"rejected"}', 'status'],
    ['deep nested', '{"a":{"b":{"c":1,"c":2}}}', 'c'],
    ['inside an array', '{"items":[{"id":1},{"id":2,"id":3}]}', 'id'],
    ['three deep in arrays', '[[[{"k":1,"k":1}]]]', 'k'],
    ['same key via a \\u escape', '{"a":1,"\\u0061":2}', 'a'],
    ['escaped quote in key', '{"a\\"b":1,"a\\u0022b":2}', 'a"b'],
    ['with whitespace', '{ "a" : 1 ,\n\t"a" : 2 }', 'a'],
  ])('finds the duplicate: %s', (_name, json, key) => {
    expect(findDuplicateJsonKey(json)).toBe(key);
  });

  it.each([
    ['clean envelope', '{"idempotency_key":"whk_1","task_id":"t","status":"completed","result":{"media_buy_id":"mb"}}'],
    ['same key in sibling objects', '{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":{"a":{"a":{}}}}'],
    ['scalars', '"a"'],
    ['empty containers', '{"a":{},"b":[],"c":[{}]}'],
    ['numbers and literals', '[0,-1,1.5e+3,2E-2,true,false,null]'],
  ])('finds none in %s', (_name, json) => {
    expect(findDuplicateJsonKey(json)).toBeUndefined();
  });

  it('reads UTF-8 bytes and rejects invalid UTF-8', () => {
    expect(findDuplicateJsonKey(new TextEncoder().encode('{"é":1,"\\u00e9":2}'))).toBe('é');
    expect(() => findDuplicateJsonKey(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]))).toThrow(JsonSyntaxError);
  });

  it.each([
    '',
    ' ',
    '{"a":1,}',
    '[1,]',
    '{"a" 1}',
    '{"a":1}x',
    '{a:1}',
    '{"a":"\u0001"}',
    '01',
    '1.',
    '-',
    '"\\x"',
    '"\\u12g4"',
    'tru',
    '\uFEFF{}',
    '{"a":1',
    '["a"',
    "{'a':1}",
  ])('rejects malformed JSON %j with a JsonSyntaxError', (text) => {
    expect(() => findDuplicateJsonKey(text)).toThrow(JsonSyntaxError);
    expect(parsesWithJsonParse(text)).toBe(false);
  });

  it('handles very deep nesting without recursion', () => {
    const depth = 200_000;
    expect(findDuplicateJsonKey(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toBeUndefined();
    expect(findDuplicateJsonKey(`${'{"a":'.repeat(depth)}{"x":1,"x":2}${'}'.repeat(depth)}`)).toBe('x');
  });

  it('agrees with JSON.parse on validity for any serialized JSON value (no duplicates possible)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(findDuplicateJsonKey(text)).toBeUndefined();
      }),
    );
  });

  it('agrees with JSON.parse on validity for arbitrary near-JSON text', () => {
    const jsonish = fc.stringMatching(/^[\s{}[\]",:0-9eE.+\-a-z\\]{0,24}$/);
    fc.assert(
      fc.property(jsonish, (text) => {
        expect(scannerAccepts(text)).toBe(parsesWithJsonParse(text));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('assertNoDuplicateKeys / isUnambiguousJson', () => {
  it('throws DuplicateKeyInputError with the normative code', () => {
    let caught: unknown;
    try {
      assertNoDuplicateKeys('{"status":"approved","status":"rejected"}');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DuplicateKeyInputError);
    expect((caught as DuplicateKeyInputError).code).toBe('ADCP_JSON_DUPLICATE_KEY');
    expect((caught as DuplicateKeyInputError).specCode).toBe('duplicate_key_input');
    expect((caught as DuplicateKeyInputError).duplicateKey).toBe('status');
    expect((caught as Error).message).toContain('duplicate_key_input');
  });

  it('passes clean bodies and reports ambiguity as a boolean', () => {
    expect(() => assertNoDuplicateKeys('{"a":1}')).not.toThrow();
    expect(isUnambiguousJson('{"a":1}')).toBe(true);
    expect(isUnambiguousJson('{"a":1,"a":1}')).toBe(false);
    expect(isUnambiguousJson('not json')).toBe(false);
  });

  it('sanitizes attacker-controlled key names in the error', () => {
    const error = (() => {
      try {
        assertNoDuplicateKeys('{"ok\\u202Eevil":1,"ok\\u202Eevil":2}');
      } catch (caught) {
        return caught as DuplicateKeyInputError;
      }
      throw new Error('expected a throw');
    })();
    expect(error.duplicateKey).toBe('<sanitized:2>');
    expect(error.message).not.toContain('\u202E');
  });
});

describe('sanitizeKeyName (security.mdx step 14b)', () => {
  it.each([
    ['plain', 'status', 'status'],
    ['C0 control', 'a\u0000b', '<sanitized:1>'],
    ['DEL', 'ab\u007f', '<sanitized:2>'],
    ['C1 control', 'é\u0085', '<sanitized:2>'],
    ['bidi override', '\u202Eabc', '<sanitized:0>'],
    ['bidi isolate', 'x\u2066', '<sanitized:1>'],
    ['line separator', 'a\u2028b', '<sanitized:1>'],
    ['zero-width space', 'a\u200Bb', '<sanitized:1>'],
    ['BOM', '\uFEFF', '<sanitized:0>'],
    ['lone surrogate', 'a\uD800', '<sanitized:1>'],
  ])('%s', (_name, key, expected) => {
    expect(sanitizeKeyName(key)).toBe(expected);
  });

  it('truncates to 32 bytes on a code point boundary', () => {
    expect(sanitizeKeyName('x'.repeat(40))).toBe('x'.repeat(32));
    const multibyte = 'é'.repeat(20); // 2 bytes each
    expect(sanitizeKeyName(multibyte)).toBe('é'.repeat(16));
    const withEmoji = `${'a'.repeat(30)}😀`; // 30 + 4 bytes: the emoji does not fit
    expect(sanitizeKeyName(withEmoji)).toBe('a'.repeat(30));
  });
});
