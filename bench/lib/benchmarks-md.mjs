// Writes one "## <Name>" section of BENCHMARKS.md, replacing it if present (or appending it),
// leaving every other section alone. Used by the benches' --write flag.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function writeBenchmarksSection(name, text) {
  const path = join(repoRoot, 'BENCHMARKS.md');
  const current = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = current.search(new RegExp(`^## ${name}\\s*$`, 'm'));
  let next;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${text}\n`;
  } else {
    const rest = current.slice(start + 1);
    const following = rest.search(/^## /m);
    const end = following === -1 ? current.length : start + 1 + following;
    next = `${current.slice(0, start)}${text}\n${following === -1 ? '' : `\n${current.slice(end)}`}`;
  }
  writeFileSync(path, next);
  process.stderr.write(`wrote the ${name} section of ${path}\n`);
}
