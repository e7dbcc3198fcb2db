// `deliveries run`: a delivery worker on a durable outbox, from the command line.
//
// Signers: the CLI holds no application secrets. It can send unsigned deliveries, and RFC 9421
// deliveries whose key id matches a `--jwk` it was given. Deliveries that need HMAC or Bearer
// credentials, or another key, are never claimed: they stay pending, untouched, for a worker that
// has their credentials (the application's own outbox), and the CLI says so once at start.
import type { PrivateJwk } from '../../runtime/keys/jwk.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { guardLogger, type Logger, type LogLevel } from '../../runtime/logging/logger.js';
import type { WebhookSigner } from '../../runtime/signing/webhook-signer.js';
import { CliError } from '../cli-error.js';
import { positiveInteger } from './deliveries-inspect.js';
import { asStoreCliError, openStoreForCli, storeOptions, type StoreFlags } from './deliveries-store.js';

interface RunOptions extends StoreFlags {
  untilIdle?: boolean;
  unsafeAllowPrivateNetwork?: boolean;
  jwk: string[];
  concurrency: string;
  leaseMs?: string;
  pollMs: string;
  maxAttempts?: string;
  retryBaseMs?: string;
  timeoutMs?: string;
  workerId?: string;
  json?: boolean;
}

export function registerDeliveriesRun(deliveries: Command): void {
  storeOptions(deliveries.command('run').description('deliver what is due: unsigned deliveries and RFC 9421 ones whose key is given with --jwk'))
    .option('--until-idle', 'exit once nothing is due (retries scheduled for later stay in the store)')
    .option('--jwk <file>', 'private JWK for RFC 9421 deliveries with its kid (repeatable)', collect, [])
    .option('--concurrency <n>', 'attempts at once', '64')
    .option('--lease-ms <n>', 'lease on a claimed delivery (default: attempt timeout + 30 s)')
    .option('--poll-ms <n>', 'poll interval for work enqueued elsewhere', '1000')
    .option('--max-attempts <n>', 'attempts per delivery, the first included (default 8)')
    .option('--retry-base-ms <n>', 'delay before the 2nd attempt; doubles each time (default 1000)')
    .option('--timeout-ms <n>', 'per-attempt connect and total timeout (default 10000)')
    .option('--worker-id <id>', 'lease owner name (default host:pid:random)')
    .option('--unsafe-allow-private-network', 'DANGEROUS, tests only: allow http and private/loopback addresses')
    .option('--json', 'print the summary as JSON')
    .action(async (options: RunOptions) => {
      process.exitCode = await runWorker(options);
    });
}

async function runWorker(options: RunOptions): Promise<number> {
  const [{ createDurableOutbox }, { signerResolverFor, describeSigning }, { unsignedSigner }] = await Promise.all([
    import('../../runtime/store/durable-outbox.js'),
    import('../../runtime/store/signer-resolver.js'),
    import('../../runtime/signing/unsigned-signer.js'),
  ]);
  const signers = [unsignedSigner, ...(await loadJwkSigners(options.jwk))];
  const tuning = workerTuning(options); // bad flags fail here, before anything is opened
  const logger = stderrLogger('info');
  const store = await openStoreForCli(options, 'inspect');
  let outbox: ReturnType<typeof createDurableOutbox>;
  try {
    outbox = createDurableOutbox({
      ...tuning,
      store,
      logger,
      resolveSigner: signerResolverFor(signers),
      claimSigning: signers.map((signer) => signer.descriptor),
      startWorker: options.untilIdle !== true,
    });
  } catch (error) {
    await store.close();
    throw new CliError(`deliveries run: ${error instanceof Error ? error.message : 'invalid options'}`, 2);
  }
  const worker = outbox.worker!;
  logger.log('info', 'deliveries run: claiming only deliveries this worker can sign; the others stay pending for a worker holding their credentials', {
    workerId: worker.workerId,
    signing: signers.map((signer) => describeSigning(signer.descriptor)),
  });
  try {
    if (options.untilIdle === true) await worker.runUntilIdle();
    else await untilSignalled();
  } catch (error) {
    throw asStoreCliError(error);
  } finally {
    await outbox.close();
    await store.close().catch(() => undefined);
  }
  const { delivered, failed } = worker.stats();
  const summary = { worker_id: worker.workerId, delivered, failed };
  process.stdout.write(options.json === true ? `${JSON.stringify(summary)}\n` : `delivered ${delivered}, failed ${failed}\n`);
  return failed > 0 ? 1 : 0;
}

function workerTuning(options: RunOptions) {
  return {
    unsafeAllowPrivateNetwork: options.unsafeAllowPrivateNetwork === true,
    concurrency: positiveInteger('--concurrency', options.concurrency),
    pollIntervalMs: positiveInteger('--poll-ms', options.pollMs),
    ...optionalInteger('leaseMs', '--lease-ms', options.leaseMs),
    ...optionalInteger('attemptTimeoutMs', '--timeout-ms', options.timeoutMs),
    ...optionalInteger('connectTimeoutMs', '--timeout-ms', options.timeoutMs),
    ...(options.workerId === undefined ? {} : { workerId: options.workerId }),
    retry: {
      ...optionalInteger('maxAttempts', '--max-attempts', options.maxAttempts),
      ...optionalInteger('baseDelayMs', '--retry-base-ms', options.retryBaseMs),
    },
  };
}

async function loadJwkSigners(files: readonly string[]): Promise<WebhookSigner[]> {
  const { createRfc9421Signer } = await import('../../runtime/signing/rfc9421-signer.js');
  return files.map((file) => {
    let jwk: unknown;
    try {
      jwk = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      throw new CliError(`--jwk ${file}: not a readable JSON file`, 2);
    }
    try {
      return createRfc9421Signer({ key: jwk as PrivateJwk });
    } catch (error) {
      throw new CliError(`--jwk ${file}: ${error instanceof Error ? error.message : 'unusable key'}`, 2);
    }
  });
}

function untilSignalled(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

function optionalInteger<K extends string>(key: K, flag: string, value: string | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: positiveInteger(flag, value) }) as { [P in K]?: number };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const LEVELS: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** One JSON line per event on stderr, from `minimum` up (per-delivery debug lines would drown a run). */
function stderrLogger(minimum: LogLevel): Logger {
  return guardLogger({
    log(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>) {
      if (LEVELS[level] >= LEVELS[minimum]) process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
    },
  });
}
