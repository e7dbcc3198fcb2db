// Builds a throw-away consumer project around the packed tarball: `npm pack` of the repository
// (scripts skipped: `npm test` has just built dist/), then `npm install` of that tarball into an empty
// temp directory, offline-first from the npm cache. Every step is a real child process with a timeout
// and fails with the command, its exit status and the tail of its output.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface StepResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface StepOptions {
  readonly cwd: string;
  readonly timeoutMs?: number;
  /** Resolve instead of throwing on a non-zero exit (for commands expected to fail). */
  readonly allowFailure?: boolean;
}

/** Runs one command; throws an Error naming it, its exit status and its output's tail on failure. */
export function step(command: string, args: readonly string[], options: StepOptions): StepResult & { status: number | null } {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    env: { ...process.env, NO_COLOR: '1', CI: '1', npm_config_update_notifier: 'false', npm_config_fund: 'false' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const stdout = String(result.stdout ?? '');
  const stderr = String(result.stderr ?? '');
  const failed = result.error !== undefined || result.status !== 0;
  if (failed && options.allowFailure !== true) {
    const cause = result.error !== undefined ? `${result.error.message}` : `exit status ${String(result.status)}`;
    throw new Error(
      `\`${command} ${args.join(' ')}\` in ${options.cwd} failed (${cause})\n--- stdout (tail)\n${tail(stdout)}\n--- stderr (tail)\n${tail(stderr)}`,
    );
  }
  return { stdout, stderr, status: result.status };
}

function tail(text: string, lines = 40): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export interface PackedTarball {
  readonly path: string;
  /** Paths inside the package (relative, posix), as `npm pack --json` lists them. */
  readonly files: readonly string[];
}

/** `npm pack` of the repository into a temp dir. Requires a built dist/ (run `npm run build`). */
export function packRepository(workDir: string): PackedTarball {
  for (const built of ['dist/bin/adcp-codegen.js', 'dist/src/index.js', 'dist/cjs/src/index.js', 'dist/cjs/package.json']) {
    if (!existsSync(join(repoRoot, built))) {
      throw new Error(`${built} is missing: run \`npm run build\` before the package tests`);
    }
  }
  const destination = join(workDir, 'pack');
  mkdirSync(destination, { recursive: true });
  const { stdout } = step('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], {
    cwd: repoRoot,
    timeoutMs: 60_000,
  });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (packed === undefined) throw new Error(`npm pack printed no package: ${stdout}`);
  return { path: join(destination, packed.filename), files: packed.files.map((file) => file.path) };
}

/** The exact versions this repository resolved, so the install is served from the npm cache. */
export function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (version === undefined) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

/**
 * An empty ESM project with the tarball, TypeScript and @types/node installed. Install scripts are
 * skipped: that keeps the test at seconds instead of a native better-sqlite3 compile, and it is the
 * situation of a user whose native build was skipped — the package must still load and work.
 */
export function installIntoFreshProject(workDir: string, tarball: string): string {
  const project = join(workDir, 'project');
  mkdirSync(project, { recursive: true });
  writeJson(join(project, 'package.json'), { name: 'adcp-consumer', private: true, type: 'module' });
  step(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      tarball,
      `typescript@${lockedVersion('typescript')}`,
      `@types/node@${lockedVersion('@types/node')}`,
    ],
    { cwd: project, timeoutMs: 180_000 },
  );
  return project;
}

export function makeWorkDir(): string {
  return mkdtempSync(join(tmpdir(), 'adcp-package-'));
}

export function writeJson(path: string, value: unknown): void {
  writeText(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}
