// README.md stays true: its sections in the agreed order, exactly two newcomer commands, a CLI
// reference equal to commander's own `--help` for every command, and TypeScript examples that
// compile against the package (resolved by name, the way users import it).
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { currentCliReference, renderCliReference } from '../../src/cli/output/help-reference.js';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { consumerCompilerOptions } from '../helpers/consumer-tsconfig.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README.md has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

function fencedBlocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```$', 'gm'))].map((match) => match[1] ?? '');
}

describe('README.md', () => {
  it('has its sections in order', () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((match) => match[1]);
    expect(headings).toEqual([
      'Two commands',
      'Seller quick start',
      'Buyer quick start',
      'Other webhook kinds',
      'CLI reference',
      'AdCP versions',
      'Security',
      'Durability',
      'CI',
      'Project layout',
    ]);
    expect(readme.startsWith('# adcp-codegen\n')).toBe(true);
  });

  it('gives a newcomer exactly two commands: install and run the main job, then the tests', () => {
    const commands = fencedBlocks(section('Two commands'), 'sh').map((block) => block.trim());
    expect(commands).toEqual(['npm ci && npx adcp-codegen generate', 'npm test']);
  });

  it('names every top-level folder of the repository in the project layout', () => {
    const listed = [...section('Project layout').matchAll(/^- `([^`/]+)\/`/gm)].map((match) => match[1]);
    const tracked = spawnSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' }).stdout.split('\n');
    const folders = [...new Set(tracked.filter((path) => path.includes('/') && !path.startsWith('.')).map((path) => path.split('/')[0]))];
    expect(listed.sort()).toEqual(folders.sort());
  });

  it('states the duplicate window and what rows store as they are (the crash test resends what was on the wire)', () => {
    const durability = section('Durability').replace(/\s+/g, ' ');
    expect(durability).toContain('every attempt it had on the wire is sent again');
    expect(durability).not.toContain('One window can deliver twice');
    expect(durability).toContain("including the buyer's `push_notification_config.token`");
    expect(durability).toContain('bodyEncryption');
  });

  it('has a CI snippet that runs `npx adcp-codegen check`', () => {
    const [workflow] = fencedBlocks(section('CI'), 'yaml');
    expect(workflow).toMatch(/^\s+- run: npx adcp-codegen check$/m);
    expect(workflow).toMatch(/^\s+- run: npm ci$/m);
  });
});

describe('README.md CLI reference', () => {
  it('equals the help of every command rendered from buildProgram() (run `npm run docs:cli` to update)', () => {
    expect(currentCliReference(readme)).toBe(renderCliReference(buildProgram()).trim());
  });

  it('equals what the built CLI prints for `<command> --help`, command by command', async () => {
    const run = promisify(execFile);
    const sections = [...(currentCliReference(readme) ?? '').matchAll(/^#### `adcp-codegen([^`]*)`\n\n```text\n([\s\S]*?)\n```$/gm)];
    expect(sections.length).toBeGreaterThanOrEqual(12);
    await Promise.all(
      sections.map(async ([, path, documented]) => {
        const args = [...(path ?? '').trim().split(' ').filter(Boolean), '--help'];
        const { stdout } = await run(process.execPath, [cliPath, ...args], { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
        expect(stdout.trimEnd(), `adcp-codegen ${args.join(' ')}`).toBe(documented);
      }),
    );
  }, 120_000);
});

describe('README.md TypeScript examples', () => {
  const dir = join(repoRoot, '.tmp', `readme-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compile under strict NodeNext against the package (`import … from "adcp-codegen"`)', () => {
    const blocks = fencedBlocks(readme, 'ts');
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    mkdirSync(dir, { recursive: true });
    const files = blocks.map((block, index) => {
      const file = `example-${index + 1}.ts`;
      writeFileSync(join(dir, file), `${block}\nexport {};\n`);
      return file;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: consumerCompilerOptions({
          noUncheckedIndexedAccess: true,
          skipLibCheck: true,
          typeRoots: [join(repoRoot, 'node_modules/@types')],
        }),
        files,
      }),
    );
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', dir], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});
