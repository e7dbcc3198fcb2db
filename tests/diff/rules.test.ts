// Each verdict rule of codegen/diff/verdict-rules.ts, on minimal snapshots that differ in one respect.
import { describe, expect, it } from 'vitest';
import { diffSnapshots, type SchemaDiffReport } from '../../codegen/diff/index.js';
import { at, baseTree, edited, ref, snapshotOf, type Tree } from './fixture-snapshot.js';

function diff(after: Tree, before: Tree = baseTree()): SchemaDiffReport {
  return diffSnapshots(snapshotOf(before, 'before'), snapshotOf(after, 'after'));
}

const envelope = 'core/mcp-webhook-payload.json';
const pushConfig = 'core/push-notification-config.json';

describe('no changes', () => {
  it('for identical trees', () => {
    const report = diff(baseTree());
    expect(report.verdict).toBe('no changes');
    expect(report.from.source).toBe('before');
  });

  it('when only descriptions, titles, examples and x- keywords differ', () => {
    const report = diff(
      edited((tree) => {
        at(tree, envelope).description = 'Reworded';
        at(tree, envelope).title = 'New title';
        at(tree, envelope, 'properties', 'task_id')['x-entity'] = 'task';
        at(tree, envelope).examples = [{ description: 'x', data: {} }];
      }),
    );
    expect(report.verdict).toBe('no changes');
  });

  it('when the version in every $id/$ref moves from /schemas/3.1.0/ to https://…/schemas/3.2.0/', () => {
    const report = diff(baseTree('3.2.0'), baseTree('3.1.0'));
    expect(report.verdict).toBe('no changes');
    expect(report.to.adcpVersion).toBe('3.2.0');
  });

  it('when enum members are only reordered', () => {
    const report = diff(edited((tree) => void (at(tree, 'enums/task-type.json').enum = ['delete_thing', 'create_thing'])));
    expect(report.verdict).toBe('no changes');
  });

  it('does not treat a property named `description` as documentation', () => {
    const report = diff(edited((tree) => void (at(tree, envelope, 'properties').description = { type: 'string' })));
    expect(report.envelope.changes).toEqual([expect.objectContaining({ kind: 'property-added', path: 'description' })]);
  });
});

describe('task types and enums', () => {
  it('a removed task type breaks senders', () => {
    const report = diff(edited((tree) => void (at(tree, 'enums/task-type.json').enum = ['create_thing'])));
    expect(report.taskTypes).toEqual({ added: [], removed: ['delete_thing'], breaks: ['senders'] });
    expect(report.verdict).toBe('breaking for senders');
    expect(report.breaking.senders).toEqual(['task types removed: delete_thing']);
  });

  it('an added task status breaks receivers; a removed one breaks senders', () => {
    const added = diff(edited((tree) => void (at(tree, 'enums/task-status.json').enum = ['working', 'completed', 'failed'])));
    expect(added.enums).toEqual([expect.objectContaining({ schema: 'enums/task-status.json', added: ['failed'], breaks: ['receivers'] })]);
    expect(added.verdict).toBe('breaking for receivers');
    const removed = diff(edited((tree) => void (at(tree, 'enums/task-status.json').enum = ['completed'])));
    expect(removed.enums[0]).toMatchObject({ removed: ['working'], breaks: ['senders'] });
  });

  it('an enum of the push config breaks the other way round: a new auth scheme breaks senders', () => {
    const report = diff(edited((tree) => void (at(tree, 'enums/auth-scheme.json').enum = ['Bearer', 'HMAC-SHA256'])));
    expect(report.enums[0]).toMatchObject({ usedBy: ['push-config'], added: ['HMAC-SHA256'], breaks: ['senders'] });
  });
});

