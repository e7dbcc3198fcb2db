// Tiny in-memory AdCP snapshots for rule-by-rule diff tests: a base tree plus per-test edits.
import { memoryFiles } from '../../codegen/diff/schema-files.js';
import { SchemaSnapshot } from '../../codegen/diff/snapshot.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Tree = Record<string, Json>;

/** A version-pinned ref in the ≤ 3.1 spelling (`/schemas/<v>/…`) or the 3.2 one (absolute https). */
export function ref(version: string, path: string): string {
  return version.startsWith('3.2') ? `https://adcontextprotocol.org/schemas/${version}/${path}` : `/schemas/${version}/${path}`;
}

export function baseTree(version = '3.1.0'): Tree {
  return {
    'manifest.json': {
      adcp_version: version,
      tools: { create_thing: { response_schema: 'things/create-thing-response.json' } },
    },
    'enums/task-type.json': { $id: ref(version, 'enums/task-type.json'), type: 'string', enum: ['create_thing', 'delete_thing'] },
    'enums/task-status.json': { $id: ref(version, 'enums/task-status.json'), type: 'string', enum: ['working', 'completed'] },
    'enums/auth-scheme.json': { $id: ref(version, 'enums/auth-scheme.json'), type: 'string', enum: ['Bearer'] },
    'core/mcp-webhook-payload.json': {
      $id: ref(version, 'core/mcp-webhook-payload.json'),
      description: 'Envelope',
      type: 'object',
      properties: {
        task_id: { type: 'string', description: 'Task id' },
        task_type: { $ref: ref(version, 'enums/task-type.json') },
        status: { $ref: ref(version, 'enums/task-status.json') },
        token: { type: 'string', minLength: 16, maxLength: 4096 },
        message: { type: 'string' },
      },
      required: ['task_id', 'task_type', 'status'],
    },
    'core/push-notification-config.json': {
      $id: ref(version, 'core/push-notification-config.json'),
      type: 'object',
      properties: {
        url: { type: 'string', format: 'uri' },
        authentication: {
          type: 'object',
          properties: { schemes: { type: 'array', items: { $ref: ref(version, 'enums/auth-scheme.json') } } },
          additionalProperties: false,
        },
      },
      required: ['url'],
    },
    'things/create-thing-response.json': {
      $id: ref(version, 'things/create-thing-response.json'),
      type: 'object',
      properties: { thing: { $ref: ref(version, 'core/thing.json') } },
      required: ['thing'],
    },
    'core/thing.json': {
      $id: ref(version, 'core/thing.json'),
      type: 'object',
      properties: { id: { type: 'string' }, parent: { $ref: ref(version, 'core/thing.json') } },
    },
  };
}

export function snapshotOf(tree: Tree, label = 'fixture'): SchemaSnapshot {
  const files = new Map(Object.entries(tree).map(([path, json]) => [path, Buffer.from(JSON.stringify(json))]));
  return SchemaSnapshot.fromFiles(memoryFiles(files, label));
}

/** A deep copy of the base tree (optionally of another version) after `edit`. */
export function edited(edit: (tree: Tree) => void, version = '3.1.0'): Tree {
  const tree = structuredClone(baseTree(version));
  edit(tree);
  return tree;
}

/** Mutable access to a JSON object inside a tree, for concise edits in tests. */
export function at(tree: Tree, file: string, ...path: string[]): Record<string, Json> {
  let node = tree[file] as Json;
  for (const key of path) node = (node as Record<string, Json>)[key] as Json;
  return node as Record<string, Json>;
}
