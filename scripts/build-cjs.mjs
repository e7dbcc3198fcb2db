// Second build pass: the library entry as CommonJS into dist/cjs/ (see tsconfig.cjs.json), then
// dist/cjs/package.json {"type":"commonjs"} so Node and TypeScript read those .js and .d.ts files as
// CommonJS. Compile errors here (e.g. `import.meta` reaching the library graph) are printed as a
// warning but do not fail `npm run build`: one such file must not stop the whole test suite.
// tests/package/cjs-build.test.ts fails on them, naming each file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json'], { encoding: 'utf8' });
if (result.status !== 0) {
  process.stderr.write(
    `warning: the CommonJS build (tsconfig.cjs.json) has errors; require('adcp-codegen') may fail:\n${result.stdout}${result.stderr}`,
  );
}
mkdirSync('dist/cjs', { recursive: true });
writeFileSync('dist/cjs/package.json', `${JSON.stringify({ type: 'commonjs' })}\n`);
