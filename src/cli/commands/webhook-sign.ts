// `adcp-codegen webhook sign`: signs one webhook body the way the delivery runtime would, and prints
// the headers (or JSON with the RFC 9421 signature base). Exactly one mode: --jwk (RFC 9421
// profile), --hmac-secret (legacy HMAC-SHA256) or --bearer (legacy Bearer). The body file's bytes
// are signed as they are; a body with duplicate object keys is refused.
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import type { PrivateJwk } from '../../runtime/keys/jwk.js';
import type { OutgoingWebhookRequest } from '../../runtime/signing/webhook-signer.js';
import { CliError } from '../cli-error.js';

interface SignOptions {
  url: string;
  method: string;
  bodyFile: string;
  jwk?: string;
  created?: string;
  expires?: string;
  nonce?: string;
  hmacSecret?: string;
  timestamp?: string;
  bearer?: string;
  json?: boolean;
}

interface SignResult {
  readonly headers: Record<string, string>;
  readonly signatureBase?: string;
}

type Signing = typeof import('../../runtime/signing/index.js');

const CONTENT_TYPE = 'application/json';
const RFC9421_ONLY = ['created', 'expires', 'nonce'] as const;

export function registerWebhookSign(webhook: Command): void {
  webhook
    .command('sign')
    .description('sign a webhook body: RFC 9421 (--jwk), legacy HMAC-SHA256 (--hmac-secret) or Bearer (--bearer)')
    .requiredOption('--url <url>', 'destination URL (the buyer push_notification_config.url)')
    .option('--method <method>', 'HTTP method', 'POST')
    .requiredOption('--body-file <file>', 'file holding the exact JSON body bytes to sign')
    .option('--jwk <file>', 'private JWK (Ed25519 or P-256, with kid) for the RFC 9421 webhook profile')
    .option('--created <seconds>', 'RFC 9421 created (unix seconds; default now)')
    .option('--expires <seconds>', 'RFC 9421 expires (unix seconds; default created + 300)')
    .option('--nonce <nonce>', 'RFC 9421 nonce (base64url, ≥ 16 bytes; default random)')
    .option('--hmac-secret <secret>', 'legacy HMAC-SHA256 shared secret (≥ 32 bytes)')
    .option('--timestamp <seconds>', 'HMAC X-ADCP-Timestamp (unix seconds; default now)')
    .option('--bearer <token>', 'legacy Bearer token (≥ 32 bytes)')
    .option('--json', 'print {"headers": …, "signature_base": …} instead of header lines')
    .action(async (options: SignOptions) => {
      const signing = await import('../../runtime/signing/index.js');
      const result = signWebhook(options, signing);
      process.stdout.write(options.json === true ? formatJson(result) : formatHeaderLines(result));
    });
}

function signWebhook(options: SignOptions, signing: Signing): SignResult {
  const mode = selectedMode(options);
  const request: OutgoingWebhookRequest = {
    method: httpMethod(options.method),
    url: options.url,
    contentType: CONTENT_TYPE,
    body: readBody(options.bodyFile),
  };
  try {
    checkUrl(options.url, signing);
    const signed = mode === 'jwk' ? signRfc9421(options, request, signing) : { headers: legacyHeaders(mode, options, request, signing) };
    return { ...signed, headers: { 'Content-Type': CONTENT_TYPE, ...signed.headers } };
  } catch (error) {
    throw asRefusal(error, signing);
  }
}

function selectedMode(options: SignOptions): 'jwk' | 'hmac' | 'bearer' {
  const modes = [
    options.jwk !== undefined ? ('jwk' as const) : undefined,
    options.hmacSecret !== undefined ? ('hmac' as const) : undefined,
    options.bearer !== undefined ? ('bearer' as const) : undefined,
  ].filter((mode) => mode !== undefined);
  const [mode] = modes;
  if (modes.length !== 1 || mode === undefined) {
    throw new CliError('webhook sign: give exactly one of --jwk, --hmac-secret or --bearer');
  }
  const stray = RFC9421_ONLY.find((name) => options[name] !== undefined);
  if (mode !== 'jwk' && stray !== undefined) throw new CliError(`webhook sign: --${stray} applies only with --jwk`);
  if (mode !== 'hmac' && options.timestamp !== undefined) {
    throw new CliError('webhook sign: --timestamp applies only with --hmac-secret');
  }
  return mode;
}

