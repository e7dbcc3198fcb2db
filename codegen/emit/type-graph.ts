// A schema graph set up for type generation: the type-shaping hooks, plus substitution of every
// schema that another generated module declares (enums, the config, the envelope) by a reference to
// that declaration, whose import is recorded.
import type { JsonObject } from '../load/json.js';
import type { SchemaLocation } from '../load/refs.js';
import { SchemaGraph } from '../transform/schema-graph.js';
import { typeShapingHooks } from '../transform/shape-for-types.js';
import type { EmitContext } from './context.js';
import { sharedDeclarations, type SharedDeclaration } from './exported-names.js';
import { importType } from './ts-text.js';

export interface TypeGraph {
  readonly graph: SchemaGraph;
  /** import lines for the shared declarations the graph referenced */
  importLines(): string;
}

export function createTypeGraph(
  ctx: EmitContext,
  ownFile: string | undefined,
  inline: (location: SchemaLocation) => JsonObject | undefined = () => undefined,
): TypeGraph {
  const shared = sharedDeclarations(ctx.model);
  const used = new Map<string, Set<string>>();
  const reference = (declaration: SharedDeclaration): JsonObject => {
    used.set(declaration.module, (used.get(declaration.module) ?? new Set()).add(declaration.name));
    return { tsType: declaration.name };
  };
  const graph = new SchemaGraph(ctx.store, ctx.model.version, {
    ...typeShapingHooks,
    substitute: (location) => {
      const declaration = location.pointer === '' && location.file !== ownFile ? shared.get(location.file) : undefined;
      return declaration ? reference(declaration) : inline(location);
    },
  });
  return {
    graph,
    importLines: () =>
      [...used.keys()]
        .sort()
        .map((module) => importType([...used.get(module)!], module))
        .join(''),
  };
}

/** Number of distinct schema files a graph read beyond `sources`. */
export function referencedFileCount(files: ReadonlySet<string>, sources: readonly string[]): number {
  return [...files].filter((file) => !sources.includes(file)).length;
}
