import type { Command } from 'commander';
import { registerDeliveriesList, registerDeliveriesRetry } from './deliveries-inspect.js';
import { registerDeliveriesRun } from './deliveries-run.js';

/** `adcp-codegen deliveries list|retry|run`: operate the durable outbox named by a store URL. */
export function registerDeliveries(program: Command): void {
  const deliveries = program
    .command('deliveries')
    .description('inspect, re-drive and deliver the webhooks of a durable outbox (--store memory:|sqlite:<path>|postgres://…)');
  registerDeliveriesList(deliveries);
  registerDeliveriesRetry(deliveries);
  registerDeliveriesRun(deliveries);
}
