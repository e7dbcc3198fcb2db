// One module per enum the envelope/config references: the readonly tuple (schema order), the union
// type, a JSDoc'd const object with each member's enumDescriptions text, and the type guard.
import type { EnumModel } from '../model/enums.js';
import type { EmitContext, EmittedModule } from './context.js';
import { jsDoc, literal, propertyKey } from './ts-text.js';

export function emitEnumModule(ctx: EmitContext, model: EnumModel): EmittedModule {
  const { names, members } = model;
  const deprecated = model.deprecated ? '@deprecated The schema marks this enum deprecated.' : undefined;
  const heading = [model.title, model.description].filter(Boolean).join(': ');
  const documented = members.filter((member) => member.description !== undefined);
  const complete = documented.length === members.length;
  const setName = `${names.values}_SET`;
  const body = [
    jsDoc([`Members of ${names.type} in schema order (${model.file}, AdCP ${ctx.model.version}).`, deprecated]),
    `export const ${names.values} = [${members.map((member) => literal(member.value)).join(', ')}] as const;\n\n`,
    jsDoc([heading || undefined, deprecated]),
    `export type ${names.type} = (typeof ${names.values})[number];\n\n`,
    jsDoc([`What each ${names.type} member means (the schema's enumDescriptions).`]),
    `export const ${names.descriptions}: { readonly [K in ${names.type}]${complete ? '' : '?'}: string } = {\n`,
    ...documented.map((member) => `${jsDoc([member.description], '  ')}  ${propertyKey(member.value)}: ${literal(member.description!)},\n`),
    '};\n\n',
    `const ${setName}: ReadonlySet<string> = new Set(${names.values});\n\n`,
    jsDoc([`True when \`value\` is one of the ${names.type} members of AdCP ${ctx.model.version}.`]),
    `export function ${names.guard}(value: unknown): value is ${names.type} {\n`,
    `  return typeof value === 'string' && ${setName}.has(value);\n}\n`,
  ].join('');
  return { path: `${names.module}.ts`, sources: [model.file], body };
}
