// `deliveries list` and `deliveries retry`. Listings never show a body (it may echo the buyer's
// token) or a URL query string, and show a URL's path only as a short hash unless --show-paths
// is given (a capability URL's path is a secret).
import type { Command } from 'commander';
import { redactUrl } from '../../runtime/logging/logger.js';
import type { DeliveryRecord, DeliveryStatus } from '../../runtime/store/delivery-store.js';
import { CliError } from '../cli-error.js';
import { storeOptions, withStore, type StoreFlags } from './deliveries-store.js';

interface ListOptions extends StoreFlags {
  status?: string;
  limit: string;
  json?: boolean;
  showPaths?: boolean;
}

const LISTABLE = ['pending', 'failed', 'delivered'] as const;

export function registerDeliveriesList(deliveries: Command): void {
  storeOptions(deliveries.command('list').description('list deliveries, oldest first (pending includes those in flight)'))
    .option('--status <status>', `only ${LISTABLE.join('|')}`)
    .option('--limit <n>', 'at most this many rows', '100')
    .option('--json', 'print a JSON array')
    .option('--show-paths', 'show URL paths in full (default: origin and a short hash of the path)')
    .action(async (options: ListOptions) => {
      const statuses = statusesFor(options.status);
      const limit = positiveInteger('--limit', options.limit);
      const records = await withStore(options, async (store) => {
        const found: DeliveryRecord[] = [];
        for (const status of statuses) found.push(...(await store.list({ status, limit })));
        return found.sort((a, b) => a.createdAt - b.createdAt).slice(0, limit);
      });
      const url = (record: DeliveryRecord) => redactUrl(record.url, { showPath: options.showPaths === true });
      process.stdout.write(
        options.json === true ? `${JSON.stringify(records.map((record) => toJson(record, url)), null, 2)}\n` : table(records, url),
      );
    });
}

export function registerDeliveriesRetry(deliveries: Command): void {
  storeOptions(deliveries.command('retry').description('make a failed (or waiting) delivery due now, with a fresh attempt budget'))
    .requiredOption('--id <id>', 'delivery id (see `deliveries list`)')
    .action(async (options: StoreFlags & { id: string }) => {
      await withStore(options, async (store) => {
        if (await store.redrive(options.id, Date.now())) {
          process.stdout.write(`re-driven ${options.id}: due now\n`);
          return;
        }
        const record = await store.get(options.id);
        throw new CliError(
          record === undefined
            ? `no delivery with id ${JSON.stringify(options.id)}`
            : `delivery ${options.id} is ${record.status}; only pending or failed deliveries can be re-driven`,
          2,
        );
      });
    });
}

function statusesFor(status: string | undefined): DeliveryStatus[] {
  if (status === undefined) return ['pending', 'in_flight', 'failed', 'delivered'];
  if (status === 'pending') return ['pending', 'in_flight'];
  if (status === 'failed' || status === 'delivered') return [status];
  throw new CliError(`--status must be one of ${LISTABLE.join(', ')}; got ${JSON.stringify(status)}`, 2);
}

export function positiveInteger(flag: string, value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new CliError(`${flag} must be a positive integer; got ${JSON.stringify(value)}`, 2);
  return parsed;
}

type ShowUrl = (record: DeliveryRecord) => string;

function toJson(record: DeliveryRecord, showUrl: ShowUrl): Record<string, unknown> {
  return {
    id: record.id,
    idempotency_key: record.idempotencyKey,
    status: record.status,
    attempts: record.attempts,
    url: showUrl(record),
    signing: record.signing,
    next_attempt_at: iso(record.nextAttemptAt),
    created_at: iso(record.createdAt),
    updated_at: iso(record.updatedAt),
    last_http_status: record.lastHttpStatus ?? null,
    last_error_class: record.lastErrorClass ?? null,
    lease_owner: record.leaseOwner ?? null,
    lease_expires_at: record.leaseExpiresAt === undefined ? null : iso(record.leaseExpiresAt),
    body_bytes: record.body.byteLength,
    labels: record.labels ?? {},
  };
}

function table(records: readonly DeliveryRecord[], showUrl: ShowUrl): string {
  if (records.length === 0) return 'no deliveries\n';
  const rows = records.map((record) => [
    record.id,
    record.status,
    String(record.attempts),
    iso(record.nextAttemptAt),
    record.lastErrorClass ?? (record.lastHttpStatus === undefined ? '' : String(record.lastHttpStatus)),
    showUrl(record),
  ]);
  const header = ['ID', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'LAST ERROR', 'URL'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return `${[header, ...rows].map(line).join('\n')}\n`;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
