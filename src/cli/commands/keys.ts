// `adcp-codegen keys generate|jwks|revoke`: make a signing key pair with every member AdCP
// verifiers require (security.mdx "Agent key publication"), build the JWKS to publish from public
// JWK files (anything private is refused), and sign the revocation list (security.mdx "Transport
// revocation"). The private JWK file is written with mode 0600 and never printed.
import type { Command } from 'commander';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';

type Keys = typeof import('../../runtime/keys/index.js');

interface GenerateOptions {
  alg: string;
  purpose: string;
  kid?: string;
  outDir: string;
  force?: boolean;
}

interface RevokeOptions {
  signingKey: string;
  issuer: string;
  kid: string[];
  nextUpdate: string;
  out?: string;
}

const PURPOSE_HELP = `
Key purpose (--purpose) and AdCP versions:
- request-signing (default): AdCP 3.1+ signs webhooks with a
  "request-signing" key and its verifiers accept it. AdCP 3.0 webhook
  verifiers accept only "webhook-signing" and REJECT this key
  (3.0.26 webhook-signing vector negative/008).
- webhook-signing: the 3.0-compatible purpose, accepted by 3.0 verifiers
  and still by 3.1 (deprecated there, pending removal in a future major).
To reach both, generate one key of each purpose (distinct kids), publish
both in one JWKS, and sign each buyer's webhooks with the key its AdCP
version accepts.

Files: <kid>.private.jwk.json (mode 0600; keep it secret or import it into
a KMS) and <kid>.public.jwk.json (use "sig", key_ops ["verify"], adcp_use,
alg EdDSA | ES256). The kid defaults to the RFC 7638 thumbprint. Build the
JWKS to publish with: adcp-codegen keys jwks <public files...>`;

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('generate, publish and revoke RFC 9421 webhook signing keys');
  keys
    .command('generate')
    .summary('generate a signing key pair: private JWK (mode 0600) and the public JWK to publish')
    .description(`generate a signing key pair: private JWK (mode 0600) and the public JWK to publish\n${PURPOSE_HELP}`)
    .requiredOption('--alg <alg>', 'ed25519 (JWK alg EdDSA) or es256 (ECDSA P-256, JWK alg ES256)')
    .option('--purpose <purpose>', 'adcp_use: request-signing (3.1+) or webhook-signing (3.0-compatible); see below', 'request-signing')
    .option('--kid <kid>', 'key id (default: the RFC 7638 JWK thumbprint)')
    .requiredOption('--out-dir <dir>', 'directory for <kid>.private.jwk.json and <kid>.public.jwk.json')
    .option('--force', 'overwrite existing files')
    .action(async (options: GenerateOptions) => {
      const module = await import('../../runtime/keys/index.js');
      generate(options, module);
    });
  keys
    .command('jwks')
    .description('print the JWKS document to publish at the agent jwks_uri, from public JWK (or JWKS) files; refuses private keys')
    .argument('<files...>', 'public JWK or JWKS files')
    .option('--out <file>', 'write the JWKS to a file instead of stdout')
    .action(async (files: string[], options: { out?: string }) => {
      const module = await import('../../runtime/keys/index.js');
      const jwks = keyCall(() => module.buildJwks(files.map((file) => readJson(file))));
      output(`${JSON.stringify(jwks, null, 2)}\n`, options.out);
    });
  keys
    .command('revoke')
    .description('sign the revocation list (revoked_kids, next_update) served at /.well-known/governance-revocations.json')
    .requiredOption('--signing-key <file>', 'private JWK of a published, non-revoked key that signs the list')
    .requiredOption('--issuer <origin>', 'the brand.json origin the list governs, e.g. https://seller.example')
    .option('--kid <kid...>', 'key ids to revoke (repeat or list; none publishes an empty list)', [])
    .option('--next-update <seconds>', 'next_update - updated: 60..1800 (verifiers poll on this cadence)', '300')
    .option('--out <file>', 'write the list to a file instead of stdout')
    .action(async (options: RevokeOptions) => {
      const module = await import('../../runtime/keys/index.js');
      const list = await keyCallAsync(() =>
        module.signRevocationList({
          issuer: options.issuer,
          revokedKids: options.kid,
          signingKey: readJson(options.signingKey) as never,
          nextUpdateInSeconds: Number(options.nextUpdate),
        }),
      );
      output(`${list.document}\n`, options.out);
      process.stderr.write(`revocation list: ${list.revokedKids.length} revoked kid(s), next_update ${new Date(list.nextUpdate * 1000).toISOString()}\n`);
    });
}

function generate(options: GenerateOptions, module: Keys): void {
  const pair = keyCall(() =>
    module.generateSigningKey({
      alg: module.parseSigningKeyAlgorithm(options.alg),
      purpose: module.parseKeyPurpose(options.purpose),
      ...(options.kid === undefined ? {} : { kid: options.kid }),
    }),
  );
  mkdirSync(options.outDir, { recursive: true });
  const base = pair.publicJwk.kid.replace(/[^A-Za-z0-9._-]/g, '_');
  const privatePath = join(options.outDir, `${base}.private.jwk.json`);
  const publicPath = join(options.outDir, `${base}.public.jwk.json`);
  const flag = options.force === true ? 'w' : 'wx';
  try {
    writeFileSync(privatePath, `${JSON.stringify(pair.privateJwk, null, 2)}\n`, { mode: 0o600, flag });
    chmodSync(privatePath, 0o600); // an overwritten file keeps its old mode otherwise
    writeFileSync(publicPath, `${JSON.stringify(pair.publicJwk, null, 2)}\n`, { mode: 0o644, flag });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new CliError(`${privatePath} or ${publicPath} exists (use --force to overwrite)`);
    throw new CliError(`cannot write the key files in ${options.outDir}: ${(error as Error).message}`);
  }
  process.stdout.write(
    `kid ${pair.publicJwk.kid} (${pair.publicJwk.alg}, adcp_use ${pair.publicJwk.adcp_use})\n` +
      `private JWK: ${privatePath} (mode 0600, keep secret)\npublic JWK:  ${publicPath}\n`,
  );
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`${file} is not JSON`);
  }
}

function output(text: string, file: string | undefined): void {
  if (file === undefined) process.stdout.write(text);
  else writeFileSync(file, text);
}

function keyCall<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw asCliError(error);
  }
}

async function keyCallAsync<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw asCliError(error);
  }
}

function asCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  const code = (error as { code?: unknown }).code;
  if (error instanceof Error && typeof code === 'string' && (code.startsWith('ADCP_KEYS_') || code === 'signing_config_invalid')) {
    return new CliError(error.message);
  }
  return error;
}
