// Formats generated files with prettier on a worker thread, so formatting overlaps with the schema
// compilation on the main thread (the box has 2 cores). The worker loads prettier while the main thread
// loads the schemas and formats the small modules (warming its JIT) while the main thread compiles the
// big one; files are formatted in arrival order. (A synthetic warm-up sample was measured to cost more
// CPU than it saved: on 2 cores it competes with V8's background compilation for the main thread.)
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Prettier options of every generated file. `babel-ts` parses the same TypeScript as the
 * `typescript` parser at about half the cost on the large result-types module.
 */
export const PRETTIER_OPTIONS = {
  parser: 'babel-ts',
  printWidth: 120,
  singleQuote: true,
  trailingComma: 'all',
  endOfLine: 'lf',
} as const;

export interface Formatter {
  format(source: string): Promise<string>;
  close(): Promise<void>;
}

export function startFormatter(): Formatter {
  const prettierEntry = createRequire(import.meta.url).resolve('prettier');
  const worker = new Worker(workerSource(prettierEntry), { eval: true });
  const pending = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const failAll = (error: Error): void => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (message: { id: number; formatted?: string; error?: string }) => {
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error !== undefined) waiter?.reject(new Error(`prettier: ${message.error}`));
    else waiter?.resolve(message.formatted ?? '');
  });
  worker.on('error', failAll);
  worker.on('exit', () => failAll(new Error('codegen: the formatting worker exited')));
  return {
    format: (source) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, source });
      }),
    close: async () => {
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

function workerSource(prettierEntry: string): string {
  return `
const { parentPort } = require('node:worker_threads');
const prettier = require(${JSON.stringify(prettierEntry)});
const options = ${JSON.stringify(PRETTIER_OPTIONS)};
let queue = Promise.resolve();
parentPort.on('message', ({ id, source }) => {
  queue = queue.then(() => prettier.format(source, options)).then(
    (formatted) => parentPort.postMessage({ id, formatted }),
    (error) => parentPort.postMessage({ id, error: String((error && error.message) || error) }),
  );
});
`;
}
