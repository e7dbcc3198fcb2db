import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

// Placeholder until the command is implemented; replaced by its owner.
export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('not implemented yet')
    .action(() => {
      throw new CliError('sync: not implemented yet');
    });
}
