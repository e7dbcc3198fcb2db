import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot, runCliProcess } from '../helpers/cli.js';

describe('adcp-codegen --version', () => {
  it('prints the package version and exits 0', () => {
    const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as { version: string };
    const run = runCliProcess(['--version']);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(pkg.version);
  });

  it('exits 2 on an unknown command', () => {
    const run = runCliProcess(['no-such-command']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown command/);
  });
});
