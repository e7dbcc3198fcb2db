import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

// Placeholder until the command is implemented; replaced by its owner.
export function registerGenerate(program: Command): void {
  program
    .command('generate')
    .description('not implemented yet')
    .action(() => {
      throw new CliError('generate: not implemented yet');
    });
}
