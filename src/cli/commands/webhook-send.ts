// `adcp-codegen webhook send`: builds one AdCP MCP webhook envelope with the generated builder (or,
// with --kind, a payload of any other webhook kind with buildNotificationPayload) and delivers it
// through the delivery runtime (SSRF guard, retries, signing) — the black-box face of the runtime,
// handy for testing a receiver. Exit 0 delivered, 1 not delivered, 2 bad input.
import type { PrivateJwk } from '../../runtime/keys/jwk.js';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { DeliveryResult, WebhookDeliveryOptions } from '../../runtime/delivery/index.js';
import type { WebhookSigner } from '../../runtime/signing/webhook-signer.js';
import { isAdcpError } from '../../runtime/errors/adcp-error.js';
import { CliError } from '../cli-error.js';
import { enqueueWebhook, wantsEnqueueOnly } from './webhook-send-enqueue.js';

interface SendOptions {
  url: string;
  taskType?: string;
  status?: string;
  operationId?: string;
  kind?: string;
  payloadFile?: string;
  taskId?: string;
  token?: string;
  resultFile?: string;
  jwk?: string;
  hmacSecret?: string;
  bearer?: string;
  unsigned?: boolean;
  maxAttempts?: string;
  retryBaseMs?: string;
  timeoutMs?: string;
  unsafeAllowPrivateNetwork?: boolean;
  json?: boolean;
  // Durable path (webhook-send-enqueue.ts).
  store?: string;
  enqueueOnly?: boolean;
  bodyKeyFile?: string;
}

type Generated = typeof import('../../generated/index.js');
type Signing = typeof import('../../runtime/signing/index.js');

/** Credentials on the command line are not stored anywhere; these names only label the signer. */
const CLI_CREDENTIAL_REF = 'cli';

export function registerWebhookSend(webhook: Command): void {
  webhook
    .command('send')
    .description('build an AdCP webhook envelope (or, with --kind, a payload of another webhook kind) and deliver it (signed, SSRF-guarded, with retries)')
    .requiredOption('--url <url>', 'receiver URL (the buyer push_notification_config.url, or the notification config URL)')
    .option('--task-type <type>', 'task_type of the envelope (e.g. create_media_buy); required without --kind')
    .option('--status <status>', 'task status (e.g. completed, working, failed); required without --kind')
    .option('--operation-id <id>', 'operation_id, echoed verbatim; required without --kind')
    .option('--kind <kind>', 'send a standalone webhook kind instead of a task envelope (e.g. creative.purged, property_list_changed)')
    .option('--payload-file <file>', 'with --kind: JSON file holding the payload fields; idempotency_key, the fire timestamp and notification_id are filled as the kind requires')
    .option('--task-id <id>', 'task_id (default: a random task_… id)')
    .option('--token <token>', 'push_notification_config.token to echo in the envelope')
    .option('--result-file <file>', 'JSON file holding the envelope `result`')
    .option('--jwk <file>', 'sign with the RFC 9421 webhook profile using this private JWK (Ed25519 or P-256, with kid)')
    .option('--hmac-secret <secret>', 'sign with legacy HMAC-SHA256 (secret ≥ 32 bytes)')
    .option('--bearer <token>', 'authenticate with a legacy Bearer token (≥ 32 bytes)')
    .option('--unsigned', 'send without any signature')
    .option('--max-attempts <n>', 'attempts, the first included (default 8)')
    .option('--retry-base-ms <n>', 'delay before the 2nd attempt; doubles each time (default 1000)')
    .option('--timeout-ms <n>', 'per-attempt connect and total timeout (default 10000)')
    .option('--unsafe-allow-private-network', 'DANGEROUS, tests only: allow http and private/loopback addresses')
    .option('--json', 'print the delivery result as JSON')
    .option('--store <url>', 'with --enqueue-only: the durable outbox (sqlite:<path> | postgres://…)')
    .option('--enqueue-only', 'write the webhook durably to --store and exit; `deliveries run` delivers it')
    .option('--body-key-file <file>', 'with --store: keyring JSON of a store whose bodies are encrypted at rest (see deliveries)')
    .action(async (options: SendOptions) => {
      process.exitCode = await sendWebhook(options);
    });
}

