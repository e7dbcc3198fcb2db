// The package's key types are its own (src/runtime/keys/jwk.ts), not @types/node's JsonWebKey:
// a consumer project compiles the same snippet under @types/node 20 and under the newest
// @types/node (devDependency alias `@types/node-latest`) with skipLibCheck false, and every
// `@ts-expect-error` line must be an error (a key parameter that decayed to `any` fails the test).
// The project holds the built declarations (dist/src, from `npm run build`) as its
// node_modules/adcp-codegen and links every other dependency of the repository, with
// preserveSymlinks so that each library's `types="node"` reference resolves to the chosen version.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumerCompilerOptions } from '../helpers/consumer-tsconfig.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const repoModules = join(repoRoot, 'node_modules');

const snippet = `import {
  createExternalRfc9421Signer,
  createRfc9421Signer,
  loadPrivateSigningKey,
  SigningKeySet,
  staticKeySource,
  verifyRfc9421Webhook,
  type Jwks,
  type PrivateJwk,
  type PublicJwk,
} from 'adcp-codegen';

declare const privateJwk: PrivateJwk;
declare const publicJwk: PublicJwk;
declare const document: Jwks;
const received = { method: 'POST', url: 'https://buyer.example/hook', headers: {}, body: '{}', now: 0 };

export const signer = createRfc9421Signer({ key: privateJwk });
export const loaded = loadPrivateSigningKey(privateJwk);
export const fromList = verifyRfc9421Webhook({ ...received, jwks: [publicJwk] });
export const fromDocument = verifyRfc9421Webhook({ ...received, jwks: document });
export const fromLiteral = verifyRfc9421Webhook({ ...received, jwks: { keys: [publicJwk] } });
export const sources = [staticKeySource([publicJwk]), staticKeySource(document), staticKeySource({ keys: [publicJwk] })];
export const set = new SigningKeySet([{ privateJwk, state: 'active' }, { publicJwk, state: 'retiring' }]);
export const external = createExternalRfc9421Signer({ publicJwk, sign: async (data: Uint8Array) => data });
export const literal: PrivateJwk = { kty: 'OKP', crv: 'Ed25519', x: 'AAAA', d: 'BBBB', kid: 'k1', alg: 'EdDSA' };

// @ts-expect-error a string is not a key
createRfc9421Signer({ key: 'x' });
// @ts-expect-error a public JWK cannot sign (no "d")
createRfc9421Signer({ key: publicJwk });
// @ts-expect-error RSA is not an AdCP signing key type
createRfc9421Signer({ key: { kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB', kid: 'k' } });
// @ts-expect-error the JOSE name of Ed25519 signing is "EdDSA"
createRfc9421Signer({ key: { kty: 'OKP', crv: 'Ed25519', x: 'AAAA', d: 'BBBB', kid: 'k', alg: 'Ed25519' } });
// @ts-expect-error 42 is not a JWK
verifyRfc9421Webhook({ ...received, jwks: [42] });
// @ts-expect-error a JWKS document holds its keys under "keys"
verifyRfc9421Webhook({ ...received, jwks: { key: [publicJwk] } });
// @ts-expect-error 42 is not a JWK
staticKeySource([42]);
// @ts-expect-error a key set member is a JWK, not a string
new SigningKeySet([{ privateJwk: 'x', state: 'active' }]);
// @ts-expect-error the external signer takes the published public JWK
createExternalRfc9421Signer({ publicJwk: 42, sign: async (data: Uint8Array) => data });
`;

let workDir: string;
let projects = 0;

function linkDependencies(modules: string, typesNode: string): void {
  mkdirSync(join(modules, '@types'), { recursive: true });
  for (const entry of readdirSync(repoModules)) {
    if (entry === '@types' || entry === '.bin' || entry.startsWith('.')) continue;
    symlinkSync(join(repoModules, entry), join(modules, entry));
  }
  for (const entry of readdirSync(join(repoModules, '@types'))) {
    if (entry === 'node' || entry === 'node-latest') continue;
    symlinkSync(join(repoModules, '@types', entry), join(modules, '@types', entry));
  }
  symlinkSync(join(repoModules, '@types', typesNode), join(modules, '@types', 'node'));
}

function installPackage(modules: string): void {
  const target = join(modules, 'adcp-codegen');
  cpSync(join(repoRoot, 'package.json'), join(target, 'package.json'));
  cpSync(join(repoRoot, 'dist/src'), join(target, 'dist/src'), {
    recursive: true,
    filter: (source) => !source.endsWith('.js') && !source.endsWith('.map'),
  });
}

function consumerProject(typesNode: 'node' | 'node-latest', source: string): string {
  projects += 1;
  const dir = join(workDir, `${typesNode}-${projects}`);
  const modules = join(dir, 'node_modules');
  mkdirSync(modules, { recursive: true });
  linkDependencies(modules, typesNode);
  installPackage(modules);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  writeFileSync(join(dir, 'consumer.ts'), source);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: consumerCompilerOptions({ skipLibCheck: false, preserveSymlinks: true }),
      files: ['consumer.ts'],
    }),
  );
  return dir;
}

function tsc(dir: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, [join(repoModules, 'typescript/bin/tsc'), '-p', 'tsconfig.json'], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist/src/index.d.ts'))) throw new Error('dist/src is missing: run `npm run build` first');
  workDir = mkdtempSync(join(tmpdir(), 'adcp-jwk-types-'));
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('own JWK types in every key-taking signature', () => {
  it.each([
    ['node', '20.'],
    ['node-latest', ''],
  ] as const)('compile with skipLibCheck false under @types/%s', (typesNode, versionPrefix) => {
    const dir = consumerProject(typesNode, snippet);
    const version = (JSON.parse(
      spawnSync(process.execPath, ['-p', `JSON.stringify(require('./node_modules/@types/node/package.json'))`], { cwd: dir, encoding: 'utf8' })
        .stdout,
    ) as { version: string }).version;
    if (versionPrefix !== '') expect(version.startsWith(versionPrefix)).toBe(true);
    else expect(Number(version.split('.')[0])).toBeGreaterThanOrEqual(24);
    const result = tsc(dir);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  }, 180_000);

  it('the snippet is not vacuous: without the expect-error markers tsc reports each line', () => {
    const stripped = snippet.replaceAll('// @ts-expect-error', '// (was expected)');
    const dir = consumerProject('node-latest', stripped);
    const result = tsc(dir);
    expect(result.status).not.toBe(0);
    const lines = new Set([...result.output.matchAll(/consumer\.ts\((\d+),/g)].map((match) => match[1]));
    expect(lines.size).toBe(9);
  }, 180_000);
});
