// Formats generated files with prettier on a worker thread, so formatting overlaps with the schema
// compilation on the main thread (the box has 2 cores). The worker loads prettier and warms its JIT
// on a small sample while the main thread is still compiling; files are formatted in arrival order.
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

/** Representative TypeScript (interfaces, unions, intersections, tuples) to warm the JIT with. */
const WARM_UP_SAMPLE =
  'export type A = ({\n[k: string]: unknown\n} & B & (C | D))\nexport interface B {\nkind: ("a" | "b")\n' +
  'items?: [string, ...(string)[]]\nnested: {\nx?: number\n[k: string]: unknown\n}\n}\n';

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
let queue = prettier.format(${JSON.stringify(WARM_UP_SAMPLE.repeat(40))}, options).catch(() => undefined);
parentPort.on('message', ({ id, source }) => {
  queue = queue.then(() => prettier.format(source, options)).then(
    (formatted) => parentPort.postMessage({ id, formatted }),
    (error) => parentPort.postMessage({ id, error: String((error && error.message) || error) }),
  );
});
`;
}
