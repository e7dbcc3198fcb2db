// `adcp-codegen diff` as users run it: the built CLI in a child process (build first: npx tsc -p tsconfig.build.json).
import { describe, expect, it } from 'vitest';
import { runCliOnTty, runCliProcess, ttyAvailable } from '../helpers/cli.js';
import { sharedSchemasRoot } from '../helpers/shared.js';

const shared = sharedSchemasRoot;
const ESC = '\u001b[';

describe('adcp-codegen diff', () => {
  it('prints a readable report for 3.0.26 → 3.1.19 and exits 0', () => {
    const run = runCliProcess(['diff', '--from', `${shared}/3.0.26`, '--to', `${shared}/3.1.19`]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('AdCP schema diff: 3.0.26 → 3.1.19');
    expect(run.stdout).toContain('Verdict: breaking for senders and receivers');
    expect(run.stdout).toContain('    - envelope: operation_id became required');
    expect(run.stdout).toContain('Task types (enums/task-type.json): 4 added, 0 removed');
    for (const task of ['media_buy_delivery', 'build_creative', 'get_products', 'search_brands']) {
      expect(lines).toContain(`  + ${task}`);
    }
    expect(run.stdout).toContain('enums/adcp-protocol.json (envelope): +measurement');
    expect(run.stdout).not.toContain(ESC); // not a TTY
  });

  it('prints the stable JSON object with --json', () => {
    const run = runCliProcess(['diff', '--from', `${shared}/3.1.19`, '--to', `${shared}/3.2.0-beta.5`, '--json']);
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout) as Record<string, unknown> & { taskTypes: { added: string[] } };
    expect(Object.keys(report)).toEqual([
      'format', 'from', 'to', 'verdict', 'breaking', 'taskTypes', 'enums', 'envelope', 'pushConfig', 'referencedSchemas', 'resultSchemas',
    ]);
    expect(report.format).toBe('adcp-schema-diff/1');
    expect(report.from).toEqual({ source: `${shared}/3.1.19`, adcpVersion: '3.1.19' });
    expect(report.taskTypes.added).toHaveLength(9);
    expect(report.taskTypes.added).toContain('sync_agent_notification_configs');
  });

  it('says "no changes" for a version against itself', () => {
    const human = runCliProcess(['diff', '--from', `${shared}/3.2.0-beta.5`, '--to', `${shared}/3.2.0-beta.5`]);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('Verdict: no changes');
    const json = runCliProcess(['diff', '--from', `${shared}/3.1.19`, '--to', 'schemas/cache', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'no changes', resultSchemas: [], envelope: { changes: [] } });
  });

  it('exits 2 with one line naming a missing directory, and writes nothing to stdout', () => {
    const run = runCliProcess(['diff', '--from', '/nonexistent/adcp-schemas', '--to', `${shared}/3.1.19`, '--json']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'adcp-codegen: diff: /nonexistent/adcp-schemas: schema source not found (expected a directory, a tarball, a tarball URL, a release version or latest)',
    ]);
  });

  it('exits 2 when --to is missing', () => {
    const run = runCliProcess(['diff', '--from', `${shared}/3.1.19`]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/required option '--to <source>'/);
  });

  it.skipIf(!ttyAvailable)('colours on a TTY, never with NO_COLOR', async () => {
    const args = ['diff', '--from', `${shared}/3.0.26`, '--to', `${shared}/3.1.19`];
    const coloured = await runCliOnTty(args);
    expect(coloured.status).toBe(0);
    expect(coloured.stdout).toContain(`${ESC}31m[breaks senders]`);
    const plain = await runCliOnTty(args, { env: { NO_COLOR: '1' } });
    expect(plain.stdout).toContain('Verdict: breaking for senders and receivers');
    expect(plain.stdout).not.toContain(ESC);
  });
});