function signRfc9421(options: SignOptions, request: OutgoingWebhookRequest, signing: Signing): SignResult {
  const key = signing.loadPrivateSigningKey(readJwk(options.jwk ?? ''));
  const created = options.created === undefined ? nowSeconds() : unixSeconds(options.created, '--created');
  const expires = options.expires === undefined ? created + signing.MAX_SIGNATURE_VALIDITY_SECONDS : unixSeconds(options.expires, '--expires');
  const nonce = options.nonce ?? signing.freshNonce();
  return signing.signRfc9421Request(request, key, { created, expires, nonce });
}

function legacyHeaders(
  mode: 'hmac' | 'bearer',
  options: SignOptions,
  request: OutgoingWebhookRequest,
  signing: Signing,
): Record<string, string> {
  if (mode === 'hmac') {
    const signer = signing.createHmacSigner({ secret: options.hmacSecret ?? '', credentialRef: 'cli' });
    const timestamp = options.timestamp === undefined ? nowSeconds() : unixSeconds(options.timestamp, '--timestamp');
    return signer.headersFor(request, timestamp);
  }
  return signing.createBearerSigner({ token: options.bearer ?? '', credentialRef: 'cli' }).headersFor(request, nowSeconds());
}

function checkUrl(url: string, signing: Signing): void {
  try {
    signing.canonicalizeUrl(url);
  } catch (error) {
    if (!(error instanceof signing.TargetUriMalformedError)) throw error;
    throw new CliError(`webhook sign: invalid --url: ${error.message.replace(/^webhook URL is malformed: /, '')}`);
  }
}

function readBody(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new CliError(`webhook sign: cannot read --body-file ${file}: ${errorCode(error)}`);
  }
}

function readJwk(file: string): PrivateJwk {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`webhook sign: cannot read --jwk ${file}: ${errorCode(error)}`);
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new CliError(`webhook sign: --jwk ${file} is not JSON`);
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw new CliError(`webhook sign: --jwk ${file} must hold one JWK object`);
  }
  if ('keys' in jwk) throw new CliError(`webhook sign: --jwk ${file} is a JWKS; give a single private JWK`);
  return jwk as PrivateJwk;
}

function httpMethod(method: string): string {
  if (!/^[A-Za-z]+$/.test(method)) throw new CliError('webhook sign: --method must be an HTTP method name');
  return method.toUpperCase();
}

function unixSeconds(text: string, option: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new CliError(`webhook sign: ${option} must be unix seconds (a non-negative integer)`);
  return Number(text);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Known refusals become one-line exit-2 errors; their messages never hold secrets. */
function asRefusal(error: unknown, signing: Signing): unknown {
  const refusal =
    error instanceof signing.SigningConfigError ||
    error instanceof signing.TargetUriMalformedError ||
    error instanceof signing.DuplicateKeyInputError ||
    error instanceof signing.JsonSyntaxError;
  if (!refusal) return error;
  const aboutBody = error instanceof signing.JsonSyntaxError || error instanceof signing.DuplicateKeyInputError;
  return new CliError(`webhook sign: ${aboutBody ? '--body-file: ' : ''}${error.message}`);
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'unreadable';
}

function formatHeaderLines(result: SignResult): string {
  return Object.entries(result.headers)
    .map(([name, value]) => `${name}: ${value}\n`)
    .join('');
}

function formatJson(result: SignResult): string {
  const output = result.signatureBase === undefined ? { headers: result.headers } : { headers: result.headers, signature_base: result.signatureBase };
  return `${JSON.stringify(output, null, 2)}\n`;
}
