import { posix } from 'node:path';
import type { SchemaTree } from './tree-files.js';
import { byCodeUnit } from './tree-files.js';

const CANONICAL_HOST = 'https://adcontextprotocol.org';

/**
 * Internal consistency of a release's schema tree (the tree index.json / manifest.json describe), checked before it may replace the
 * cache: every JSON file parses, index.json / manifest.json declare `version`, every `$id` lives under
 * `/schemas/<version>/`, and every `$ref` to another file resolves inside the tree.
 * Returns one line per problem, naming the file; empty = consistent.
 */
export function treeConsistencyProblems(tree: SchemaTree, version: string): string[] {
  const problems: string[] = [];
  if (!tree.has('index.json')) problems.push('index.json: missing');
  for (const path of reportingOrder(tree)) {
    let document: unknown;
    try {
      document = JSON.parse((tree.get(path) as Buffer).toString('utf8'));
    } catch (error) {
      problems.push(`${path}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    problems.push(...documentProblems(path, document, tree, version));
  }
  return problems;
}

/** The version declarations first: a tree of the wrong release is best explained by them. */
function reportingOrder(tree: SchemaTree): string[] {
  const declarations = ['index.json', 'manifest.json'].filter((path) => tree.has(path));
  const rest = [...tree.keys()].filter((path) => path.endsWith('.json') && !declarations.includes(path));
  return [...declarations, ...rest.sort(byCodeUnit)];
}

function documentProblems(path: string, document: unknown, tree: SchemaTree, version: string): string[] {
  const problems: string[] = [];
  const top = typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};
  if (path === 'index.json' || path === 'manifest.json') {
    for (const field of ['adcp_version', 'published_version']) {
      const declared = top[field];
      const required = field === 'adcp_version';
      if ((required || declared !== undefined) && declared !== version) {
        problems.push(`${path}: ${field} is ${JSON.stringify(declared)}, expected ${JSON.stringify(version)}`);
      }
    }
  }
  const id = top.$id;
  if (typeof id === 'string' && versionRootPath(id, version) === undefined) {
    problems.push(`${path}: $id ${JSON.stringify(id)} is not under /schemas/${version}/`);
  }
  for (const ref of externalRefs(document)) {
    const target = refTarget(ref, path, version);
    if (target === undefined || !tree.has(target)) problems.push(`${path}: $ref ${JSON.stringify(ref)} does not resolve`);
  }
  return problems;
}

/** `/schemas/<v>/a/b.json` or `https://adcontextprotocol.org/schemas/<v>/a/b.json` → `a/b.json`. */
function versionRootPath(uri: string, version: string): string | undefined {
  const prefix = `/schemas/${version}/`;
  const rootRelative = uri.startsWith(CANONICAL_HOST) ? uri.slice(CANONICAL_HOST.length) : uri;
  return rootRelative.startsWith(prefix) ? rootRelative.slice(prefix.length) : undefined;
}

function refTarget(ref: string, fromPath: string, version: string): string | undefined {
  const file = ref.split('#')[0] as string;
  if (/^[a-z][a-z0-9+.-]*:/i.test(file) && !file.startsWith(CANONICAL_HOST)) return undefined;
  if (file.startsWith('/') || file.startsWith(CANONICAL_HOST)) return versionRootPath(file, version);
  const joined = posix.normalize(posix.join(posix.dirname(fromPath), file));
  return joined.startsWith('../') ? undefined : joined;
}

/** Every string `$ref` naming another document (not a `#…` pointer into the same one). */
function externalRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) externalRefs(item, found);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        if (!value.startsWith('#')) found.push(value);
      } else {
        externalRefs(value, found);
      }
    }
  }
  return found;
}
