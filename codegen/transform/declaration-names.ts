// Gives every declaration-worthy node of a schema graph (titled nodes and `$ref` targets) a unique
// TypeScript name, written into its `title` (json-schema-to-typescript names declarations after
// `title`). Colliding titles are qualified by where each schema lives (e.g. three canonical formats
// each define "Size-mode mutex" → ImageSizeModeMutex, Html5SizeModeMutex, DisplayTagSizeModeMutex),
// except that a file's root schema keeps the plain name when no other file root shares it; the tool's own fallback — numbering (`Foo1`) — must never happen, and the emitter checks it did not.
import { isJsonObject, type JsonObject } from '../load/json.js';
import type { SchemaLocation } from '../load/refs.js';
import { forEachSubschema } from '../load/schema-walk.js';
import type { SchemaGraph } from './schema-graph.js';

export type SafeName = (label: string) => string;

interface Candidate {
  readonly node: JsonObject;
  readonly location: SchemaLocation;
  readonly label: string;
}

/**
 * Names every declaration-worthy node reachable from `root`. Hand-built nodes (no origin in the
 * graph, e.g. the root itself) keep their titles. Returns every name that will be declared.
 */
export function assignDeclarationNames(root: JsonObject, graph: SchemaGraph, reserved: ReadonlySet<string>, safeName: SafeName): Set<string> {
  const { candidates, fixedNames } = collectCandidates(root, graph);
  const taken = new Set<string>([...reserved, ...fixedNames]);
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const base = safeName(candidate.label);
    groups.set(base, [...(groups.get(base) ?? []), candidate]);
  }
  const final = new Map<JsonObject, string>();
  const bases = [...groups.keys()].sort();
  for (const base of bases) {
    const group = groups.get(base)!;
    if (group.length === 1 && !taken.has(base)) {
      final.set(group[0]!.node, base);
      taken.add(base);
    }
  }
  for (const base of bases) {
    let group = groups.get(base)!;
    if (group.length === 1 && final.has(group[0]!.node)) continue;
    // A file's root schema keeps the plain name when it is the only file root in the group.
    const fileRoots = group.filter((candidate) => candidate.location.pointer === '');
    if (fileRoots.length === 1 && !taken.has(base)) {
      final.set(fileRoots[0]!.node, base);
      taken.add(base);
      group = group.filter((candidate) => candidate !== fileRoots[0]);
    }
    for (const [node, name] of qualify(group, taken, safeName)) {
      final.set(node, name);
      taken.add(name);
    }
  }
  const locations = new Map(candidates.map((candidate) => [candidate.node, candidate.location]));
  for (const [node, name] of final) {
    node['title'] = name;
    describeByLocation(node, locations.get(node)!);
  }
  return new Set([...fixedNames, ...final.values()]);
}

/**
 * A declaration whose schema has no description would show nothing on hover: it is described by
 * where the schema defines it.
 */
function describeByLocation(node: JsonObject, location: SchemaLocation): void {
  if (typeof node['description'] === 'string') return;
  node['description'] = `The schema at ${location.file}${location.pointer === '' ? '' : `#${location.pointer}`}.`;
}

function collectCandidates(root: JsonObject, graph: SchemaGraph): { candidates: Candidate[]; fixedNames: string[] } {
  const seen = new Set<object>();
  const candidates: Candidate[] = [];
  const fixedNames: string[] = [];
  const visit = (node: unknown): void => {
    if (!isJsonObject(node) || seen.has(node)) return;
    seen.add(node);
    const location = graph.origins.get(node);
    const title = node['title'];
    if (typeof node['tsType'] === 'string') return;
    if (!location) {
      if (typeof title === 'string') fixedNames.push(asIdentifier(title));
    } else if (typeof title === 'string' || graph.refTargets.has(node)) {
      candidates.push({ node, location, label: typeof title === 'string' ? title : labelOf(location) });
    }
    forEachSubschema(node, visit);
  };
  visit(root);
  return { candidates, fixedNames };
}

/** Hand-built titles are already identifiers. */
function asIdentifier(title: string): string {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(title)) throw new Error(`codegen: hand-built title "${title}" is not a PascalCase identifier`);
  return title;
}

/** Qualifies each member with ever more of its path until the group's names are unique and free. */
function qualify(group: readonly Candidate[], taken: ReadonlySet<string>, safeName: SafeName): Map<JsonObject, string> {
  for (let depth = 1; ; depth += 1) {
    const words = group.map((candidate) => qualifierWords(candidate.location));
    if (words.every((list) => list.length < depth)) {
      throw new Error(`codegen: cannot give distinct names to schemas titled "${group[0]!.label}"`);
    }
    const names = group.map((candidate, index) => safeName(`${words[index]!.slice(-depth).join(' ')} ${candidate.label}`));
    if (new Set(names).size === names.length && names.every((name) => !taken.has(name))) {
      return new Map(group.map((candidate, index) => [candidate.node, names[index]!]));
    }
  }
}

/**
 * Words locating a schema; `slice(-depth)` takes the most telling ones first: the file stem for an
 * inline schema (its title already names it within the file), the directories for a file's root
 * schema (its title usually repeats the stem), and pointer tokens only once the path is exhausted.
 */
function qualifierWords(location: SchemaLocation): string[] {
  const pathWords = location.file.replace(/\.json$/, '').split('/');
  if (location.pointer === '') return pathWords.slice(0, -1);
  return [...location.pointer.split('/').filter(Boolean), ...pathWords];
}

function labelOf(location: SchemaLocation): string {
  if (location.pointer === '') return location.file.replace(/^.*\//, '').replace(/\.json$/, '');
  return location.pointer.split('/').pop()!;
}
