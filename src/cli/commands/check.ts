import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

// Placeholder until the command is implemented; replaced by its owner.
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('not implemented yet')
    .action(() => {
      throw new CliError('check: not implemented yet');
    });
}
