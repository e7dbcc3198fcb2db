// IR of a string enum schema (task-type, task-status, adcp-protocol, auth-scheme, ...).
import { CodegenError } from '../errors.js';
import { isJsonObject } from '../load/json.js';
import type { SchemaStore } from '../load/schema-store.js';
import { enumNamesFor, type EnumNames } from './enum-names.js';

export interface EnumMember {
  readonly value: string;
  /** enumDescriptions text, when the schema has one for this member */
  readonly description: string | undefined;
}

export interface EnumModel {
  readonly file: string;
  readonly names: EnumNames;
  readonly title: string | undefined;
  readonly description: string | undefined;
  readonly deprecated: boolean;
  /** schema order */
  readonly members: readonly EnumMember[];
}

export function readEnum(store: SchemaStore, file: string): EnumModel {
  const schema = store.readSchema(file);
  const fail = (why: string): never => {
    throw new CodegenError(why, store.display(file));
  };
  if (!isJsonObject(schema)) return fail('enum schema is not an object');
  const values = schema['enum'];
  if (schema['type'] !== 'string' || !Array.isArray(values) || values.some((v) => typeof v !== 'string')) {
    return fail('expected a string enum (`type: "string"` with an `enum` array of strings)');
  }
  const strings = values as string[];
  if (new Set(strings).size !== strings.length) fail('enum has duplicate members');
  const descriptions = isJsonObject(schema['enumDescriptions']) ? schema['enumDescriptions'] : {};
  return {
    file,
    names: enumNamesFor(file),
    title: typeof schema['title'] === 'string' ? schema['title'] : undefined,
    description: typeof schema['description'] === 'string' ? schema['description'] : undefined,
    deprecated: schema['deprecated'] === true,
    members: strings.map((value) => {
      const text = descriptions[value];
      return { value, description: typeof text === 'string' ? text : undefined };
    }),
  };
}

export function hasMember(model: EnumModel, value: string): boolean {
  return model.members.some((member) => member.value === value);
}
