// Bad schema caches fail generation with ONE CodegenError naming the file and the cause. Each case
// mutates files of a private copy of the 3.1.19 cache (restored after the test).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CodegenError, generateFiles } from '../../codegen/pipeline.js';
import { copySchemas, editJson, makeTempDir } from './helpers.js';

const workDir = makeTempDir('codegen-bad-input');
// One private copy of the 3.1.19 cache; each test changes files through `mutate`, restored afterwards.
const cache = copySchemas('3.1.19', path.join(workDir, 'cache'));
const originals = new Map<string, string>();

afterEach(() => {
  for (const [file, contents] of originals) writeFileSync(file, contents);
  originals.clear();
});

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

/** The cache path of `relative`, after remembering its original bytes for the restore. */
function mutate(...relative: string[]): string {
  const file = path.join(cache, ...relative);
  if (!originals.has(file)) originals.set(file, readFileSync(file, 'utf8'));
  return file;
}

async function generationError(schemasDir: string): Promise<CodegenError> {
  const error = await generateFiles({ schemasDir }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(CodegenError);
  return error as CodegenError;
}

describe('the schema cache itself', () => {
  it('a missing cache dir', async () => {
    const missing = path.join(workDir, 'no-such-cache');
    const error = await generationError(missing);
    expect(error.message).toBe(`${missing}: schema cache directory does not exist (run \`adcp-codegen sync\` first)`);
  });

  it('a dir that holds no AdCP release', async () => {
    const empty = path.join(workDir, 'empty');
    mkdirSync(empty);
    expect((await generationError(empty)).message).toContain('not an AdCP schema release: core/mcp-webhook-payload.json is missing');
  });
});

describe('schema files', () => {
  it('garbled JSON in a file reached through $ref', async () => {
    writeFileSync(mutate('core', 'forecast-range.json'), '{ "title": "Forecast Range", ');
    const error = await generationError(cache);
    expect(error.file).toBe(path.join(cache, 'core', 'forecast-range.json'));
    expect(error.message).toMatch(/core\/forecast-range\.json: invalid JSON: /);
  });

  it.each([
    ['a file missing from the cache', '/schemas/3.1.19/core/no-such-schema.json', 'core/no-such-schema.json is not in the schema cache'],
    ['another release', '/schemas/3.0.26/core/context.json', 'points into AdCP "3.0.26", but this cache holds 3.1.19'],
    ['a missing JSON pointer', '/schemas/3.1.19/core/context.json#/definitions/nope', 'core/context.json has nothing at #/definitions/nope'],
    ['an external URL', 'https://example.com/schemas/x.json', 'external URL outside the AdCP schema tree'],
  ])('an unresolved $ref to %s', async (_name, ref, reason) => {
    editJson(mutate('media-buy', 'create-media-buy-response.json'), (schema) => {
      (schema['properties'] as Record<string, unknown>) ??= {};
      (schema['properties'] as Record<string, unknown>)['broken'] = { $ref: ref };
    });
    const error = await generationError(cache);
    expect(error.file).toBe(path.join(cache, 'media-buy', 'create-media-buy-response.json'));
    expect(error.message).toContain(`unresolved $ref "${ref}" at #/properties/broken: ${reason}`);
  });

  it('an unknown keyword', async () => {
    editJson(mutate('core', 'forecast-range.json'), (schema) => {
      ((schema['properties'] as Record<string, Record<string, unknown>>)['low']!)['x-brand-new'] = true;
    });
    const error = await generationError(cache);
    expect(error.file).toBe(path.join(cache, 'core', 'forecast-range.json'));
    expect(error.message).toContain('unknown schema keyword "x-brand-new" at #/properties/low');
  });
});

describe('the model', () => {
  const addTaskType = (name: string, description: string): void =>
    editJson(mutate('enums', 'task-type.json'), (schema) => {
      (schema['enum'] as string[]).push(name);
      (schema['enumDescriptions'] as Record<string, string>)[name] = description;
    });

  it('a task type in no protocol vocabulary', async () => {
    addTaskType('frobnicate_widgets', 'Widget domain: Frobnicate the widgets');
    const error = await generationError(cache);
    expect(error.file).toBe(path.join(cache, 'enums', 'task-type.json'));
    expect(error.message).toContain('cannot decide the protocol of task type "frobnicate_widgets": "widget" is neither an adcp-protocol value');
  });

  it('a task type with no manifest entry and no domain prefix', async () => {
    addTaskType('frobnicate_widgets', 'Frobnicate the widgets');
    expect((await generationError(cache)).message).toContain('cannot decide the protocol of task type "frobnicate_widgets": no manifest.json tools entry');
  });

  it('manifest and enumDescriptions disagreeing on a task type nobody resolved', async () => {
    editJson(mutate('enums', 'task-type.json'), (schema) => {
      (schema['enumDescriptions'] as Record<string, string>)['get_signals'] = 'Brand domain: Discover signals';
    });
    expect((await generationError(cache)).message).toContain('"get_signals": manifest: signals; enumDescriptions: brand disagree (signals vs brand)');
  });

  it('a task type whose terminal result schema cannot be found', async () => {
    addTaskType('frobnicate_widgets', 'Media-buy domain: Frobnicate the widgets');
    const error = await generationError(cache);
    expect(error.file).toBe(path.join(cache, 'manifest.json'));
    expect(error.message).toContain('cannot resolve the terminal result schema of task type "frobnicate_widgets"');
  });
});
