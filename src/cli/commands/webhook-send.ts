import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

// Placeholder until the command is implemented; replaced by its owner.
export function registerWebhookSend(webhook: Command): void {
  webhook
    .command('send')
    .description('not implemented yet')
    .action(() => {
      throw new CliError('webhook send: not implemented yet');
    });
}
