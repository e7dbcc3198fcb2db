// One walk over every schema node of a file: fails on a keyword the generator does not know and
// collects the file's `$ref`s (for the closure loader).
import { isJsonObject, type JsonValue } from './json.js';
import { isKnownKeyword, unknownKeywordError } from './keywords.js';
import { forEachSubschema } from './schema-walk.js';

export interface RefSite {
  readonly ref: string;
  /** JSON pointer of the node holding the `$ref` */
  readonly pointer: string;
}

export function scanSchema(schema: JsonValue, displayFile: string): RefSite[] {
  const refs: RefSite[] = [];
  const visit = (node: JsonValue, pointer: string): void => {
    if (!isJsonObject(node)) return;
    for (const keyword of Object.keys(node)) {
      if (!isKnownKeyword(keyword)) throw unknownKeywordError(keyword, pointer, displayFile);
    }
    const ref = node['$ref'];
    if (typeof ref === 'string') refs.push({ ref, pointer });
    forEachSubschema(node, (child, at) => visit(child, pointer + at));
  };
  visit(schema, '');
  return refs;
}
