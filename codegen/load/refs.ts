// Maps `$ref` strings onto files of the local schema cache. Released ≤ 3.1 schemas use root-relative
// ids (`/schemas/<v>/core/x.json`), 3.2 uses absolute ones (`https://adcontextprotocol.org/schemas/<v>/…`);
// both map onto the cache dir. Relative refs resolve against the referring file, whose `$id` equals its
// path in the release (e.g. core/mcp-webhook-payload.json has `$id` `/schemas/3.1.19/core/mcp-webhook-payload.json`), and `#/…` fragments are JSON pointers into the target file.
import path from 'node:path';

export const CANONICAL_SCHEMA_ORIGIN = 'https://adcontextprotocol.org';

/** A schema inside the cache: file (posix, relative to the schema dir) plus JSON pointer ('' = root). */
export interface SchemaLocation {
  readonly file: string;
  readonly pointer: string;
}

export type RefResolution = { readonly ok: true; readonly location: SchemaLocation } | { readonly ok: false; readonly reason: string };

export function locationKey(location: SchemaLocation): string {
  return `${location.file}#${location.pointer}`;
}

export function resolveRef(ref: string, fromFile: string, version: string): RefResolution {
  const hash = ref.indexOf('#');
  const base = hash === -1 ? ref : ref.slice(0, hash);
  const fragment = hash === -1 ? '' : safeDecode(ref.slice(hash + 1));
  if (fragment !== '' && !fragment.startsWith('/')) {
    return { ok: false, reason: `fragment "#${fragment}" is not a JSON pointer` };
  }
  const file = base === '' ? { ok: true as const, file: fromFile } : fileOf(base, fromFile, version);
  if (!file.ok) return file;
  return { ok: true, location: { file: file.file, pointer: fragment } };
}

function fileOf(base: string, fromFile: string, version: string): { ok: true; file: string } | { ok: false; reason: string } {
  let rest: string | undefined;
  if (base.startsWith(`${CANONICAL_SCHEMA_ORIGIN}/schemas/`)) rest = base.slice(CANONICAL_SCHEMA_ORIGIN.length + '/schemas/'.length);
  else if (base.startsWith('/schemas/')) rest = base.slice('/schemas/'.length);
  else if (/^[a-z][a-z0-9+.-]*:/i.test(base)) return { ok: false, reason: 'external URL outside the AdCP schema tree' };
  else if (base.startsWith('/')) return { ok: false, reason: 'root-relative path outside /schemas/' };

  if (rest !== undefined) {
    const slash = rest.indexOf('/');
    const refVersion = slash === -1 ? rest : rest.slice(0, slash);
    if (refVersion !== version) {
      return { ok: false, reason: `points into AdCP "${refVersion}", but this cache holds ${version}` };
    }
    return inside(rest.slice(slash + 1));
  }
  return inside(path.posix.join(path.posix.dirname(fromFile), base));
}

function inside(relative: string): { ok: true; file: string } | { ok: false; reason: string } {
  const normal = path.posix.normalize(relative);
  if (normal === '' || normal === '.' || normal.startsWith('../') || normal === '..') {
    return { ok: false, reason: 'path escapes the schema directory' };
  }
  return { ok: true, file: normal };
}

function safeDecode(fragment: string): string {
  try {
    return decodeURIComponent(fragment);
  } catch {
    return fragment;
  }
}