async function sendWebhook(options: SendOptions): Promise<number> {
  const [generated, signing, { createWebhookDelivery, messageFor }] = await Promise.all([
    import('../../generated/index.js'),
    import('../../runtime/signing/index.js'),
    import('../../runtime/delivery/index.js'),
  ]);
  const payload = options.kind === undefined ? buildEnvelope(options, generated) : buildNotification(options, options.kind, generated);
  const signer = signerFor(options, signing);
  if (wantsEnqueueOnly(options)) return enqueueWebhook(options, payload, signer);
  const runtimeOptions = deliveryOptions(options);
  if (options.unsafeAllowPrivateNetwork === true) {
    process.stderr.write('adcp-codegen: warning: --unsafe-allow-private-network disables the SSRF guard (tests only)\n');
  }
  let settle: (result: DeliveryResult) => void = () => undefined;
  const settled = new Promise<DeliveryResult>((resolve) => (settle = resolve));
  const delivery = createWebhookDelivery({ ...runtimeOptions, observer: (result) => settle(result) });
  try {
    const acceptance = delivery.deliverInBackground({ url: options.url, payload, signer, labels: { source: 'cli' } });
    if (!acceptance.accepted) {
      if (options.json === true) printJson(await settled);
      throw new CliError(`webhook send: refused before sending: ${acceptance.reason}: ${messageFor(acceptance.reason)}`);
    }
    const result = await settled;
    if (options.json === true) printJson(result);
    else process.stdout.write(`${summaryLine(result)}\n`);
    return result.delivered ? 0 : 1;
  } finally {
    await delivery.close();
  }
}

/** A payload of `kind`, built (and validated) by the generated buildNotificationPayload. */
function buildNotification(options: SendOptions, kind: string, generated: Generated): object {
  const mixed = [options.taskType !== undefined && '--task-type', options.status !== undefined && '--status', options.operationId !== undefined && '--operation-id', options.resultFile !== undefined && '--result-file', options.token !== undefined && '--token'].filter((flag): flag is string => flag !== false);
  if (mixed.length > 0) throw new CliError(`webhook send: --kind sends a standalone payload; ${mixed.join(', ')} belong to task envelopes`);
  const kinds: Readonly<Record<string, { readonly inTaskEnvelope: boolean }>> = generated.NOTIFICATION_KINDS;
  const entry = Object.hasOwn(kinds, kind) ? kinds[kind] : undefined;
  if (entry === undefined) throw new CliError(`webhook send: unknown --kind ${JSON.stringify(kind)} (one of: ${Object.keys(kinds).join(', ')})`);
  if (entry.inTaskEnvelope) {
    throw new CliError(`webhook send: --kind ${kind} travels in the task envelope; send it with --task-type, --status, --operation-id and --result-file`);
  }
  if (options.payloadFile === undefined) throw new CliError('webhook send: --kind needs --payload-file');
  const input = readObject(options.payloadFile, '--payload-file');
  try {
    return generated.buildNotificationPayload(kind as Parameters<Generated['buildNotificationPayload']>[0], input as never);
  } catch (error) {
    if (isAdcpError(error, 'ADCP_NOTIFICATION_PAYLOAD_INVALID')) throw new CliError(`webhook send: ${error.message}`);
    throw error;
  }
}

function buildEnvelope(options: SendOptions, generated: Generated): object {
  const { isSpecWebhookTaskType, isTaskStatus, buildMcpWebhookPayload, validateMcpWebhookPayload } = generated;
  if (options.taskType === undefined || options.status === undefined || options.operationId === undefined) {
    throw new CliError('webhook send: --task-type, --status and --operation-id are required (or --kind with --payload-file)');
  }
  if (!isSpecWebhookTaskType(options.taskType)) {
    throw new CliError(`webhook send: unknown --task-type ${JSON.stringify(options.taskType)} (one of: ${generated.SPEC_WEBHOOK_TASK_TYPES.join(', ')})`);
  }
  if (!isTaskStatus(options.status)) {
    throw new CliError(`webhook send: unknown --status ${JSON.stringify(options.status)} (one of: ${generated.TASK_STATUSES.join(', ')})`);
  }
  const envelope = buildMcpWebhookPayload({
    operation_id: options.operationId,
    task_id: options.taskId ?? `task_${randomSuffix()}`,
    task_type: options.taskType,
    status: options.status,
    ...(options.token === undefined ? {} : { token: options.token }),
    ...(options.resultFile === undefined ? {} : { result: readResult(options.resultFile) }),
  });
  const validation = validateMcpWebhookPayload(envelope);
  if (!validation.ok) {
    const first = validation.errors[0];
    throw new CliError(`webhook send: the envelope is not valid AdCP: ${first === undefined ? 'invalid' : describeIssue(first)}`);
  }
  return envelope;
}

