// `adcp-codegen webhook verify`: runs one captured request (method, URL, headers, body file)
// through the webhook receiver with keys from a JWKS file, and says whether it verifies — and if
// not, which checklist step failed (with --explain, the recomputed signature base). Exit 0 accepted,
// 1 rejected, 2 bad input. Nothing secret is printed: no signature bytes, token or credential.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { CliError } from '../cli-error.js';

interface VerifyOptions {
  url: string;
  method: string;
  header: string[];
  bodyFile: string;
  jwks: string;
  now?: string;
  sender?: string;
  signatureOnly?: boolean;
  explain?: boolean;
  json?: boolean;
}

type Receiver = typeof import('../../runtime/receiver/index.js');
type Outcome = Awaited<ReturnType<import('../../runtime/receiver/index.js').WebhookReceiver['receive']>>;

export function registerWebhookVerify(webhook: Command): void {
  webhook
    .command('verify')
    .description('verify a captured webhook request against a JWKS (RFC 9421 webhook profile); exit 0 accepted, 1 rejected')
    .requiredOption('--url <url>', 'the URL the request was sent to (as the sender signed it)')
    .option('--method <method>', 'HTTP method', 'POST')
    .option('--header <line>', 'a received header, "Name: value" (repeatable)', collect, [])
    .requiredOption('--body-file <file>', 'file holding the exact received body bytes')
    .requiredOption('--jwks <file>', 'the signer JWKS ({"keys": [...]}) or a JWK list')
    .option('--now <seconds>', 'verification time (unix seconds; default now)')
    .option('--sender <id>', 'sender identity to report (default keyid:<kid>)')
    .option('--signature-only', 'stop after the signature checklist (skip envelope validation)')
    .option('--explain', 'name the failed checklist step and print the recomputed signature base')
    .option('--json', 'print the outcome as JSON')
    .action(async (options: VerifyOptions) => {
      const receiverModule = await import('../../runtime/receiver/index.js');
      const outcome = await verifyCaptured(options, receiverModule);
      process.stdout.write(options.json === true ? `${JSON.stringify(outcome, null, 2)}\n` : formatText(outcome, options.explain === true));
      if (!accepted(outcome)) process.exitCode = 1;
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface VerifyReport {
  readonly accepted: boolean;
  readonly code?: string;
  readonly status?: number;
  readonly www_authenticate?: string;
  readonly stage?: string;
  readonly stage_name?: string;
  readonly detail?: string;
  readonly signature_base?: string;
  readonly keyid?: string;
  readonly sender?: string;
  readonly task_type?: string;
  readonly task_status?: string;
}

async function verifyCaptured(options: VerifyOptions, module: Receiver): Promise<VerifyReport> {
  const headers = parseHeaders(options.header);
  const body = readFile(options.bodyFile, '--body-file');
  const keys = readJwks(options.jwks, options.sender, module);
  const nowSeconds = options.now === undefined ? Math.floor(Date.now() / 1000) : unixSeconds(options.now);
  if (!/^[A-Za-z]+$/.test(options.method)) throw new CliError('webhook verify: --method must be an HTTP method name');
  const receiver = module.createWebhookReceiver({
    keys,
    registration: { mode: 'rfc9421' },
    now: () => nowSeconds * 1000,
    explain: true,
  });
  const outcome = await receiver.receive({ method: options.method.toUpperCase(), url: options.url, headers, body });
  await receiver.close();
  return report(outcome, options.signatureOnly === true);
}

function accepted(report: VerifyReport): boolean {
  return report.accepted;
}

/** With --signature-only, a request failing only the envelope schema counts as verified. */
function report(outcome: Outcome, signatureOnly: boolean): VerifyReport {
  if (outcome.kind === 'event') {
    return {
      accepted: true,
      ...(outcome.keyid === undefined ? {} : { keyid: outcome.keyid }),
      sender: outcome.sender,
      ...(outcome.taskType === undefined ? {} : { task_type: outcome.taskType }),
      task_status: outcome.status,
    };
  }
  if (outcome.kind === 'duplicate') return { accepted: true, sender: outcome.sender };
  const signatureVerified = signatureOnly && outcome.stage === 'envelope';
  const explanation = outcome.explanation;
  return {
    accepted: signatureVerified,
    code: outcome.code,
    status: outcome.status,
    ...(outcome.wwwAuthenticate === undefined ? {} : { www_authenticate: outcome.wwwAuthenticate }),
    stage: outcome.stage,
    ...(explanation === undefined ? {} : { stage_name: explanation.stageName }),
    detail: outcome.detail,
    ...(explanation?.signatureBase === undefined ? {} : { signature_base: explanation.signatureBase }),
  };
}

function formatText(result: VerifyReport, explain: boolean): string {
  if (result.accepted && result.code === undefined) {
    const what = result.task_type === undefined ? '' : ` ${result.task_type} ${result.task_status ?? ''}`;
    return `accepted: keyid=${result.keyid ?? '-'} sender=${result.sender ?? '-'}${what}\n`;
  }
  const lines = [
    `${result.accepted ? 'signature verified; envelope' : 'rejected'}: ${result.code ?? ''} (HTTP ${result.status ?? 0})`,
    `  at ${result.stage_name ?? result.stage ?? ''}: ${result.detail ?? ''}`,
  ];
  if (result.www_authenticate !== undefined) lines.push(`  WWW-Authenticate: ${result.www_authenticate}`);
  if (explain && result.signature_base !== undefined) lines.push('  recomputed signature base:', ...result.signature_base.split('\n').map((line) => `    ${line}`));
  return `${lines.join('\n')}\n`;
}

function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = colon <= 0 ? '' : line.slice(0, colon).trim().toLowerCase();
    if (!/^[a-z0-9!#$%&'*+\-.^_`|~]+$/.test(name)) throw new CliError('webhook verify: --header must be "Name: value"');
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return headers;
}

function readFile(file: string, option: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new CliError(`webhook verify: cannot read ${option} ${file}: ${typeof code === 'string' ? code : 'unreadable'}`);
  }
}

function readJwks(file: string, sender: string | undefined, module: Receiver) {
  let document: unknown;
  try {
    document = JSON.parse(readFile(file, '--jwks').toString('utf8'));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`webhook verify: --jwks ${file} is not JSON`);
  }
  try {
    return module.staticKeySource(document as never, sender === undefined ? {} : { sender });
  } catch (error) {
    if (error instanceof module.StaticKeysInvalidError) throw new CliError(`webhook verify: --jwks ${file}: ${error.message}`);
    throw error;
  }
}

function unixSeconds(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new CliError('webhook verify: --now must be unix seconds (a non-negative integer)');
  return Number(text);
}
