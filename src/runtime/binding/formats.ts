// The JSON Schema `format` checkers the generated standalone validators call, taken from ajv-formats'
// public entry (its plugin's `get`), so generated code never names a path inside ajv-formats.
// Schema keyword: `format` (JSON Schema draft-07 §7; used by core/push-notification-config.json
// `url` and core/mcp-webhook-payload.json `timestamp`).
import ajvFormatsModule from 'ajv-formats';
import type { FormatName, FormatsPlugin } from 'ajv-formats';
import type { Format } from 'ajv';

/**
 * Under Node ESM the default import is ajv-formats' `module.exports` (the plugin, which also carries
 * itself as `default`); under the CommonJS build it is the `__esModule` namespace whose `default` is
 * the plugin. `default` is the plugin in both.
 */
const plugin = ((ajvFormatsModule as unknown as { default?: FormatsPlugin }).default ?? ajvFormatsModule) as FormatsPlugin;

/** Every format name ajv-formats defines; the type check below fails when a release adds or drops one. */
export const AJV_FORMAT_NAMES = [
  'date', 'time', 'date-time', 'iso-time', 'iso-date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url',
  'email', 'hostname', 'ipv4', 'ipv6', 'regex', 'uuid', 'json-pointer', 'json-pointer-uri-fragment',
  'relative-json-pointer', 'byte', 'int32', 'int64', 'float', 'double', 'password', 'binary',
] as const satisfies readonly FormatName[];

type MissingFormatNames = Exclude<FormatName, (typeof AJV_FORMAT_NAMES)[number]>;
/** Compile-time completeness check of AJV_FORMAT_NAMES against ajv-formats' FormatName. */
export const AJV_FORMAT_NAMES_COMPLETE: [MissingFormatNames] extends [never] ? true : MissingFormatNames = true;

/** True when ajv-formats knows `name` (the generator refuses a schema using any other format). */
export function isAjvFormatName(name: string): name is FormatName {
  return (AJV_FORMAT_NAMES as readonly string[]).includes(name);
}

/**
 * The "full" checkers of every ajv-formats format, keyed by name: what Ajv's standalone code reads as
 * `fullFormats[name]`. Built once from the plugin's public `get`.
 */
export const fullFormats: Readonly<Record<FormatName, Format>> = Object.freeze(
  Object.fromEntries(AJV_FORMAT_NAMES.map((name) => [name, plugin.get(name, 'full')])) as Record<FormatName, Format>,
);