describe('envelope fields (written by senders)', () => {
  const change = (edit: (tree: Tree) => void) => diff(edited(edit)).envelope.changes;

  it('a new required field breaks senders, a new optional one is additive', () => {
    expect(
      change((tree) => {
        at(tree, envelope, 'properties').operation_id = { type: 'string' };
        (at(tree, envelope).required as string[]).push('operation_id');
      }),
    ).toEqual([expect.objectContaining({ kind: 'property-added', path: 'operation_id', required: true, breaks: ['senders'] })]);
    const additive = diff(edited((tree) => void (at(tree, envelope, 'properties').context_id = { type: 'string' })));
    expect(additive.verdict).toBe('additive');
  });

  it('became required breaks senders; no longer required breaks receivers', () => {
    expect(change((tree) => void (at(tree, envelope).required as string[]).push('message'))).toEqual([
      expect.objectContaining({ kind: 'became-required', path: 'message', breaks: ['senders'] }),
    ]);
    expect(change((tree) => void (at(tree, envelope).required = ['task_id', 'task_type']))).toEqual([
      expect.objectContaining({ kind: 'no-longer-required', path: 'status', breaks: ['receivers'] }),
    ]);
  });

  it('a removed field breaks receivers', () => {
    expect(change((tree) => void delete at(tree, envelope, 'properties').message)).toEqual([
      expect.objectContaining({ kind: 'property-removed', path: 'message', closed: false, breaks: ['receivers'] }),
    ]);
  });

  it('length bounds: tightened breaks senders, loosened breaks receivers', () => {
    expect(change((tree) => void (at(tree, envelope, 'properties', 'token').maxLength = 255))).toEqual([
      expect.objectContaining({ kind: 'constraint-tightened', keyword: 'maxLength', from: 4096, to: 255, breaks: ['senders'] }),
    ]);
    expect(change((tree) => void delete at(tree, envelope, 'properties', 'token').minLength)).toEqual([
      expect.objectContaining({ kind: 'constraint-loosened', keyword: 'minLength', from: 16, breaks: ['receivers'] }),
    ]);
  });

  it('a pattern added tightens; a pattern rewritten breaks both sides', () => {
    const tree = edited((t) => void (at(t, envelope, 'properties', 'task_id').pattern = '^[a-z]+$'));
    expect(diff(tree).envelope.changes).toEqual([
      expect.objectContaining({ kind: 'constraint-tightened', keyword: 'pattern', breaks: ['senders'] }),
    ]);
    const rewritten = structuredClone(tree);
    at(rewritten, envelope, 'properties', 'task_id').pattern = '^[A-Z]+$';
    expect(diff(rewritten, tree).envelope.changes).toEqual([
      expect.objectContaining({ kind: 'constraint-changed', keyword: 'pattern', breaks: ['senders', 'receivers'] }),
    ]);
    expect(diff(rewritten, tree).verdict).toBe('breaking for senders and receivers');
  });

  it('type: widened to [string, null] breaks receivers, swapped breaks both', () => {
    expect(change((tree) => void (at(tree, envelope, 'properties', 'message').type = ['string', 'null']))).toEqual([
      expect.objectContaining({ kind: 'constraint-loosened', keyword: 'type', breaks: ['receivers'] }),
    ]);
    expect(change((tree) => void (at(tree, envelope, 'properties', 'message').type = 'integer'))).toEqual([
      expect.objectContaining({ kind: 'constraint-changed', keyword: 'type', breaks: ['senders', 'receivers'] }),
    ]);
  });

  it('deprecated is reported but breaks nobody', () => {
    const report = diff(edited((tree) => void (at(tree, envelope, 'properties', 'message').deprecated = true)));
    expect(report.envelope.changes).toEqual([expect.objectContaining({ kind: 'deprecated', path: 'message', breaks: [] })]);
    expect(report.verdict).toBe('additive');
  });

  it('a field retargeted to another enum breaks both sides', () => {
    expect(change((tree) => void (at(tree, envelope, 'properties', 'status').$ref = ref('3.1.0', 'enums/auth-scheme.json')))).toEqual([
      expect.objectContaining({ kind: 'ref-changed', from: 'enums/task-status.json', to: 'enums/auth-scheme.json' }),
    ]);
  });
});

describe('push config fields (written by receivers)', () => {
  it('a new required field breaks receivers', () => {
    const report = diff(
      edited((tree) => {
        at(tree, pushConfig, 'properties').operation_id = { type: 'string' };
        at(tree, pushConfig).required = ['url', 'operation_id'];
      }),
    );
    expect(report.pushConfig.changes).toEqual([expect.objectContaining({ kind: 'property-added', required: true, breaks: ['receivers'] })]);
    expect(report.verdict).toBe('breaking for receivers');
  });

  it('a field removed from a closed object breaks both sides', () => {
    const report = diff(edited((tree) => void delete at(tree, pushConfig, 'properties', 'authentication', 'properties').schemes));
    expect(report.pushConfig.changes).toEqual([
      expect.objectContaining({ kind: 'property-removed', path: 'authentication.schemes', closed: true, breaks: ['senders', 'receivers'] }),
    ]);
  });
});

