// The files a fresh consumer project type-checks and runs against the installed tarball. The same
// TypeScript source is compiled as ESM (node16, nodenext, bundler) and as CommonJS (node16 in a
// "type": "commonjs" folder). `@ts-expect-error` lines prove the types are real, not `any`: if the
// package's types degraded to `any`, the expected error would vanish and tsc would fail.

/** Imports the package root and the output of `adcp-codegen generate --out src/adcp`. */
export const consumerTs = `import {
  ADCP_VERSION,
  SPEC_WEBHOOK_TASK_TYPES,
  buildMcpWebhookPayload,
  createWebhookDelivery,
  isSpecWebhookTaskType,
  openDeliveryStore,
  tokensEqual,
  validateMcpWebhookPayload,
  verifyHmacWebhook,
  verifyRfc9421Webhook,
  type McpWebhookPayload,
  type SpecWebhookTaskType,
  type WebhookVerification,
  type types,
} from 'adcp-codegen';
import * as generated from './src/adcp/index.js';

export const pinned: '3.1.19' = ADCP_VERSION;
export const firstTaskType: SpecWebhookTaskType = SPEC_WEBHOOK_TASK_TYPES[0];
// @ts-expect-error 'not_a_task' is not an AdCP webhook task type
export const notATask: SpecWebhookTaskType = 'not_a_task';

// The package's types and the project's generated types describe the same 3.1.19 surface.
export const sameTaskTypes: readonly generated.SpecWebhookTaskType[] = SPEC_WEBHOOK_TASK_TYPES;
export const sameVersion: typeof generated.ADCP_VERSION = ADCP_VERSION;

export const completed: McpWebhookPayload<'create_media_buy', 'completed'> = buildMcpWebhookPayload({
  task_id: 'task_1',
  task_type: 'create_media_buy',
  status: 'completed',
  operation_id: 'op_1',
});
export const typedResult: types.CreateMediaBuyResponse | undefined = completed.result;
export const generatedPayload: generated.McpWebhookPayload<'create_media_buy', 'completed'> =
  generated.buildMcpWebhookPayload({ task_id: 't', task_type: 'create_media_buy', status: 'completed', operation_id: 'o' });

// @ts-expect-error operation_id is required by AdCP 3.1.19
buildMcpWebhookPayload({ task_id: 't', task_type: 'create_media_buy', status: 'completed' });

export function receive(body: unknown, expectedToken: string): string {
  const checked = validateMcpWebhookPayload(body);
  if (!checked.ok) return checked.errors.map((issue) => issue.path + ' ' + issue.message).join('; ');
  const payload: McpWebhookPayload = checked.value;
  if (payload.token === undefined || !tokensEqual(payload.token, expectedToken)) return 'bad token';
  return isSpecWebhookTaskType(payload.task_type) ? payload.task_type : 'unknown';
}

export function verify(body: Uint8Array, headers: Record<string, string>): WebhookVerification {
  const hmac = verifyHmacWebhook({ headers, body, secret: 'x'.repeat(32), now: 0 });
  if (hmac.ok) return { ok: true, keyid: 'hmac' };
  return verifyRfc9421Webhook({ method: 'POST', url: 'https://buyer.example/hook', headers, body, jwks: [], now: 0 });
}

export const runtime: Array<(...args: never[]) => unknown> = [createWebhookDelivery, openDeliveryStore];
`;

/**
 * tsconfig for one (module, moduleResolution) pair. `skipLibCheck: true` is what `tsc --init` writes;
 * with false the package's own .d.ts are checked too (they must not need types users lack).
 */
export function consumerTsconfig(module: string, moduleResolution: string, files: readonly string[], skipLibCheck = true): object {
  return {
    compilerOptions: {
      module,
      moduleResolution,
      target: 'ES2022',
      lib: ['ES2023'],
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck,
      noEmit: true,
      types: ['node'],
    },
    files,
  };
}

/**
 * Loads the package at run time without its optional peer drivers (better-sqlite3, pg, ioredis):
 * importing the root, building, validating and a memory: store must all work without them (they load
 * only when a sqlite:/postgres:/redis: store is opened), and opening such a store must fail naming
 * the package to install.
 */
export const runtimeCheckBody = `
  const problems = [];
  const payload = pkg.buildMcpWebhookPayload({ task_id: 't1', task_type: 'create_media_buy', status: 'working', operation_id: 'op1' });
  const checked = pkg.validateMcpWebhookPayload(payload);
  if (!checked.ok) problems.push('built payload does not validate: ' + JSON.stringify(checked.errors));
  const broken = pkg.validateMcpWebhookPayload({ ...payload, status: 'not_a_status' });
  if (broken.ok) problems.push('an invalid status validated');
  if (!pkg.tokensEqual('a'.repeat(32), 'a'.repeat(32)) || pkg.tokensEqual('a', 'b')) problems.push('tokensEqual is wrong');
  const store = await pkg.openDeliveryStore('memory:');
  if (typeof store.enqueue !== 'function') problems.push('memory: store has no enqueue');
  try {
    await pkg.openDeliveryStore('sqlite:' + dbPath);
    problems.push('sqlite: opened without better-sqlite3');
  } catch (error) {
    if (!String(error?.message).includes('npm install better-sqlite3')) problems.push('sqlite: failed without naming better-sqlite3: ' + error?.message);
  }
  try {
    await pkg.openReceiverStores('redis://127.0.0.1:1');
    problems.push('redis: opened without ioredis');
  } catch (error) {
    if (error?.code !== 'ADCP_RECEIVER_STORE_MISSING_DRIVER' || !String(error?.message).includes('npm install ioredis'))
      problems.push('redis: failed without naming ioredis: ' + error?.code + ' ' + error?.message);
  }
  console.log(JSON.stringify({ version: pkg.ADCP_VERSION, exports: Object.keys(pkg).length, problems }));
`;

export const runtimeCheckMjs = `import * as pkg from 'adcp-codegen';
const dbPath = process.argv[2];
${runtimeCheckBody}`;

export const runtimeCheckCjs = `const pkg = require('adcp-codegen');
const dbPath = process.argv[2];
(async () => {
${runtimeCheckBody}
  const loaded = Object.keys(require.cache).filter((path) => /[\\\\/]node_modules[\\\\/](better-sqlite3|pg|ioredis)[\\\\/]/.test(path));
  if (loaded.length > 0) console.error('eagerly loaded: ' + loaded.join(', '));
})().catch((error) => { console.error(error); process.exitCode = 1; });
`;
