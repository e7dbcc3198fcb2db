// What every emitter receives, and what it hands back.
import type { SchemaStore } from '../load/schema-store.js';
import type { CodegenModel } from '../model/model.js';
import type { Libraries } from './libraries.js';

export interface EmitContext {
  readonly model: CodegenModel;
  readonly store: SchemaStore;
  readonly libs: Libraries;
  /** Module specifier of the runtime's binding entry as seen from the output dir; default DEFAULT_BINDING_ENTRY. */
  readonly bindingEntry?: string;
}

export interface EmittedModule {
  /** posix path relative to the output dir */
  readonly path: string;
  /** schema files listed in the banner */
  readonly sources: readonly string[];
  /** files reached through `$ref` from the sources (counted in the banner) */
  readonly referencedCount?: number;
  /** TypeScript source after the banner (formatted later) */
  readonly body: string;
  /** thousands of JSDoc blocks: format with doc-comment-detach (same bytes, a fraction of the cost) */
  readonly manyDocComments?: boolean;
  /** megabytes of machine-written code read by no one: written as emitted, not formatted */
  readonly unformatted?: boolean;
}

/** The binding entry as seen from src/generated beside src/runtime (this repository's layout). */
export const DEFAULT_BINDING_ENTRY = '../runtime/binding/index.js';
