// The heavy libraries, imported on first use so that importing the pipeline module stays cheap.
import type { compile as Compile } from 'json-schema-to-typescript';

export interface Libraries {
  readonly compileSchema: typeof Compile;
  readonly safeName: (label: string) => string;
}

let loading: Promise<Libraries> | undefined;

export function loadLibraries(): Promise<Libraries> {
  loading ??= load();
  return loading;
}

async function load(): Promise<Libraries> {
  const [schemaToTs, schemaToTsUtils] = await Promise.all([
    import('json-schema-to-typescript'),
    import('json-schema-to-typescript/dist/src/utils.js'),
  ]);
  return { compileSchema: schemaToTs.compile, safeName: schemaToTsUtils.toSafeString };
}
