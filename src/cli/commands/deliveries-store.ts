// Opening the outbox for a `deliveries` subcommand: store errors become one-line CLI errors (exit 2)
// that name the cause and never the credentials of the URL.
import type { DeliveryStore } from '../../runtime/store/delivery-store.js';
import { CliError } from '../cli-error.js';

/** `inspect`: the outbox must already exist (a mistyped SQLite path must not create an empty one). */
export async function openStoreForCli(url: string, purpose: 'inspect' | 'create'): Promise<DeliveryStore> {
  const { openDeliveryStore } = await import('../../runtime/store/store-url.js');
  try {
    return await openDeliveryStore(url, { connectTimeoutMs: 5000, fileMustExist: purpose === 'inspect' });
  } catch (error) {
    throw asStoreCliError(error);
  }
}

export function asStoreCliError(error: unknown): CliError {
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`cannot use the delivery store: ${message}`, 2);
}

/** Runs `work` against an existing store and always closes it. */
export async function withStore<T>(url: string, work: (store: DeliveryStore) => Promise<T>): Promise<T> {
  const store = await openStoreForCli(url, 'inspect');
  try {
    return await work(store);
  } catch (error) {
    throw error instanceof CliError ? error : asStoreCliError(error);
  } finally {
    await store.close().catch(() => undefined);
  }
}
