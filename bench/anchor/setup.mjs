// Installs the anchor (the AdCP JS SDK the issue compares against) into bench/.anchor/, a
// git-ignored scratch folder. Never a dependency of the product. Idempotent: does nothing when the
// pinned versions are already there.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ANCHOR_SDK = '@adcp/sdk@6.11.0';
export const ANCHOR_UNDICI = 'undici@7';
export const anchorDir = join(dirname(fileURLToPath(import.meta.url)), '..', '.anchor');

function installedVersion(name) {
  const manifest = join(anchorDir, 'node_modules', name, 'package.json');
  return existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : undefined;
}

export function anchorInstalled() {
  return installedVersion('@adcp/sdk') === '6.11.0' && /^7\./.test(installedVersion('undici') ?? '');
}

export function ensureAnchor({ quiet = false } = {}) {
  if (anchorInstalled()) return;
  mkdirSync(anchorDir, { recursive: true });
  // A private package.json keeps npm from walking up into the repository's own manifest.
  const manifest = join(anchorDir, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, JSON.stringify({ name: 'adcp-bench-anchor', private: true }, null, 2));
  if (!quiet) process.stderr.write(`installing ${ANCHOR_SDK} and ${ANCHOR_UNDICI} into ${anchorDir}\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--prefix', anchorDir, '--no-save', '--no-audit', '--no-fund', ANCHOR_SDK, ANCHOR_UNDICI], {
    stdio: quiet ? 'ignore' : ['ignore', 'ignore', 'inherit'],
  });
  if (!anchorInstalled()) throw new Error(`anchor install into ${anchorDir} did not produce ${ANCHOR_SDK}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureAnchor();
  process.stdout.write(`anchor ready in ${anchorDir}\n`);
}
