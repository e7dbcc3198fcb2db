// Version-independent schema addresses. AdCP ids and refs come in two spellings that both pin a version:
// root-relative `/schemas/<v>/core/x.json` (≤ 3.1.x) and absolute `https://adcontextprotocol.org/schemas/<v>/…`
// (3.2+). The diff compares snapshots of different versions, so every address is reduced to the path under the
// version root (`core/x.json`) plus a JSON pointer; a version bump in `$id`s alone then changes nothing.

/** A schema location independent of the snapshot's version: file under the version root + JSON pointer. */
export interface SchemaAddress {
  readonly file: string;
  readonly pointer: string;
}

const VERSIONED_PREFIX = /^(?:https?:\/\/adcontextprotocol\.org)?\/schemas\/[^/]+\//;

/** Resolves a `$ref` found in `fromFile` to a version-independent address, or undefined if it leaves the snapshot. */
export function resolveRef(ref: string, fromFile: string): SchemaAddress | undefined {
  const hashAt = ref.indexOf('#');
  const target = hashAt === -1 ? ref : ref.slice(0, hashAt);
  const pointer = hashAt === -1 ? '' : decodeURIComponent(ref.slice(hashAt + 1));
  if (target === '') {
    return { file: fromFile, pointer };
  }
  const file = versionRelativePath(target, fromFile);
  return file === undefined ? undefined : { file, pointer };
}

/** `/schemas/3.1.19/core/x.json`, `https://adcontextprotocol.org/schemas/3.2.0/core/x.json`, `../core/x.json` → `core/x.json`. */
export function versionRelativePath(target: string, fromFile: string): string | undefined {
  const versioned = VERSIONED_PREFIX.exec(target);
  if (versioned) {
    return normalizePosix(target.slice(versioned[0].length));
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('/')) {
    return undefined;
  }
  const baseDir = fromFile.includes('/') ? fromFile.slice(0, fromFile.lastIndexOf('/') + 1) : '';
  return normalizePosix(baseDir + target);
}

export function formatAddress(address: SchemaAddress): string {
  return address.pointer === '' ? address.file : `${address.file}#${address.pointer}`;
}

/** Strips the version from an id or ref so that two snapshots' spellings compare equal. */
export function unversionedRef(ref: string): string {
  return ref.replace(VERSIONED_PREFIX, '');
}

function normalizePosix(path: string): string | undefined {
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return out.length === 0 ? undefined : out.join('/');
}

/** Reads `pointer` (RFC 6901) inside `document`; undefined when a segment is missing. */
export function readPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  let node: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function appendPointer(pointer: string, ...keys: readonly (string | number)[]): string {
  return keys.reduce<string>((acc, key) => `${acc}/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`, pointer);
}
