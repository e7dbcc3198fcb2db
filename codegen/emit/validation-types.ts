// validation.ts: the result shape of the generated validators.
import type { EmitContext, EmittedModule } from './context.js';
import { MODULES, NAMES } from './exported-names.js';
import { jsDoc } from './ts-text.js';

export function emitValidationTypes(ctx: EmitContext): EmittedModule {
  const body = [
    jsDoc(['One reason a value failed schema validation.']),
    `export interface ${NAMES.validationIssue} {\n`,
    '  /** JSON pointer (RFC 6901) to the offending value; for a missing property, to where it should be. */\n  path: string;\n',
    '  /** JSON Schema keyword that failed (required, type, pattern, enum, ...). */\n  keyword: string;\n',
    '  /** Human-readable message; never contains the offending value. */\n  message: string;\n',
    '}\n\n',
    jsDoc([`Outcome of a generated validator (AdCP ${ctx.model.version}).`]),
    `export type ${NAMES.validationResult}<T> = { ok: true; value: T } | { ok: false; errors: readonly ${NAMES.validationIssue}[] };\n`,
  ].join('');
  return { path: `${MODULES.validation}.ts`, sources: [], body };
}
