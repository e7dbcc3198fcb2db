// `npm run docs:cli`: rewrites the CLI reference block of README.md from the built CLI
// (commander's own help text for every command). Run after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildProgram } from '../dist/src/cli/main.js';
import { renderCliReference, replaceCliReference } from '../dist/src/cli/output/help-reference.js';

const readme = readFileSync('README.md', 'utf8');
const updated = replaceCliReference(readme, renderCliReference(buildProgram()));
if (updated === readme) {
  process.stdout.write('README.md CLI reference is up to date\n');
} else {
  writeFileSync('README.md', updated);
  process.stdout.write('README.md CLI reference rewritten\n');
}
