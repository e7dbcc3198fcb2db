// Which draft-07 keywords hold subschemas, and a walker over them. Values of every other keyword
// are data (enum, const, default, examples, annotations) and are never walked as schemas.
import { escapePointerToken, isJsonObject, type JsonObject, type JsonValue } from './json.js';

/** Keywords whose value is a single subschema. */
const SINGLE_SUBSCHEMA: ReadonlySet<string> = new Set(['additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else']);
/** Keywords whose value maps names to subschemas. */
export const SUBSCHEMA_MAPS: ReadonlySet<string> = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);
/** Keywords whose value is an array of subschemas. */
const SUBSCHEMA_ARRAYS: ReadonlySet<string> = new Set(['allOf', 'anyOf', 'oneOf']);

export type SubschemaVisitor = (child: JsonValue, pointer: string) => void;

/** Calls `visit` for each direct subschema of `node` with its JSON pointer (relative to `node`). */
export function forEachSubschema(node: JsonObject, visit: SubschemaVisitor): void {
  for (const [keyword, value] of Object.entries(node)) {
    forEachSubschemaOfKeyword(keyword, value, visit);
  }
}

export function forEachSubschemaOfKeyword(keyword: string, value: JsonValue, visit: SubschemaVisitor): void {
  if (!holdsSubschemas(keyword)) return;
  const at = `/${escapePointerToken(keyword)}`;
  if (SINGLE_SUBSCHEMA.has(keyword)) {
    visit(value, at);
  } else if (Array.isArray(value)) {
    value.forEach((child, index) => visit(child, `${at}/${index}`));
  } else if (SUBSCHEMA_MAPS.has(keyword) && isJsonObject(value)) {
    for (const [name, child] of Object.entries(value)) {
      // `dependencies` mixes subschemas with property-name arrays; arrays are data.
      if (!Array.isArray(child)) visit(child, `${at}/${escapePointerToken(name)}`);
    }
  } else if (keyword === 'items') {
    visit(value, at);
  }
}

/** True when `keyword`'s value holds subschemas (so transforms must recurse into it). */
export function holdsSubschemas(keyword: string): boolean {
  return (
    SINGLE_SUBSCHEMA.has(keyword) ||
    SUBSCHEMA_MAPS.has(keyword) ||
    SUBSCHEMA_ARRAYS.has(keyword) ||
    keyword === 'items'
  );
}
