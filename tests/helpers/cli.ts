// Runs the built CLI (dist/) as a real child process, the way users and CI run it.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const cliPath = fileURLToPath(new URL('../../dist/bin/adcp-codegen.js', import.meta.url));

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCliProcess(args: readonly string[], options: SpawnSyncOptions = {}): CliRun {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
    ...options,
  });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

export interface AsyncRunOptions {
  readonly cwd?: string;
  /** Added to the test process's environment (NO_COLOR=1 is set unless overridden). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The built CLI as a child process, awaited without blocking the event loop, so a loopback server in
 * the test process can answer it (runCliProcess uses spawnSync, which would deadlock against it).
 */
export function runCliProcessAsync(args: readonly string[], options: AsyncRunOptions = {}): Promise<CliRun> {
  return collect(process.execPath, [cliPath, ...args], options.cwd, { ...process.env, NO_COLOR: '1', ...options.env });
}

export const ttyAvailable = process.platform === 'linux' && spawnSync('script', ['--version']).status === 0;

/**
 * The built CLI on a pseudo-terminal (util-linux `script`), the only way to see what a user at a TTY
 * sees. stdout and stderr arrive merged in `stdout`. `env` replaces the environment (NO_COLOR and CI
 * are removed first, so a test states exactly which it wants).
 */
export function runCliOnTty(args: readonly string[], options: AsyncRunOptions = {}): Promise<CliRun> {
  const command = [process.execPath, cliPath, ...args].map(shellQuote).join(' ');
  const { NO_COLOR: _noColor, CI: _ci, ...base } = process.env;
  return collect('script', ['-qec', command, '/dev/null'], options.cwd, { ...base, ...options.env });
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function collect(file: string, args: readonly string[], cwd: string | undefined, env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