function describeIssue(issue: { readonly path?: string; readonly message?: string }): string {
  return `${issue.path ?? ''} ${issue.message ?? ''}`.trim();
}

function readResult(file: string): Record<string, unknown> {
  return readObject(file, '--result-file');
}

function readObject(file: string, flag: string): Record<string, unknown> {
  const parsed = readJsonFile(file, flag);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`webhook send: ${flag} ${JSON.stringify(file)} must hold a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

function readJsonFile(file: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(`webhook send: cannot read ${flag} ${JSON.stringify(file)}${typeof code === 'string' ? ` (${code})` : ''}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`webhook send: ${flag} ${JSON.stringify(file)} is not valid JSON`);
  }
}

/** Exactly one signing mode (AdCP: a switch, never two at once). */
function signerFor(options: SendOptions, signing: Signing): WebhookSigner {
  const chosen = [
    options.jwk !== undefined && '--jwk',
    options.hmacSecret !== undefined && '--hmac-secret',
    options.bearer !== undefined && '--bearer',
    options.unsigned === true && '--unsigned',
  ].filter((flag): flag is string => flag !== false);
  if (chosen.length !== 1) {
    throw new CliError(
      `webhook send: choose exactly one of --jwk, --hmac-secret, --bearer, --unsigned${chosen.length > 1 ? ` (got ${chosen.join(' and ')})` : ''}`,
    );
  }
  try {
    if (options.jwk !== undefined) return signing.createRfc9421Signer({ key: readJsonFile(options.jwk, '--jwk') as PrivateJwk });
    if (options.hmacSecret !== undefined) return signing.createHmacSigner({ secret: options.hmacSecret, credentialRef: CLI_CREDENTIAL_REF });
    if (options.bearer !== undefined) return signing.createBearerSigner({ token: options.bearer, credentialRef: CLI_CREDENTIAL_REF });
    return signing.unsignedSigner;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`webhook send: ${chosen[0]} refused: ${error instanceof Error ? error.message : 'invalid signing configuration'}`);
  }
}

function deliveryOptions(options: SendOptions): WebhookDeliveryOptions {
  const maxAttempts = optionalInteger(options.maxAttempts, '--max-attempts', 1);
  const baseDelayMs = optionalInteger(options.retryBaseMs, '--retry-base-ms', 0);
  const timeoutMs = optionalInteger(options.timeoutMs, '--timeout-ms', 1);
  return {
    unsafeAllowPrivateNetwork: options.unsafeAllowPrivateNetwork === true,
    retry: { maxAttempts, baseDelayMs },
    ...(timeoutMs === undefined ? {} : { connectTimeoutMs: timeoutMs, attemptTimeoutMs: timeoutMs }),
  };
}

function optionalInteger(value: string | undefined, flag: string, minimum: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < minimum) {
    throw new CliError(`webhook send: ${flag} must be an integer >= ${minimum} (got ${JSON.stringify(value)})`);
  }
  return parsed;
}

function randomSuffix(): string {
  return globalThis.crypto.randomUUID().replaceAll('-', '').slice(0, 16);
}

function printJson(result: DeliveryResult): void {
  const json = {
    delivered: result.delivered,
    attempts: result.attempts,
    final_status: result.finalStatus ?? null,
    error: result.errorClass ?? null,
    error_message: result.errorMessage ?? null,
    idempotency_key: result.idempotencyKey,
    delivery_id: result.deliveryId,
  };
  process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
}

function summaryLine(result: DeliveryResult): string {
  const attempts = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}`;
  const status = result.finalStatus === undefined ? '' : ` (HTTP ${result.finalStatus})`;
  if (result.delivered) return `delivered${status} after ${attempts}; idempotency_key ${result.idempotencyKey}`;
  return `not delivered: ${result.errorClass ?? 'unknown'}${status} after ${attempts}: ${result.errorMessage ?? ''}; idempotency_key ${result.idempotencyKey}`;
}
