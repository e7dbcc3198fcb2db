// version.ts: ADCP_VERSION and SCHEMA_SOURCE_HASHES (sha256 of every schema file the output came from).
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { jsDoc, literal } from './ts-text.js';

export function emitVersionModule(ctx: EmitContext): EmittedModule {
  const hashes = ctx.store.sourceHashes();
  const body = [
    jsDoc(['AdCP release the generated code was built from.']),
    `export const ${NAMES.version} = ${literal(ctx.model.version)};\n\n`,
    jsDoc(['sha256 (hex) of every schema-cache file the generated code was derived from, by posix path relative to the schema dir.']),
    `export const ${NAMES.sourceHashes}: Readonly<Record<string, string>> = Object.freeze({\n`,
    ...hashes.map(([file, sha256]) => `  ${literal(file)}: ${literal(sha256)},\n`),
    '});\n',
  ].join('');
  return { path: `${MODULES.version}.ts`, sources: [`the ${hashes.length} files listed in ${NAMES.sourceHashes}`], body };
}
