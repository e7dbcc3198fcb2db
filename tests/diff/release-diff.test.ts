// Acceptance: the diff between real AdCP releases names what SPEC-NOTES §1 says changed, and nothing when
// only the version string differs.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffSnapshots, SchemaSnapshot, type SchemaDiffReport } from '../../codegen/diff/index.js';
import { repoRoot } from '../helpers/cli.js';
import { sharedSchemasRoot } from '../helpers/shared.js';

const shared = sharedSchemasRoot;
const open = (version: string) => SchemaSnapshot.open(join(shared, version));
const cache = new Map<string, SchemaDiffReport>();
function diff(from: string, to: string): SchemaDiffReport {
  const key = `${from}→${to}`;
  if (!cache.has(key)) cache.set(key, diffSnapshots(open(from), open(to)));
  return cache.get(key) as SchemaDiffReport;
}

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('3.0.26 → 3.1.19', () => {
  const report = () => diff('3.0.26', '3.1.19');

  it('names the four added task types and no removed one', () => {
    expect([...report().taskTypes.added].sort()).toEqual(['build_creative', 'get_products', 'media_buy_delivery', 'search_brands']);
    expect(report().taskTypes.removed).toEqual([]);
    expect(report().taskTypes.breaks).toEqual(['receivers']);
  });

  it('reports operation_id becoming required in the envelope, breaking senders', () => {
    const change = report().envelope.changes.find((c) => c.path === 'operation_id');
    expect(change).toMatchObject({ kind: 'became-required', breaks: ['senders'] });
    expect(report().breaking.senders).toContain('envelope: operation_id became required');
  });

  it('reports notification_id and token added as optional envelope fields', () => {
    const added = report().envelope.changes.filter((c) => c.kind === 'property-added');
    expect(added.map((c) => [c.path, c.required])).toEqual([
      ['notification_id', false],
      ['token', false],
    ]);
  });

  it('reports adcp-protocol gaining measurement, and the push config gaining operation_id and a token maxLength', () => {
    expect(report().enums).toEqual([
      expect.objectContaining({ schema: 'enums/adcp-protocol.json', usedBy: ['envelope'], added: ['measurement'], removed: [] }),
    ]);
    expect(report().pushConfig.changes).toEqual([
      expect.objectContaining({ kind: 'property-added', path: 'operation_id', required: false, breaks: [] }),
      expect.objectContaining({ kind: 'constraint-tightened', path: 'token', keyword: 'maxLength', to: 4096, breaks: ['receivers'] }),
    ]);
  });

  it('lists result-schema changes for task types present in both releases only', () => {
    const tasks = report().resultSchemas.map((r) => r.taskType);
    expect(tasks).toContain('create_media_buy');
    expect(tasks).not.toContain('get_products'); // new in 3.1: reported as an added task type instead
    const createMediaBuy = report().resultSchemas.find((r) => r.taskType === 'create_media_buy');
    expect(createMediaBuy?.from).toBe('media-buy/create-media-buy-response.json');
    expect(createMediaBuy?.changedFiles.length).toBeGreaterThan(0);
  });

  it('gives the verdict breaking for senders and receivers', () => {
    expect(report().verdict).toBe('breaking for senders and receivers');
    expect(report().from.adcpVersion).toBe('3.0.26');
    expect(report().to.adcpVersion).toBe('3.1.19');
  });
});

describe('3.1.19 → 3.2.0-beta.5', () => {
  const report = () => diff('3.1.19', '3.2.0-beta.5');

  it('names the nine added task types', () => {
    expect([...report().taskTypes.added].sort()).toEqual([
      'accept_proposal',
      'buy_products',
      'control_media_buy',
      'decline_proposals',
      'preview_creative',
      'refine_proposals',
      'request_proposals',
      'sync_agent_notification_configs',
      'update_rights',
    ]);
  });

  it('sees deprecations (authentication, auth-scheme) without calling them breaking', () => {
    expect(report().pushConfig.changes).toEqual([
      expect.objectContaining({ kind: 'deprecated', path: 'authentication', breaks: [] }),
    ]);
    expect(report().enums).toEqual([
      expect.objectContaining({ schema: 'enums/auth-scheme.json', deprecated: { from: false, to: true }, breaks: [] }),
    ]);
  });

  it('sees the envelope allOf rule for rejected get_products results as a tightening', () => {
    expect(report().envelope.changes).toEqual([
      expect.objectContaining({ kind: 'variant-added', keyword: 'allOf', to: 'if/then rule', breaks: ['senders'] }),
    ]);
  });

  it('resolves media_buy_delivery through x-task-result-schema-overrides (3.2) and the documented override (3.1)', () => {
    const delivery = report().resultSchemas.find((r) => r.taskType === 'media_buy_delivery');
    expect(delivery).toMatchObject({
      from: 'media-buy/media-buy-delivery-webhook-result.json',
      to: 'media-buy/media-buy-delivery-webhook-result.json',
      status: 'changed',
    });
  });
});

describe('no changes', () => {
  it('between a version and itself', () => {
    for (const version of ['3.0.26', '3.1.19', '3.2.0-beta.5']) {
      const report = diff(version, version);
      expect(report.verdict).toBe('no changes');
      expect(report.resultSchemas).toEqual([]);
      expect(report.breaking).toEqual({ senders: [], receivers: [] });
    }
  });

  it('between the shared 3.1.19 and the repo cache', () => {
    const report = diffSnapshots(open('3.1.19'), SchemaSnapshot.open(join(repoRoot, 'schemas', 'cache')));
    expect(report.verdict).toBe('no changes');
  });

  it('when only the version inside $id/$ref changes, including a switch to absolute https ids', () => {
    const copy = mkdtempSync(join(tmpdir(), 'adcp-diff-rebumped-'));
    tempDirs.push(copy);
    cpSync(join(shared, '3.1.19'), copy, { recursive: true });
    rewriteJsonFiles(copy, (text) =>
      text.replaceAll('"/schemas/3.1.19/', '"https://adcontextprotocol.org/schemas/3.1.99/').replaceAll('"3.1.19"', '"3.1.99"'),
    );
    const report = diffSnapshots(open('3.1.19'), SchemaSnapshot.open(copy));
    expect(report.to.adcpVersion).toBe('3.1.99');
    expect(report.verdict).toBe('no changes');
  });

  it('when only descriptions change', () => {
    const copy = mkdtempSync(join(tmpdir(), 'adcp-diff-reworded-'));
    tempDirs.push(copy);
    cpSync(join(shared, '3.1.19'), copy, { recursive: true });
    rewriteJsonFiles(copy, (text) => text.replace(/"description": "/g, '"description": "Reworded. '));
    expect(diffSnapshots(open('3.1.19'), SchemaSnapshot.open(copy)).verdict).toBe('no changes');
  });
});

function rewriteJsonFiles(dir: string, rewrite: (text: string) => string): void {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) rewriteJsonFiles(path, rewrite);
    else if (name.endsWith('.json')) writeFileSync(path, rewrite(readFileSync(path, 'utf8')));
  }
}
