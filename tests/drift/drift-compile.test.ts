// Drift fails compilation, proven with the real generator and the real tsc: regenerate
// src/generated from mutated copies of the schema cache (and from other AdCP releases) next to a
// copy of src/runtime, type-check, and assert each failure and the symbol its diagnostic names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildVariant,
  compileVariants,
  createWorkspace,
  editJson,
  REPO,
  SHARED_SCHEMAS,
  type Diagnostic,
  type DriftWorkspace,
  type VariantSpec,
} from './support/variants.js';

const CACHE = join(REPO, 'schemas/cache');
const TYPED_USAGE = 'tests/drift/fixtures/typed-usage.ts';

const VARIANTS: readonly VariantSpec[] = [
  {
    name: 'pinned-3.1.19',
    useRepoGenerated: true,
    extraSources: { [TYPED_USAGE]: readFileSync(join(REPO, TYPED_USAGE), 'utf8') },
  },
  {
    name: 'removed-task-type',
    schemasDir: CACHE,
    mutate: (dir) =>
      editJson(join(dir, 'enums/task-type.json'), (schema) => {
        schema['enum'] = (schema['enum'] as string[]).filter((member) => member !== 'update_media_buy');
        delete (schema['enumDescriptions'] as Record<string, string>)['update_media_buy'];
      }),
  },
  {
    name: 'renamed-status',
    schemasDir: CACHE,
    mutate: (dir) =>
      editJson(join(dir, 'enums/task-status.json'), (schema) => {
        schema['enum'] = (schema['enum'] as string[]).map((member) => (member === 'canceled' ? 'cancelled' : member));
        const descriptions = schema['enumDescriptions'] as Record<string, string>;
        descriptions['cancelled'] = descriptions['canceled']!;
        delete descriptions['canceled'];
      }),
  },
  {
    name: 'new-required-envelope-field',
    schemasDir: CACHE,
    mutate: (dir) =>
      editJson(join(dir, 'core/mcp-webhook-payload.json'), (schema) => {
        (schema['properties'] as Record<string, unknown>)['delivery_attempt'] = { type: 'integer', minimum: 1, description: 'Attempt number.' };
        (schema['required'] as string[]).push('delivery_attempt');
      }),
  },
  { name: 'release-3.0.26', schemasDir: join(SHARED_SCHEMAS, '3.0.26') },
  { name: 'release-3.2.0-beta.5', schemasDir: join(SHARED_SCHEMAS, '3.2.0-beta.5') },
];

let workspace: DriftWorkspace;
let diagnostics: Map<string, Diagnostic[]>;

beforeAll(async () => {
  workspace = createWorkspace();
  for (const spec of VARIANTS) await buildVariant(workspace, spec);
  diagnostics = await compileVariants(
    workspace,
    VARIANTS.map((spec) => spec.name),
  );
}, 300_000);

afterAll(() => workspace?.dispose());

function of(variant: string): Diagnostic[] {
  return diagnostics.get(variant) ?? [];
}

function summary(found: readonly Diagnostic[]): string[] {
  return found.map((d) => `${d.file} ${d.code}`);
}

/** Each union member named in the diagnostic, quoted as tsc prints string literal types. */
function namesAll(message: string, members: readonly string[]): boolean {
  return members.every((member) => message.includes(`"${member}"`));
}

describe('drift fails compilation of src/runtime, naming the symbol', () => {
  it('nothing outside the variants was reported', () => {
    expect(of('?')).toEqual([]);
  });

  it('removing a task type the runtime uses (update_media_buy) breaks tsc in the sync-completion set and the task-kind table', () => {
    const found = of('removed-task-type');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.file.startsWith('src/runtime/webhooks/'))).toBe(true);
    expect(found.filter((d) => d.message.includes('"update_media_buy"')).map((d) => d.file)).toEqual(
      expect.arrayContaining(['src/runtime/webhooks/sync-completion.ts', 'src/runtime/webhooks/task-kinds.ts']),
    );
    expect(found).toContainEqual({
      file: 'src/runtime/webhooks/task-kinds.ts',
      code: 'TS2322',
      message: `Type 'true' is not assignable to type '"update_media_buy"'.`,
    });
  });

  it('renaming a status the runtime switches on (canceled → cancelled) breaks the exhaustive switch, naming both', () => {
    const all = of('renamed-status');
    // The receiver's status ordering table names the status too.
    expect(summary(all.filter((d) => !d.file.startsWith('src/runtime/webhooks/')))).toEqual(['src/runtime/receiver/event-tracking.ts TS2769']);
    const found = all.filter((d) => d.file.startsWith('src/runtime/webhooks/'));
    expect(summary(found)).toEqual(['src/runtime/webhooks/status-roles.ts TS2678', 'src/runtime/webhooks/status-roles.ts TS2345']);
    expect(found[0]!.message).toMatch(/^Type '"canceled"' is not comparable to type '.*"cancelled".*'\.$/);
    expect(found[1]!.message).toBe(`Argument of type '"cancelled"' is not assignable to parameter of type 'never'.`);
  });

  it('a newly required envelope field (delivery_attempt) breaks the generated binding, naming the field', () => {
    const found = of('new-required-envelope-field');
    // The runtime builds envelopes through the binding; its payload input cannot supply the new member.
    expect(summary(found)).toEqual(['src/generated/binding.ts TS2322']);
    expect(found[0]!.message).toBe(`Type 'true' is not assignable to type '"delivery_attempt"'.`);
  });
});

describe('the unmodified runtime against each AdCP release', () => {
  it('3.1.19 (pinned): compiles cleanly, and the typed API accepts and refuses what it should', () => {
    expect(of('pinned-3.1.19')).toEqual([]);
  });

  it('3.0.26: fails only where the spec changed: the task types 3.1 added, the token / notification_id envelope members and the operation_id config member 3.1 added', () => {
    const found = of('release-3.0.26');
    expect(new Set(found.map((d) => d.file))).toEqual(
      new Set(['src/runtime/webhooks/task-kinds.ts', 'src/runtime/webhooks/task-envelope.ts', 'src/runtime/webhooks/push-config.ts']),
    );
    // The push config type is closed: the field list the runtime echoes names a member 3.0 lacks.
    expect(found.find((d) => d.file.endsWith('push-config.ts'))?.message).toBe(`Type '"operation_id"' is not assignable to type 'keyof PushNotificationConfig'.`);
    const missingMembers = found.find((d) => d.file.endsWith('task-envelope.ts'));
    expect(namesAll(missingMembers?.message ?? '', ['token', 'notification_id'])).toBe(true);
    expect(found.map((d) => d.message)).toEqual(expect.arrayContaining([expect.stringContaining("'media_buy_delivery'")]));
  });

  it('3.2.0-beta.5: fails only where the spec changed: the nine task types 3.2 added have no task kind yet', () => {
    const found = of('release-3.2.0-beta.5');
    expect(new Set(found.map((d) => d.file))).toEqual(new Set(['src/runtime/webhooks/task-kinds.ts']));
    const missingKinds = found.find((d) => d.code === 'TS2322');
    expect(
      namesAll(missingKinds?.message ?? '', [
        'buy_products',
        'accept_proposal',
        'control_media_buy',
        'preview_creative',
        'request_proposals',
        'refine_proposals',
        'decline_proposals',
        'update_rights',
        'sync_agent_notification_configs',
      ]),
    ).toBe(true);
  });
});
