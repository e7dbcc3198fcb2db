// index.ts: re-exports every public generated module (the ajv standalone code, `*.standalone`, stays internal).
import type { EmitContext, EmittedModule } from './context.js';

export function emitIndex(_ctx: EmitContext, modules: readonly EmittedModule[]): EmittedModule {
  const exported = modules
    .map((module) => module.path.replace(/\.ts$/, ''))
    .filter((name) => !name.endsWith('.standalone'))
    .sort();
  return { path: 'index.ts', sources: [], body: exported.map((name) => `export * from './${name}.js';\n`).join('') };
}
