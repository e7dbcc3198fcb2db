import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

// Placeholder until the command is implemented; replaced by its owner.
export function registerDeliveries(program: Command): void {
  program
    .command('deliveries')
    .description('not implemented yet')
    .action(() => {
      throw new CliError('deliveries: not implemented yet');
    });
}
