// Opening the outbox for a `deliveries` subcommand: store errors become one-line CLI errors (exit 2)
// that name the cause and never the credentials of the URL nor any key material.
import type { Command } from 'commander';
import type { DeliveryStore } from '../../runtime/store/delivery-store.js';
import type { BodyEncryptionKeyring } from '../../runtime/store/body-encryption.js';
import { CliError } from '../cli-error.js';
import { readBodyKeyFile } from './body-key-file.js';

/** The store flags every `deliveries` subcommand shares. */
export interface StoreFlags {
  store: string;
  create?: boolean;
  bodyKeyFile?: string;
}

/** Adds `--store`, `--create` and `--body-key-file` to an operator command. */
export function storeOptions(command: Command): Command {
  return command
    .requiredOption('--store <url>', 'delivery store URL')
    .option('--create', 'create the outbox (SQLite file, PostgreSQL tables) if it is missing (default: an error)')
    .option(
      '--body-key-file <file>',
      'JSON keyring {"activeKeyId": id, "keys": {id: base64 of 32 bytes}} for a store whose bodies are encrypted at rest',
    );
}

/**
 * `inspect`: the outbox must already exist unless `--create` was given (a mistyped SQLite path or
 * table prefix must not silently yield an empty one); `create`: opened or created as the application would.
 */
export async function openStoreForCli(flags: StoreFlags, purpose: 'inspect' | 'create'): Promise<DeliveryStore> {
  const { openDeliveryStore } = await import('../../runtime/store/store-url.js');
  const keyring: BodyEncryptionKeyring | undefined = flags.bodyKeyFile === undefined ? undefined : readBodyKeyFile(flags.bodyKeyFile);
  const mustExist = purpose === 'inspect' && flags.create !== true;
  try {
    return await openDeliveryStore(flags.store, {
      connectTimeoutMs: 5000,
      fileMustExist: mustExist,
      tablesMustExist: mustExist,
      ...(keyring === undefined ? {} : { bodyEncryption: keyring }),
    });
  } catch (error) {
    throw asStoreCliError(error, mustExist);
  }
}

export function asStoreCliError(error: unknown, mustExist = false): CliError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const hint =
    code === 'ADCP_STORE_DECRYPTION_FAILED'
      ? ' (give the keyring with --body-key-file)'
      : mustExist && code === 'ADCP_STORE_CANNOT_OPEN'
        ? ' (it must exist; --create creates it)'
        : '';
  return new CliError(`cannot use the delivery store: ${message}${hint}`, 2);
}

/** Runs `work` against an existing store (or a new one under `--create`) and always closes it. */
export async function withStore<T>(flags: StoreFlags, work: (store: DeliveryStore) => Promise<T>): Promise<T> {
  const store = await openStoreForCli(flags, 'inspect');
  try {
    return await work(store);
  } catch (error) {
    throw error instanceof CliError ? error : asStoreCliError(error);
  } finally {
    await store.close().catch(() => undefined);
  }
}
