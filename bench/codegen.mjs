// `npm run bench:codegen`: cold-process wall time of `adcp-codegen generate` and `adcp-codegen check`
// on the pinned AdCP 3.1.19 cache. Each run spawns a fresh `node dist/bin/adcp-codegen.js`, the way CI
// and users run it; the figure is the median of --runs (default 7) after one untimed warm-up run.
// CPU time (user + sys, via /usr/bin/time when present) is printed beside the wall time: on a shared,
// loaded machine it is the steadier figure. Needs a build first (`npm run build`). Target: ≤ 2000 ms.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const cli = join(repo, 'dist', 'bin', 'adcp-codegen.js');
const runs = Number(/^--runs=(\d+)$/.exec(process.argv[2] ?? '')?.[1] ?? 7);
const TARGET_MS = 2000;

if (!existsSync(cli)) {
  console.error('bench:codegen: dist/bin/adcp-codegen.js is missing; run `npm run build` first');
  process.exit(2);
}

// A scratch project holding copies of the cache, the lock and the committed generated code.
const project = mkdtempSync(join(tmpdir(), 'adcp-bench-codegen-'));
cpSync(join(repo, 'schemas'), join(project, 'schemas'), { recursive: true });
cpSync(join(repo, 'src', 'generated'), join(project, 'src', 'generated'), { recursive: true });

const timeBinary = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const timeReport = join(project, 'time.txt');

/** One cold run: wall ms measured here, CPU ms (user + sys) from /usr/bin/time when available. */
function timeRun(args, before, cwd = project) {
  before?.();
  const command = timeBinary === undefined ? [process.execPath, cli, ...args] : [timeBinary, '-f', '%U %S', '-o', timeReport, process.execPath, cli, ...args];
  const start = process.hrtime.bigint();
  const result = spawnSync(command[0], command.slice(1), { cwd, encoding: 'utf8', env: { ...process.env, CI: '1' } });
  const wall = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) {
    console.error(`bench:codegen: \`adcp-codegen ${args.join(' ')}\` exited ${result.status}\n${result.stdout}${result.stderr}`);
    process.exit(1);
  }
  const cpu = timeBinary === undefined ? NaN : readFileSync(timeReport, 'utf8').trim().split(/\s+/).reduce((sum, s) => sum + Number(s) * 1000, 0);
  return { wall, cpu };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function measure(label, args, before, { cwd = project, targetMs = TARGET_MS } = {}) {
  timeRun(args, before, cwd); // warm-up: page cache, not the process
  const samples = Array.from({ length: runs }, () => timeRun(args, before, cwd));
  const walls = samples.map((s) => s.wall).sort((a, b) => a - b);
  const wall = median(walls);
  const cpu = median(samples.map((s) => s.cpu));
  console.log(
    `${label.padEnd(34)} wall median ${wall.toFixed(0).padStart(5)} ms (min ${walls[0].toFixed(0)}, max ${walls.at(-1).toFixed(0)})  ` +
      `cpu median ${Number.isNaN(cpu) ? 'n/a' : `${cpu.toFixed(0)} ms`}  ${wall <= targetMs ? 'within' : 'OVER'} the ${targetMs} ms target`,
  );
  return wall;
}

// The three published releases side by side (project config `versions`): generate is linear in the
// number of versions when the three-version run costs at most three one-version targets.
const VERSIONS = ['3.0.26', '3.1.19', '3.2.0-beta.5'];

function measureVersions() {
  const shared = join(repo, '..', 'shared', 'adcp', 'schemas');
  if (!VERSIONS.every((version) => existsSync(join(shared, version)))) {
    console.log(`versions: skipped (${shared} does not hold ${VERSIONS.join(', ')})`);
    return;
  }
  const multi = join(project, 'multi');
  const outs = VERSIONS.map((version) => join(multi, 'out', version));
  mkdirSync(multi, { recursive: true });
  const versions = VERSIONS.map((version, index) => ({ schemas: join(shared, version), lock: join(multi, `${version}.lock.json`), out: outs[index] }));
  writeFileSync(join(multi, 'adcp-codegen.config.json'), `${JSON.stringify({ versions }, null, 2)}\n`);
  const clear = () => outs.forEach((out) => rmSync(out, { recursive: true, force: true }));
  const wall = measure(`generate ${VERSIONS.length} versions (empty outs)`, ['generate'], clear, { cwd: multi, targetMs: TARGET_MS * VERSIONS.length });
  console.log(`  per version: ${(wall / VERSIONS.length).toFixed(0)} ms (target ≤ ${TARGET_MS} ms per version)`);
}

function cpuModel() {
  const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
  return line?.split(':')[1]?.trim() ?? cpus()[0]?.model ?? 'unknown';
}

try {
  console.log(`bench:codegen — AdCP 3.1.19, ${runs} cold \`node dist/bin/adcp-codegen.js\` runs each (+1 warm-up), median`);
  console.log(`machine: nproc ${cpus().length}, ${cpuModel()}, node ${process.version}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const freshOut = join(project, 'out-fresh');
  measure('generate (empty --out, all files)', ['generate', '--out', 'out-fresh'], () => rmSync(freshOut, { recursive: true, force: true }));
  measure('generate (up to date, no writes)', ['generate']);
  measure('check (in sync)', ['check']);
  measureVersions();
} finally {
  rmSync(project, { recursive: true, force: true });
}
