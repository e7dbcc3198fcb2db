import { access } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where the schema tree of release `version` may sit inside a source, most specific layout first:
 * a release tarball (`adcp-<v>/schemas/`), a folder of versions (`<v>/`), or the tree itself.
 * `topLevel` adds the same layouts under an archive's single top-level folder of another name.
 */
export function schemaRootCandidates(version: string, topLevel?: string): string[] {
  const prefixes = [`adcp-${version}/schemas/`, `adcp-${version}/`, `schemas/${version}/`, 'schemas/', `${version}/`, ''];
  if (topLevel !== undefined && topLevel !== `adcp-${version}`) prefixes.push(`${topLevel}/schemas/`, `${topLevel}/`);
  return prefixes;
}

/** The sub-tree of an unpacked archive that holds the schemas (its `index.json` marks it), re-rooted. */
export function selectSchemaTree(
  files: ReadonlyMap<string, Buffer>,
  version: string,
): { root: string; tree: Map<string, Buffer> } | undefined {
  const root = schemaRootCandidates(version, singleTopLevel(files)).find((prefix) => files.has(`${prefix}index.json`));
  if (root === undefined) return undefined;
  const tree = new Map<string, Buffer>();
  for (const [path, bytes] of files) {
    if (path.startsWith(root)) tree.set(path.slice(root.length), bytes);
  }
  return { root, tree };
}

/** The directory inside `dir` that holds the schemas of `version`, or undefined. */
export async function findSchemaDir(dir: string, version: string): Promise<string | undefined> {
  for (const prefix of schemaRootCandidates(version)) {
    const candidate = join(dir, prefix);
    if (await exists(join(candidate, 'index.json'))) return candidate;
  }
  return undefined;
}

function singleTopLevel(files: ReadonlyMap<string, Buffer>): string | undefined {
  const tops = new Set([...files.keys()].map((path) => path.split('/')[0] ?? ''));
  return tops.size === 1 ? [...tops][0] : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
