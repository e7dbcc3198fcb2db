import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

// Placeholder until the command is implemented; replaced by its owner.
export function registerWebhookSign(webhook: Command): void {
  webhook
    .command('sign')
    .description('not implemented yet')
    .action(() => {
      throw new CliError('webhook sign: not implemented yet');
    });
}
