import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

// Placeholder until the command is implemented; replaced by its owner.
export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('not implemented yet')
    .action(() => {
      throw new CliError('diff: not implemented yet');
    });
}
