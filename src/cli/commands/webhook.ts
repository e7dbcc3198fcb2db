import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

// Placeholder until the command is implemented; replaced by its owner.
export function registerWebhook(program: Command): void {
  program
    .command('webhook')
    .description('not implemented yet')
    .action(() => {
      throw new CliError('webhook: not implemented yet');
    });
}
