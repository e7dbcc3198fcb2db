// Real processes for the durability tests: fixtures under ./fixtures run with node against dist/,
// a receiver in its own process, and the port/key plumbing between them.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface Fixture {
  readonly process: ChildProcess;
  /** Resolves with the first JSON line on stdout that `accept` takes. */
  waitFor(accept: (event: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
  stderr(): string;
  kill(signal?: NodeJS.Signals): void;
}

export function startFixture(name: string, env: Record<string, string>, args: readonly string[] = []): Fixture {
  return wrap(spawn(process.execPath, [join(fixtures, name), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** The built CLI as a long-running child (for `deliveries run`). */
export function startCli(args: readonly string[]): Fixture {
  const cli = fileURLToPath(new URL('../../dist/bin/adcp-codegen.js', import.meta.url));
  return wrap(spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

function wrap(child: ChildProcess): Fixture {
  const events: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      events.push({ text: line });
    }
    for (const wake of waiters) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    process: child,
    exited,
    stderr: () => stderr,
    kill: (signal = 'SIGKILL') => void child.kill(signal),
    waitFor(accept, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find(accept);
          if (found === undefined) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`fixture did not report in ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const onExit = () => {
          cleanup();
          reject(new Error(`fixture exited before reporting; stderr: ${stderr.slice(-2000)}`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
          child.off('exit', onExit);
        };
        waiters.add(check);
        child.on('exit', onExit);
        check();
      });
    },
  };
}

export interface ReceiverStats {
  /** Requests from held workers that are open and unanswered right now. */
  readonly heldNow: number;
  readonly requests: number;
  readonly distinctKeys: number;
  readonly duplicates: number;
  readonly bodyMismatches: number;
  readonly overlaps: number;
  readonly perWorker: Record<string, number>;
  readonly verified: number;
  readonly rejected: Record<string, number>;
}

export interface Receiver {
  readonly port: number;
  readonly fixture: Fixture;
  stats(): Promise<ReceiverStats>;
  digests(): Promise<Record<string, string>>;
  workersByKey(): Promise<Record<string, string[]>>;
  /** Never answer this worker's requests from now on, so the deliveries it leased stay in flight. */
  hold(worker: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startReceiver(options: { port?: number; delayMs?: number; publicJwk?: object } = {}): Promise<Receiver> {
  const fixture = startFixture('receiver.mjs', {
    PORT: String(options.port ?? 0),
    DELAY_MS: String(options.delayMs ?? 0),
    ...(options.publicJwk === undefined ? {} : { PUBLIC_JWK: JSON.stringify(options.publicJwk) }),
  });
  const { port } = (await fixture.waitFor((event) => typeof event.port === 'number', 10_000)) as { port: number };
  const get = async <T>(path: string): Promise<T> => (await (await fetch(`http://127.0.0.1:${port}${path}`)).json()) as T;
  return {
    port,
    fixture,
    stats: () => get<ReceiverStats>('/stats'),
    digests: () => get<Record<string, string>>('/digests'),
    workersByKey: () => get<Record<string, string[]>>('/workers'),
    async hold(worker) {
      await fetch(`http://127.0.0.1:${port}/hold?worker=${encodeURIComponent(worker)}`, { method: 'POST' });
    },
    async stop() {
      fixture.kill('SIGTERM');
      await fixture.exited;
    },
  };
}

/** A loopback port nothing listens on (yet): connections to it are refused. */
export async function reservePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An Ed25519 key: the private JWK written to `dir` for the senders, the public JWK for the receiver. */
export function writeSigningKey(dir: string, kid = 'durable-test-key'): { jwkFile: string; publicJwk: object } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwkFile = join(dir, 'signing-key.jwk.json');
  writeFileSync(jwkFile, JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'EdDSA' }));
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'EdDSA', use: 'sig', key_ops: ['verify'], adcp_use: 'request-signing' };
  return { jwkFile, publicJwk };
}

/** Polls `probe` until it returns a value; real processes give no other signal. */
export async function pollUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
