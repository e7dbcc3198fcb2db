// THE list of schema keywords the generator accepts. Anything else in a schema it reads fails
// generation, naming the keyword and the file: a new keyword may change what instances validate
// against, so a human decides (and documents here) before the generator trusts it.
import { CodegenError } from '../errors.js';

/** Draft-07 core, validation and annotation keywords (plus `$defs`, draft-07's later spelling of `definitions`). */
const DRAFT_07_KEYWORDS: readonly string[] = [
  '$schema', '$id', '$ref', '$comment', '$defs', 'definitions',
  'title', 'description', 'default', 'readOnly', 'writeOnly',
  'type', 'enum', 'const', 'format', 'contentMediaType', 'contentEncoding',
  'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern',
  'items', 'additionalItems', 'maxItems', 'minItems', 'uniqueItems', 'contains',
  'maxProperties', 'minProperties', 'required', 'properties', 'patternProperties', 'additionalProperties',
  'dependencies', 'propertyNames',
  'if', 'then', 'else', 'allOf', 'anyOf', 'oneOf', 'not',
];

/**
 * Non-standard keywords found in the AdCP schemas (3.0.26, 3.1.19, 3.2.0-beta.5), each with why it is
 * safe. All are annotations: none changes which instances are valid, so the validator stage strips
 * them and the type stage reads only `deprecated` (→ `@deprecated`) and `enumDescriptions` (→ JSDoc).
 */
export const NON_STANDARD_KEYWORDS: Readonly<Record<string, string>> = {
  examples: 'draft-07 annotation, but AdCP items are {description, data} objects rather than instances; never validated',
  deprecated: 'JSON Schema 2019-09 annotation; emitted as @deprecated',
  enumDescriptions: 'per-member documentation of an enum; emitted as JSDoc',
  notes: 'free-text notes on an enum schema',
  'x-entity': 'names the entity an identifier refers to (e.g. "task")',
  'x-task-result-schema-overrides': '3.2 task-type → terminal result schema overrides; read by the result-map model',
  discriminator: 'OpenAPI-style hint naming the property that selects a oneOf branch',
  enumMetadata: 'structured per-member metadata of an enum (recovery hints)',
  'x-accessibility': 'marks accessibility-related asset fields',
  'x-adcp-hoist': 'tooling hint for SDK generators',
  'x-adcp-open-payload': 'marks an intentionally open object payload',
  'x-adcp-schema-uri': 'documents the schema a string/ref site stands for',
  'x-adcp-validation': 'prose cross-field rules checked by conformance tooling, not by JSON Schema',
  'x-canonical-policy-required-params-not-enforced': 'prose policy note on canonical format schemas',
  'x-compatibility-projection-only': 'marks a field kept only as a compatibility projection',
  'x-deprecated-enum-values': 'lists enum members kept for backward compatibility',
  'x-deprecated-enum-values-doc': 'prose for x-deprecated-enum-values',
  'x-added-in': 'release that added the field (annotation, 3.2)',
  'x-deprecated-in': 'version that deprecated the schema',
  'x-removed-in': 'version that will remove the field',
  'x-enum-descriptions': 'alternative spelling of enumDescriptions used by one enum',
  'x-extensible': 'marks an enum whose vocabulary may grow',
  'x-pattern': 'documents the pattern future members of an extensible enum follow',
  'x-status': 'stability marker such as "experimental"',
};

const KNOWN = new Set<string>([...DRAFT_07_KEYWORDS, ...Object.keys(NON_STANDARD_KEYWORDS)]);

export function isNonStandardKeyword(keyword: string): boolean {
  return Object.hasOwn(NON_STANDARD_KEYWORDS, keyword);
}

export function isKnownKeyword(keyword: string): boolean {
  return KNOWN.has(keyword);
}

/** The error for a keyword in neither list. */
export function unknownKeywordError(keyword: string, pointer: string, displayFile: string): CodegenError {
  return new CodegenError(
    `unknown schema keyword "${keyword}" at #${pointer} (declare it in codegen/load/keywords.ts once you know it does not change validation)`,
    displayFile,
  );
}