describe('result schemas', () => {
  const thing = 'core/thing.json';

  it('follows $refs into referenced files, through a self-referencing schema, and reports where the change sits', () => {
    const report = diff(edited((tree) => void (at(tree, thing, 'properties').name = { type: 'string' })));
    expect(report.resultSchemas).toEqual([
      expect.objectContaining({
        taskType: 'create_thing',
        status: 'changed',
        changedFiles: [thing],
        changes: [expect.objectContaining({ kind: 'property-added', path: 'thing.name', location: `${thing}#/properties/name` })],
        breaks: [],
      }),
    ]);
    expect(report.verdict).toBe('additive');
  });

  it('a required result field breaks senders', () => {
    const report = diff(edited((tree) => void (at(tree, thing).required = ['id'])));
    expect(report.resultSchemas[0]).toMatchObject({ breaks: ['senders'] });
    expect(report.breaking.senders).toEqual(['result schema changed for create_thing']);
  });

  it('a result schema moved to another file with the same content is "moved" and breaks nobody', () => {
    const report = diff(
      edited((tree) => {
        tree['things/v2/create-thing-response.json'] = tree['things/create-thing-response.json'] as Tree[string];
        at(tree, 'manifest.json', 'tools', 'create_thing').response_schema = 'things/v2/create-thing-response.json';
      }),
    );
    expect(report.resultSchemas).toEqual([
      expect.objectContaining({ status: 'moved', to: 'things/v2/create-thing-response.json', changes: [], breaks: [] }),
    ]);
  });

  it('x-task-result-schema-overrides wins over the manifest; a newly declared result schema breaks receivers', () => {
    const report = diff(
      edited((tree) => {
        tree['things/delete-thing-result.json'] = { type: 'object' };
        at(tree, 'enums/task-type.json')['x-task-result-schema-overrides'] = { delete_thing: 'things/delete-thing-result.json' };
        at(tree, 'manifest.json', 'tools').delete_thing = { response_schema: 'things/create-thing-response.json' };
      }),
    );
    expect(report.resultSchemas).toEqual([
      expect.objectContaining({ taskType: 'delete_thing', status: 'declared', to: 'things/delete-thing-result.json', breaks: ['receivers'] }),
    ]);
  });

  it('oneOf branches are matched by $ref target: a new branch breaks receivers, a lost one senders', () => {
    const withBranches = (targets: string[]) =>
      edited((tree) => {
        tree['things/a.json'] = { type: 'object', required: ['a'] };
        tree['things/b.json'] = { type: 'object', required: ['b'] };
        at(tree, 'things/create-thing-response.json', 'properties').variant = {
          oneOf: targets.map((target) => ({ $ref: ref('3.1.0', target) })),
        };
      });
    const before = withBranches(['things/a.json']);
    const grown = diff(withBranches(['things/b.json', 'things/a.json']), before).resultSchemas[0];
    expect(grown?.changes).toEqual([
      expect.objectContaining({ kind: 'variant-added', keyword: 'oneOf', path: 'variant', to: 'things/b.json', breaks: ['receivers'] }),
    ]);
    const shrunk = diff(before, withBranches(['things/a.json', 'things/b.json'])).resultSchemas[0];
    expect(shrunk?.changes).toEqual([expect.objectContaining({ kind: 'variant-removed', from: 'things/b.json', breaks: ['senders'] })]);
  });
});

describe('result schema resolution before 3.2', () => {
  const withDelivery = (description: string) =>
    edited((tree) => {
      const taskTypes = at(tree, 'enums/task-type.json');
      taskTypes.enum = ['create_thing', 'delete_thing', 'media_buy_delivery'];
      taskTypes.enumDescriptions = { media_buy_delivery: description };
      tree['media-buy/media-buy-delivery-webhook-result.json'] = { type: 'object' };
    });

  it('applies the prose-only media_buy_delivery override while its enumDescription names the file', async () => {
    const { resolveResultSchema } = await import('../../codegen/diff/result-schemas.js');
    const stated = snapshotOf(withDelivery('The inner result uses media-buy-delivery-webhook-result.json.'));
    expect(resolveResultSchema(stated, 'media_buy_delivery')).toEqual({
      schema: 'media-buy/media-buy-delivery-webhook-result.json',
      rule: expect.stringContaining('enumDescriptions prose'),
    });
    expect(resolveResultSchema(snapshotOf(withDelivery('Delivery report.')), 'media_buy_delivery')).toBeUndefined();
  });
});
