// Every `examples` entry of every schema in the 3.1.19 cache, validated against the schema it sits in
// (ajv compiled here with every cache file added, the generator's draft and options), and every example
// of a task result schema also through the precompiled validateWebhookResult. Examples the spec itself
// gets wrong are listed in SPEC_EXAMPLE_FAILURES with the reason; a listed one that starts passing, or
// an unlisted one that fails, fails the test.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { collectAjvSchemas, RESULT_AJV_OPTIONS, schemaId } from '../../codegen/emit/result-validators.js';
import { isJsonObject, type JsonValue } from '../../codegen/load/json.js';
import { isKnownKeyword } from '../../codegen/load/keywords.js';
import { forEachSubschema } from '../../codegen/load/schema-walk.js';
import { SchemaStore } from '../../codegen/load/schema-store.js';
import { buildModel } from '../../codegen/model/model.js';
import { validateWebhookResult } from '../../src/generated/result-validators.js';
import type { SpecWebhookTaskType } from '../../src/generated/task-types.js';
import type { TaskStatus } from '../../src/generated/task-statuses.js';
import { schemaDir } from './helpers.js';

/**
 * `file#pointer[index]` of each spec example that fails its own schema → the first failing pointer and
 * keyword, and why the example (not the validator) is wrong.
 */
const SPEC_EXAMPLE_FAILURES: Readonly<Record<string, string>> = {
  'core/package.json#/properties/committed_metrics[0]':
    '/4/metric_id enum — standard metric "viewable_rate" is not a member of enums/available-metric.json (which has "viewability")',
  'media-buy/get-media-buy-delivery-response.json#/properties/aggregated_totals/properties/metric_aggregates[0]':
    '/0/metric_id enum — standard metric "viewable_rate" is not a member of enums/available-metric.json (which has "viewability")',
};

const dir = schemaDir('3.1.19');
const store = new SchemaStore(dir);
const version = buildModel(store).version;
/**
 * The store without its keyword gate: schemas outside the webhook surface use keywords the generator
 * never reads (e.g. `x-mutates-state`); ajv learns them below as annotations.
 */
const ungatedStore = {
  display: (file: string) => store.display(file),
  exists: (file: string) => store.exists(file),
  readSchema: (file: string) => store.readJson(file),
} as unknown as SchemaStore;

interface Example {
  readonly key: string;
  readonly file: string;
  readonly pointer: string;
  readonly data: JsonValue;
}

/** Schema files of the cache: JSON files with a `$id`. */
function schemaFiles(): string[] {
  const files: string[] = [];
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? entry.name : `${sub}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.json') && isJsonObject(store.readJson(rel)) && typeof (store.readJson(rel) as Record<string, unknown>)['$id'] === 'string') files.push(rel);
    }
  };
  walk('');
  return files.sort();
}

/** AdCP writes top-level examples as `{ description, data }`; anything else is the instance itself. */
function instanceOf(example: JsonValue): JsonValue {
  if (isJsonObject(example) && 'data' in example && Object.keys(example).every((key) => key === 'data' || key === 'description')) return example['data']!;
  return example;
}

function examplesOf(file: string): Example[] {
  const found: Example[] = [];
  const visit = (node: JsonValue, pointer: string): void => {
    if (!isJsonObject(node)) return;
    const examples = node['examples'];
    if (Array.isArray(examples)) examples.forEach((example, index) => found.push({ key: `${file}#${pointer}[${index}]`, file, pointer, data: instanceOf(example) }));
    forEachSubschema(node, (child, at) => visit(child, pointer + at));
  };
  visit(store.readJson(file), '');
  return found;
}

/** Keywords of the cache the generator's list does not know (annotations by convention: `x-…`). */
function unknownKeywords(of: readonly string[]): string[] {
  const unknown = new Set<string>();
  const visit = (node: JsonValue): void => {
    if (!isJsonObject(node)) return;
    for (const keyword of Object.keys(node)) if (!isKnownKeyword(keyword)) unknown.add(keyword);
    forEachSubschema(node, (child) => visit(child));
  };
  for (const file of of) visit(store.readJson(file));
  return [...unknown].sort();
}

function firstError(errors: readonly ErrorObject[] | null | undefined): string {
  const error = errors?.[0];
  return error === undefined ? '' : `${error.instancePath === '' ? '/' : error.instancePath} ${error.keyword}`;
}

const files = schemaFiles();
const examples = files.flatMap(examplesOf);
const { schemas, formats } = collectAjvSchemas(ungatedStore, version, files);
const ajv = new Ajv({ strict: true, allErrors: true, ...RESULT_AJV_OPTIONS });
addFormats.default(ajv, { mode: 'full', formats: formats as never, keywords: false });
for (const keyword of unknownKeywords(files)) ajv.addKeyword(keyword);
for (const schema of schemas) ajv.addSchema(schema);

/** `undefined` when valid, else the first failing pointer and keyword. */
function verdict(example: Example): string | undefined {
  const validate = ajv.getSchema(`${schemaId(version, example.file)}#${example.pointer}`);
  if (validate === undefined) throw new Error(`no compiled schema at ${example.key}`);
  return validate(example.data) ? undefined : firstError(validate.errors);
}

describe('schema examples of AdCP 3.1.19', () => {
  it('finds the examples of about a hundred schema files', () => {
    expect(new Set(examples.map((example) => example.file)).size).toBeGreaterThanOrEqual(100);
  });

  it('validates every example against its own schema, except the listed spec mistakes', () => {
    const failing = Object.fromEntries(examples.flatMap((example) => {
      const why = verdict(example);
      return why === undefined ? [] : [[example.key, why]];
    }));
    expect(Object.keys(failing).sort()).toEqual(Object.keys(SPEC_EXAMPLE_FAILURES).sort());
    for (const [key, why] of Object.entries(failing)) expect(`${key}: ${SPEC_EXAMPLE_FAILURES[key]}`).toContain(`${key}: ${why} —`);
  });

  it('gives the same verdict through the precompiled result validator for every task result example', () => {
    const model = buildModel(store);
    let checked = 0;
    for (const result of model.results) {
      const pairs: Array<[string, string]> = [['completed', result.terminalFile], ['failed', result.terminalFile], ...result.interim.map((entry) => [entry.status, entry.file] as [string, string])];
      for (const [status, file] of pairs) {
        for (const example of examples.filter((candidate) => candidate.file === file && candidate.pointer === '')) {
          const outcome = validateWebhookResult(result.taskType as SpecWebhookTaskType, status as TaskStatus, example.data);
          expect(outcome.ok, `${example.key} as ${result.taskType} ${status}`).toBe(!(example.key in SPEC_EXAMPLE_FAILURES));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });
});
