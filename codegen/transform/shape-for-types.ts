// The schema-transform stage in front of json-schema-to-typescript. Each rule turns a schema shape
// the tool (or tsc) handles badly into one it handles well. Every rule either re-expresses the
// schema exactly or WIDENS the type (drops a constraint TypeScript cannot state); none narrows it,
// so every schema-valid instance still type-checks.
import { isNonStandardKeyword } from '../load/keywords.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../load/json.js';
import type { GraphHooks } from './schema-graph.js';

/**
 * Keywords dropped before type generation:
 * - `if`/`then`/`else`, `dependencies`, `contains`, `propertyNames`: TypeScript has no
 *   conditional-on-value types (`not` is read, then dropped, by excludeForbiddenProperties); json-schema-to-typescript ignores or mistypes them
 *   (an `allOf` member holding only `if`/`then` became `{[k: string]: unknown}`). Dropping widens.
 * - `$id`, `$schema`, `$comment`, `definitions`/`$defs`, `examples`: refs are already resolved into
 *   the shared graph; a leftover `$id` would make the tool name types after URLs.
 * - value constraints json-schema-to-typescript does not turn into types (`pattern`, `format`, bounds,
 *   ...). A node holding only such constraints would otherwise become `{[k: string]: unknown}`, e.g.
 *   ForecastPoint's `coverage_rate: allOf[ForecastRange, {properties: {mid: {maximum: 1}}}]` typed
 *   `mid` as `number & {[k: string]: unknown}`, rejecting every number; dropped, it is `unknown` (exact:
 *   an untyped schema accepts any value) and the intersection keeps `number`.
 * - non-standard annotations except `deprecated` (kept: it becomes `@deprecated`).
 */
const DROPPED = new Set([
  '$id', '$schema', '$comment', 'definitions', '$defs', 'examples',
  'if', 'then', 'else', 'dependencies', 'contains', 'propertyNames',
  'pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
  'minLength', 'maxLength', 'uniqueItems', 'readOnly', 'writeOnly', 'contentMediaType', 'contentEncoding',
]);

/** Keywords a `$ref` site keeps next to the shared target (its own documentation). */
const REF_SITE_SIBLINGS = new Set(['description', 'deprecated']);

/** Keywords that only constrain which properties are present: TypeScript cannot state them structurally. */
const PRESENCE_ONLY = new Set(['required', 'minProperties', 'maxProperties', 'title', 'description']);

export const typeShapingHooks: Omit<GraphHooks, 'substitute'> = {
  keepKeyword: (keyword) => !DROPPED.has(keyword) && (keyword === 'deprecated' || !isNonStandardKeyword(keyword)),
  refSite: (target, siblings) => {
    // A `$ref` with sibling `description`/`deprecated` becomes `allOf: [target]` plus the siblings, so the
    // property keeps its own JSDoc while the target stays ONE shared declaration (the tool's own ref
    // parser would copy the target and emit it again as `Foo1`). Other siblings are dropped: draft-07
    // ignores keywords beside `$ref`, and a sibling `title` (a label, e.g. in async-response-data) would
    // only declare a needless alias.
    const kept = Object.entries(siblings).filter(([keyword]) => REF_SITE_SIBLINGS.has(keyword));
    return kept.length === 0 ? target : { allOf: [target], ...Object.fromEntries(kept) };
  },
  finish: (node) => {
    excludeForbiddenProperties(node);
    closeOrKeepOpen(node);
    dropVacuousAllOfMembers(node);
    for (const combinator of ['anyOf', 'oneOf'] as const) reshapePresenceBranches(node, combinator);
    closePresenceBranches(node);
    return splitMixedNode(node);
  },
};

/** Keywords that give a schema a TypeScript shape of its own (beside allOf/anyOf/oneOf). */
const SHAPING = ['type', 'properties', 'patternProperties', 'items', 'enum', 'const', 'tsType'];
/** Keywords describing the declaration itself; they stay on the outer node when it is split. */
const OUTER = ['title', 'description', 'deprecated'];
const COMBINATORS = ['allOf', 'anyOf', 'oneOf'];

/**
 * A node mixing shapes (e.g. `properties` + `anyOf`, or `allOf` + `oneOf`) becomes
 * `allOf: [own shape, ...allOf members, {anyOf}, {oneOf}]` (exact). json-schema-to-typescript parses a
 * mixed node as an intersection and, when the node is shared, appends that intersection's members
 * again on every reference (ForecastRange came out with its three members repeated per use, until
 * tsc gave up with TS2590). Nodes with a single shape are parsed once and cached.
 */
function splitMixedNode(node: JsonObject): JsonObject {
  const combinators = COMBINATORS.filter((keyword) => Array.isArray(node[keyword]));
  const hasOwnShape = SHAPING.some((keyword) => keyword in node);
  if (combinators.length === 0 || (combinators.length === 1 && !hasOwnShape)) return node;
  const outer: JsonObject = {};
  const own: JsonObject = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (OUTER.includes(keyword)) outer[keyword] = value;
    else if (!COMBINATORS.includes(keyword)) own[keyword] = value;
  }
  const members: JsonValue[] = hasOwnShape ? [own] : [];
  if (Array.isArray(node['allOf'])) members.push(...node['allOf']);
  if (Array.isArray(node['anyOf'])) members.push({ anyOf: node['anyOf'] });
  if (Array.isArray(node['oneOf'])) members.push({ oneOf: node['oneOf'] });
  return { ...outer, allOf: members };
}

