// The pipeline calls json-schema-to-typescript's stages directly (skipping compile()'s clone,
// dereference, validation and formatting). Guard: on real AdCP schemas both give the same text.
import { compile } from 'json-schema-to-typescript';
import type { JSONSchema4 } from 'json-schema';
import { describe, expect, it } from 'vitest';
import { loadLibraries } from '../../codegen/emit/libraries.js';
import { createTypeGraph } from '../../codegen/emit/type-graph.js';
import { SchemaStore } from '../../codegen/load/schema-store.js';
import { buildModel } from '../../codegen/model/model.js';
import { assignDeclarationNames } from '../../codegen/transform/declaration-names.js';
import { schemaDir } from './helpers.js';

const OPTIONS = { bannerComment: '', format: false, maxItems: -1, additionalProperties: true, unknownAny: true, unreachableDefinitions: true } as const;

describe('compileSchema (json-schema-to-typescript stages without clone/dereference/format)', () => {
  it.each(['media-buy/create-media-buy-response.json', 'core/forecast-point.json', 'media-buy/get-products-response.json'])(
    'matches compile() on %s',
    async (file) => {
      const libs = await loadLibraries();
      const store = new SchemaStore(schemaDir('3.1.19'));
      const ctx = { model: buildModel(store), store, libs };
      const rootFor = (): JSONSchema4 => {
        const { graph } = createTypeGraph(ctx, undefined);
        const root = graph.nodeAt({ file, pointer: '' });
        assignDeclarationNames(root, graph, new Set(), libs.safeName);
        return root as JSONSchema4;
      };
      const direct = libs.compileSchema(rootFor(), 'Root', OPTIONS);
      expect(direct.length).toBeGreaterThan(1000);
      expect(direct).toBe(await compile(rootFor(), 'Root', OPTIONS));
    },
  );
});
