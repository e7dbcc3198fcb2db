// Each generated output's binding.ts: defineBinding accepts it, its rules come from that release's
// schemas (operation_id required from the envelope's `required`), and a cache with one added task
// status yields a binding whose validator and status roles both know the new status.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFiles } from '../../codegen/pipeline.js';
import { BINDING_CONTRACT, BindingContractError, defineBinding, type AnyAdcpBinding } from '../../src/runtime/binding/index.js';
import { binding as defaultBinding } from '../../src/index.js';
import { bindingEntryFrom, copySchemas, editJson, makeTempDir, schemaDir, writeFiles } from '../codegen/helpers.js';
import { rmSync } from 'node:fs';

const bindings = new Map<string, AnyAdcpBinding>();
let workDir: string;

async function generateBinding(name: string, schemasDir: string): Promise<AnyAdcpBinding> {
  const dir = path.join(workDir, name);
  writeFiles(dir, await generateFiles({ schemasDir, bindingEntry: bindingEntryFrom(dir) }));
  return ((await import(pathToFileURL(path.join(dir, 'binding.ts')).href)) as { binding: AnyAdcpBinding }).binding;
}

beforeAll(async () => {
  workDir = makeTempDir('binding-generated');
  for (const version of ['3.0.26', '3.2.0-beta.5'] as const) bindings.set(version, await generateBinding(`v${version}`, schemaDir(version)));
  const mutated = copySchemas('3.1.19', path.join(workDir, 'schemas-mutated'));
  editJson(path.join(mutated, 'enums', 'task-status.json'), (schema) => {
    (schema['enum'] as string[]).push('paused');
  });
  bindings.set('mutated', await generateBinding('vmutated', mutated));
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('generated bindings', () => {
  it('the package root carries the bundled 3.1.19 binding, operation_id required', () => {
    expect(defaultBinding.version).toBe('3.1.19');
    expect(defaultBinding.contract).toBe(BINDING_CONTRACT);
    expect(defaultBinding.rules.operationIdRequired).toBe(true);
    expect(defaultBinding.statusRole('completed')).toBe('terminal');
    expect(defaultBinding.taskKind('media_buy_delivery')).toBe('report');
  });

  it('3.0.26 does not require operation_id; its validator accepts an envelope without one', () => {
    const v30 = bindings.get('3.0.26')!;
    expect(v30.rules.operationIdRequired).toBe(false);
    const payload = v30.buildMcpWebhookPayload({ task_id: 't1', task_type: 'create_media_buy', status: 'working' });
    expect(v30.validateMcpWebhookPayload(payload).ok).toBe(true);
    expect(defaultBinding.validateMcpWebhookPayload(payload).ok).toBe(false);
  });

  it('3.2.0-beta.5 knows buy_products; 3.1.19 does not', () => {
    expect(bindings.get('3.2.0-beta.5')!.isTaskType('buy_products')).toBe(true);
    expect(defaultBinding.isTaskType('buy_products')).toBe(false);
  });

  it('a cache with one added status: validator and status role both accept it', () => {
    const mutated = bindings.get('mutated')!;
    expect(mutated.isTaskStatus('paused')).toBe(true);
    expect(mutated.statusRole('paused')).toBe('progress');
    const payload = mutated.buildMcpWebhookPayload({ operation_id: 'op_1', task_id: 't1', task_type: 'create_media_buy', status: 'paused' });
    expect(mutated.validateMcpWebhookPayload(payload).ok).toBe(true);
    expect(defaultBinding.validateMcpWebhookPayload(payload).ok).toBe(false);
  });

  it('defineBinding refuses a spec that breaks the contract, naming the member', () => {
    const spec = { ...defaultBinding, statusRoles: { ...defaultBinding.statusRoles, working: undefined } };
    const thrown = (() => {
      try {
        defineBinding(spec as never);
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(BindingContractError);
    expect((thrown as BindingContractError).code).toBe('ADCP_BINDING_CONTRACT_INVALID');
    expect((thrown as BindingContractError).member).toBe('statusRoles.working');
    expect(() => defineBinding({ ...defaultBinding, contract: 2 } as never)).toThrow(/binding contract 1/);
  });
});
