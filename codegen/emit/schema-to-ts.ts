// Runs json-schema-to-typescript over a root built from the shared schema graph, and checks that
// it declared exactly the names the naming stage assigned (never a numbered `Foo1` copy).
import type { JSONSchema4 } from 'json-schema';
import type { JsonObject } from '../load/json.js';
import type { Libraries } from './libraries.js';

/**
 * `maxItems: -1`: never expand minItems/maxItems into tuple unions (a 1..20 array would otherwise
 * become 20 tuple types); minItems still yields `[T, ...T[]]`. `additionalProperties: false`: an
 * object is closed unless its schema says otherwise (the type-shaping stage decides which objects stay
 * open, see closeOrKeepOpen in codegen/transform/shape-for-types.ts). `unknownAny`: `unknown`, never `any`.
 * `unreachableDefinitions`: declares the root's `definitions` (only the root keeps any).
 */
const OPTIONS = {
  bannerComment: '',
  format: false,
  maxItems: -1,
  additionalProperties: false,
  unknownAny: true,
  declareExternallyReferenced: true,
  unreachableDefinitions: true,
  strictIndexSignatures: false,
} as const;

export async function compileDeclarations(libs: Libraries, root: JsonObject, expectedNames: ReadonlySet<string>): Promise<string> {
  const source = libs.compileSchema(root as JSONSchema4, String(root['title']), OPTIONS);
  for (const match of source.matchAll(/^export (?:declare )?(?:type|interface|enum|const enum) ([A-Za-z0-9_$]+)/gm)) {
    if (!expectedNames.has(match[1]!)) {
      throw new Error(`codegen: json-schema-to-typescript declared unexpected type ${match[1]} (compiling ${String(root['title'])})`);
    }
  }
  return source;
}