/**
 * Object types are closed where they have a shape of their own and open where they are a map.
 * Schemas mark nearly every object `additionalProperties: true` so that readers tolerate fields from
 * newer releases; the validators keep that (they compile the schemas as published). The types close
 * such objects, so an object literal a seller writes with a misspelled or unknown field fails
 * compilation, while a received payload typed through a validator keeps every field it carries at run
 * time (TypeScript checks excess properties on literals only). This rule narrows: it is the one
 * deliberate exception to "every schema-valid instance type-checks", and only for object literals.
 * - a node with `properties` or a combinator: `additionalProperties` removed, so the compiler default
 *   (closed) applies; an index signature in an intersection would accept any property;
 * - a node without either (a free-form object, or an extension point such as `core/ext.json`): open;
 * - `additionalProperties: {schema}` (a typed map): kept as written.
 */
function closeOrKeepOpen(node: JsonObject): void {
  if (isJsonObject(node['additionalProperties'])) return;
  const shaped = isJsonObject(node['properties']) || COMBINATORS.some((keyword) => Array.isArray(node[keyword]));
  if (shaped) delete node['additionalProperties'];
  else if (node['type'] === 'object' || node['additionalProperties'] === true) node['additionalProperties'] = true;
}

/**
 * `not: {required: [x]}` (or `not: {anyOf: [{required: [x]}, …]}`) beside `properties` says `x` is
 * absent: re-expressed as `x?: never` (exact). On a union of branches, e.g. create_media_buy's
 * success / error / submitted responses, reading `result.media_buy_id` then compiles as
 * `string | undefined`, and a literal mixing two branches fails. Any other `not` is dropped (widening).
 */
function excludeForbiddenProperties(node: JsonObject): void {
  const forbidden = node['not'];
  delete node['not'];
  const properties = node['properties'];
  if (!isJsonObject(properties) || !isJsonObject(forbidden)) return;
  for (const name of forbiddenNames(forbidden)) {
    if (!(name in properties)) properties[name] = { tsType: 'never' };
  }
}

function forbiddenNames(schema: JsonObject): string[] {
  const alternatives = Array.isArray(schema['anyOf']) && Object.keys(schema).length === 1 ? schema['anyOf'] : [schema];
  return alternatives.flatMap((alternative) => {
    if (!isJsonObject(alternative) || !onlyRequiresPresence(alternative)) return [];
    const required = alternative['required'];
    return Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : [];
  });
}

/**
 * A schema that only says which properties are present, also after this stage's own rewrites of its
 * presence branches (`additionalProperties: false`, or `type: object` with untyped `properties`).
 */
function onlyRequiresPresence(schema: JsonObject): boolean {
  return Object.entries(schema).every(([keyword, value]) => {
    if (keyword === 'required' || keyword === 'additionalProperties') return true;
    if (keyword === 'type') return value === 'object';
    if (keyword === 'properties') return isJsonObject(value) && Object.values(value).every((property) => isJsonObject(property) && Object.keys(property).length === 0);
    return false;
  });
}

/**
 * Presence branches left in place (their combinator also holds a branch of another kind, e.g. Image's
 * size-mode `oneOf` whose "responsive" branch is an `anyOf`) add nothing TypeScript can state; closed,
 * they become `{}` instead of an index signature that would accept any property in the intersection.
 */
function closePresenceBranches(node: JsonObject): void {
  for (const combinator of COMBINATORS) {
    const branches = node[combinator];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      if (isPresenceOnly(branch)) (branch as JsonObject)['additionalProperties'] = false;
    }
  }
}

/** `allOf` members left empty by the keyword drops constrain nothing: removed (exact). */
function dropVacuousAllOfMembers(node: JsonObject): void {
  const members = node['allOf'];
  if (!Array.isArray(members)) return;
  const kept = members.filter((member) => !(isJsonObject(member) && Object.keys(member).length === 0));
  if (kept.length === 0) delete node['allOf'];
  else node['allOf'] = kept;
}

/**
 * anyOf/oneOf branches that only say which properties must be present (`{required: [...]}`, e.g.
 * ForecastRange's "mid, or low and high"). json-schema-to-typescript turns each into a bare
 * `{[k: string]: unknown}` and, where the node also has `properties`, repeats the intersection until
 * tsc fails with TS2590 ("union type too complex"). Rewritten into object branches that require those
 * properties with their declared types (`{mid: number} | {low: number; high: number}`) — exact for
 * anyOf; for oneOf the "exactly one" part is dropped (widening). A branch that requires nothing (left
 * empty by the keyword drops, e.g. `{not: …}`) makes the whole combinator vacuous: removed (widening).
 */
function reshapePresenceBranches(node: JsonObject, combinator: 'anyOf' | 'oneOf'): void {
  const branches = node[combinator];
  if (!Array.isArray(branches) || !branches.every(isPresenceOnly)) return;
  const requiredLists = branches.map((branch) => (branch as JsonObject)['required']);
  if (!requiredLists.every((list) => Array.isArray(list) && list.length > 0)) {
    delete node[combinator];
    return;
  }
  const declared = isJsonObject(node['properties']) ? node['properties'] : {};
  node[combinator] = requiredLists.map((list) => requireProperties(list as JsonValue[], declared));
}

function isPresenceOnly(branch: JsonValue): boolean {
  return isJsonObject(branch) && Object.keys(branch).every((keyword) => PRESENCE_ONLY.has(keyword));
}

function requireProperties(names: JsonValue[], declared: JsonObject): JsonObject {
  const properties: JsonObject = {};
  for (const name of names) {
    if (typeof name === 'string') properties[name] = declared[name] ?? {};
  }
  return { type: 'object', properties, required: Object.keys(properties) };
}
