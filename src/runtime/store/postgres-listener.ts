// LISTEN on the outbox channel with one dedicated connection, so workers of every replica wake as
// soon as any replica enqueues. Best effort by design: when the connection drops it reconnects after
// a pause, and the workers' polling covers any notification missed meanwhile.
import pg from 'pg';

const RECONNECT_DELAY_MS = 1000;

export class PostgresEnqueueListener {
  readonly #config: pg.ClientConfig;
  readonly #channel: string;
  readonly #listeners = new Set<() => void>();
  #client: pg.Client | undefined;
  #reconnect: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(config: pg.ClientConfig, channel: string) {
    this.#config = { ...config, application_name: 'adcp-codegen outbox listener' };
    this.#channel = channel;
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#connect();
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#disconnect();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#listeners.clear();
    await this.#disconnect();
  }

  #connect(): void {
    if (this.#closed || this.#client !== undefined) return;
    const client = new pg.Client(this.#config);
    this.#client = client;
    const lost = () => this.#lost(client);
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', () => {
      for (const listener of this.#listeners) listener();
    });
    client
      .connect()
      .then(() => client.query(`LISTEN "${this.#channel}"`))
      // A wake-up after (re)connecting covers anything enqueued while we were not listening.
      .then(() => this.#listeners.forEach((listener) => listener()))
      .catch(lost);
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client) return;
    this.#client = undefined;
    client.end().catch(() => undefined);
    if (this.#closed || this.#listeners.size === 0 || this.#reconnect !== undefined) return;
    this.#reconnect = setTimeout(() => {
      this.#reconnect = undefined;
      if (this.#listeners.size > 0) this.#connect();
    }, RECONNECT_DELAY_MS);
    this.#reconnect.unref();
  }

  async #disconnect(): Promise<void> {
    clearTimeout(this.#reconnect);
    this.#reconnect = undefined;
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}
