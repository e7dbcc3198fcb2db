// Assembles the commander program. Each command lives in its own module under ./commands
// and registers itself; heavy dependencies are imported lazily inside each action so that
// a cold `adcp-codegen check` only loads what it needs.
import { Command, CommanderError } from 'commander';
import { readPackageVersion } from './package-info.js';
import { registerGenerate } from './commands/generate.js';
import { registerCheck } from './commands/check.js';
import { registerSync } from './commands/sync.js';
import { registerWebhook } from './commands/webhook.js';
import { registerDeliveries } from './commands/deliveries.js';
import { registerDiff } from './commands/diff.js';
import { registerKeys } from './commands/keys.js';
import { CliError } from './cli-error.js';

export function buildProgram(): Command {
  const program = new Command('adcp-codegen')
    .description('Typed code generator and webhook runtime for the AdCP webhook surface')
    .version(readPackageVersion(), '-V, --version')
    .exitOverride()
    .showHelpAfterError()
    // Program options count only before the command name, so `sync --version V` reaches sync
    // instead of printing the program's own `-V, --version`.
    .enablePositionalOptions();
  registerGenerate(program);
  registerCheck(program);
  registerSync(program);
  registerDiff(program);
  registerWebhook(program);
  registerDeliveries(program);
  registerKeys(program);
  return program;
}

/** Runs the CLI and returns the process exit code: 0 ok, 1 drift / not delivered, 2 usage or internal error. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    return exitCodeFor(error);
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? 0 : 2;
  }
  if (error instanceof CliError) {
    process.stderr.write(`adcp-codegen: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`adcp-codegen: internal error: ${message}\n`);
  return 2;
}
