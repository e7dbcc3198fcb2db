// The heavy libraries, imported on first use so that importing the pipeline module stays cheap.
import type { JSONSchema4 } from 'json-schema';
import type { Options } from 'json-schema-to-typescript';
import { createRequire } from 'node:module';

export interface Libraries {
  /**
   * json-schema-to-typescript's compile() without its input clone, `$ref` dereferencing, schema
   * validation and formatting: the schema graph is built fresh for one compile, holds no `$ref`, and
   * the pipeline formats (the four skipped steps cost ~25% of the compile). The stages and their order
   * are compile()'s own (json-schema-to-typescript 16; tests compare the two on real schemas).
   */
  readonly compileSchema: (schema: JSONSchema4, name: string, options: Partial<Options>) => string;
  readonly safeName: (label: string) => string;
}

let loaded: Libraries | undefined;

export function loadLibraries(): Promise<Libraries> {
  loaded ??= load();
  return Promise.resolve(loaded);
}

const require = createRequire(import.meta.url);

function load(): Libraries {
  const jstt = withoutEagerPrettier(() => ({
    index: require('json-schema-to-typescript') as typeof import('json-schema-to-typescript'),
    utils: require('json-schema-to-typescript/dist/src/utils.js') as typeof import('json-schema-to-typescript/dist/src/utils.js'),
    linker: require('json-schema-to-typescript/dist/src/linker.js') as typeof import('json-schema-to-typescript/dist/src/linker.js'),
    normalizer: require('json-schema-to-typescript/dist/src/normalizer.js') as typeof import('json-schema-to-typescript/dist/src/normalizer.js'),
    parser: require('json-schema-to-typescript/dist/src/parser.js') as typeof import('json-schema-to-typescript/dist/src/parser.js'),
    optimizer: require('json-schema-to-typescript/dist/src/optimizer.js') as typeof import('json-schema-to-typescript/dist/src/optimizer.js'),
    generator: require('json-schema-to-typescript/dist/src/generator.js') as typeof import('json-schema-to-typescript/dist/src/generator.js'),
    // lodash is json-schema-to-typescript's dependency, so resolved from there.
    lodash: createRequire(require.resolve('json-schema-to-typescript'))('lodash') as typeof import('lodash'),
  }));
  const compileSchema = (schema: JSONSchema4, name: string, options: Partial<Options>): string => {
    const merged = jstt.lodash.merge({}, jstt.index.DEFAULT_OPTIONS, options) as Options;
    jstt.normalizer.normalizeNullableRefs(schema);
    const noRefs = new WeakMap();
    const normalized = jstt.normalizer.normalize(jstt.linker.link(schema), noRefs, name, merged);
    const processed = new Map();
    const usedNames = new Set<string>();
    const parsed = jstt.parser.parse(normalized, merged, undefined, processed, usedNames);
    jstt.parser.nameAnonymousRecursiveTypes(parsed, processed, noRefs, usedNames);
    return jstt.generator.generate(jstt.optimizer.optimize(parsed, merged), merged);
  };
  return { compileSchema, safeName: jstt.utils.toSafeString };
}

/**
 * json-schema-to-typescript requires prettier at load time (only for compile({format: true}), which the
 * pipeline never uses), and prettier's CommonJS entry eagerly import()s its 680 KB ESM build: ~120 ms
 * of main-thread work while the formatting worker already has its own prettier. While json-schema-to-
 * typescript loads, prettier's entry is a stand-in whose format() loads the real prettier on demand;
 * the stand-in leaves the require cache right after, so everyone else gets the real module.
 */
function withoutEagerPrettier<T>(loadModules: () => T): T {
  const jsttEntry = require.resolve('json-schema-to-typescript');
  const prettierEntry = createRequire(jsttEntry).resolve('prettier');
  if (require.cache[prettierEntry] || require.cache[jsttEntry]) return loadModules();
  const standIn = {
    format: async (source: string, options?: object): Promise<string> => (await import('prettier')).format(source, options),
  };
  require.cache[prettierEntry] = { id: prettierEntry, filename: prettierEntry, loaded: true, exports: standIn } as NodeJS.Module;
  try {
    return loadModules();
  } finally {
    delete require.cache[prettierEntry];
  }
}
