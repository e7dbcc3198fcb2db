// The capability blocks are typed by each release's generated capabilities.ts
// (protocol/get-adcp-capabilities-response.json /properties/webhook_signing, /properties/identity):
// what the runtime derives from real signers type-checks against every supported version's generated
// types under real tsc, and a block advertising an algorithm outside the profile does not.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFiles } from '../../codegen/pipeline.js';
import { signingCapabilities } from '../../src/runtime/keys/capabilities.js';
import { generateSigningKey } from '../../src/runtime/keys/generate.js';
import { createRfc9421Signer } from '../../src/runtime/signing/index.js';
import { bindingEntryFrom, makeTempDir, runTsc, schemaDir, VERSIONS, writeFiles, type Diagnostic } from '../codegen/helpers.js';

let workDir: string;
let diagnostics: Diagnostic[];

const advertised = signingCapabilities({
  signers: [createRfc9421Signer({ key: generateSigningKey({ alg: 'ed25519' }).privateJwk }), createRfc9421Signer({ key: generateSigningKey({ alg: 'es256' }).privateJwk })],
  legacyHmacFallback: true,
  brandJsonUrl: 'https://seller.example/.well-known/brand.json',
  jwksUri: 'https://keys.seller.example/.well-known/jwks.json',
  governanceSigningOrigin: 'https://governance.seller.example',
});

const folder = (version: string): string => `v${version.replace(/\W/g, '_')}`;

function checkFile(): string {
  return [
    "import type { IdentityCapability, WebhookSigningCapability } from './capabilities.js';",
    `export const webhookSigning: WebhookSigningCapability = ${JSON.stringify(advertised.webhook_signing)};`,
    `export const identity: IdentityCapability = ${JSON.stringify(advertised.identity)};`,
    "export const wrongAlgorithm: WebhookSigningCapability = { supported: true, profile: 'adcp/webhook-signing/v1', algorithms: ['rsa-pss-sha512'] };",
    '',
  ].join('\n');
}

beforeAll(async () => {
  workDir = makeTempDir('capability-types');
  for (const version of VERSIONS) {
    const dir = path.join(workDir, folder(version));
    mkdirSync(dir, { recursive: true });
    writeFiles(dir, await generateFiles({ schemasDir: schemaDir(version), bindingEntry: bindingEntryFrom(dir) }));
    writeFileSync(path.join(dir, 'capability-check.ts'), checkFile());
  }
  diagnostics = runTsc(workDir);
}, 300_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe.each(VERSIONS)('generated capability types of %s', (version) => {
  const inCheck = (): Diagnostic[] => diagnostics.filter((d) => d.file === path.join(workDir, folder(version), 'capability-check.ts'));

  it('the generated output itself compiles', () => {
    expect(diagnostics.filter((d) => d.file.includes(`${path.sep}${folder(version)}${path.sep}`) && !d.file.endsWith('capability-check.ts'))).toEqual([]);
  });

  it('accepts the blocks the runtime derives from its signers (3.0: all but identity.brand_json_url, which 3.1 added)', () => {
    const others = inCheck().filter((d) => d.line !== 4);
    if (version !== '3.0.26') {
      expect(others).toEqual([]);
      return;
    }
    // The closed identity type of 3.0.26 names the one member its schema does not declare.
    expect(others.map((d) => [d.line, d.code])).toEqual([[3, 2353]]);
    expect(others[0]!.text).toContain("'\"brand_json_url\"' does not exist");
  });

  it('refuses an algorithm outside the webhook-signing profile, naming it', () => {
    const wrong = inCheck().filter((d) => d.line === 4);
    expect(wrong).toHaveLength(1);
    expect(wrong[0]!.text).toContain('rsa-pss-sha512');
  });
});
