// `sync` against decompression bombs and oversize downloads, through the built CLI as a real child
// process: refused at the cap it names, within a bounded peak RSS, with the cache, the lock and the
// temp folder left exactly as they were.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GiB, writeGzipBomb, type BombShape } from '../cache/bombs.js';
import { makeSmallProject, makeTempDir, removeTempDirs, snapshotTree } from '../cache/fixtures.js';
import { cliPath, runCliProcessAsync } from '../helpers/cli.js';

const RSS_LIMIT_BYTES = 150 * 1024 * 1024;

afterAll(removeTempDirs);

interface MeasuredRun {
  readonly status: number | null;
  readonly stderr: string;
  /** Peak resident set size of the CLI process, in bytes (getrusage ru_maxrss). */
  readonly maxRssBytes: number;
}

/** Runs the CLI with a preload that reports its own peak RSS on exit. */
function runMeasured(args: readonly string[], cwd: string): Promise<MeasuredRun> {
  const preload = join(makeTempDir(), 'report-rss.mjs');
  writeFileSync(
    preload,
    "import { writeSync } from 'node:fs';\nprocess.on('exit', () => writeSync(2, `\\nmaxrss_kib=${process.resourceUsage().maxRSS}\\n`));\n",
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', pathToFileURL(preload).href, cliPath, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => {
      const kib = /maxrss_kib=(\d+)/.exec(stderr)?.[1];
      resolve({ status, stderr, maxRssBytes: kib === undefined ? Number.NaN : Number(kib) * 1024 });
    });
  });
}

describe('sync refuses a gzip bomb within bounded memory', () => {
  const bombs = new Map<BombShape, string>();
  beforeAll(async () => {
    const dir = makeTempDir();
    for (const shape of ['one-entry', 'many-entries', 'raw-zeros'] as const) {
      const file = join(dir, `${shape}.tgz`);
      const size = await writeGzipBomb(file, shape, GiB);
      expect(size).toBeLessThan(2 * 1024 * 1024); // 1 GiB of zeros in under 2 MB
      bombs.set(shape, file);
    }
  });

  const cases: Array<[BombShape, RegExp]> = [
    ['one-entry', /is 1073741824 bytes, over the per-entry cap of 16 MiB/],
    ['many-entries', /tarball unpacks to more than the total unpacked cap of 48 MiB/],
    ['raw-zeros', /tarball unpacks to more than the total unpacked cap of 48 MiB/],
  ];
  it.each(cases)('%s: exit 2 naming the cap, peak RSS ≤ 150 MB, cache and lock untouched', async (shape, expected) => {
    const project = makeSmallProject();
    const before = snapshotTree(join(project, 'schemas'));
    const run = await runMeasured(['sync', '--version', '9.9.9', '--from', bombs.get(shape)!], project);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(run.maxRssBytes).toBeGreaterThan(0);
    expect(run.maxRssBytes).toBeLessThanOrEqual(RSS_LIMIT_BYTES);
    expect(snapshotTree(join(project, 'schemas'))).toEqual(before);
  }, 60_000);
});

describe('sync refuses an oversize download at the download size cap', () => {
  let server: Server;
  let base: string;
  let sentBytes = 0;
  beforeAll(async () => {
    const zeros = Buffer.alloc(1024 * 1024);
    server = createServer((request, response) => {
      if (request.url?.endsWith('.sha256')) return void response.end(`${'0'.repeat(64)}  9.9.9.tgz\n`);
      if (request.url?.startsWith('/announced/')) response.writeHead(200, { 'content-length': String(GiB) });
      else response.writeHead(200); // chunked, no length, never ends on its own
      const pump = () => {
        while (!response.destroyed && sentBytes < 4 * GiB) {
          sentBytes += zeros.byteLength;
          if (!response.write(zeros)) return void response.once('drain', pump);
        }
      };
      response.on('error', () => undefined);
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const cases: Array<[string, RegExp]> = [
    ['announced', /larger than the download size cap of 64 MiB \(Content-Length 1073741824\)/],
    ['streamed', /larger than the download size cap of 64 MiB \(more than 67108864 bytes received\)/],
  ];
  it.each(cases)('%s: exit 2 naming the cap, the connection dropped, nothing left in the cache or temp folder', async (kind, expected) => {
    const project = makeSmallProject();
    const before = snapshotTree(join(project, 'schemas'));
    const tmp = join(makeTempDir(), 'tmp');
    mkdirSync(tmp);
    sentBytes = 0;
    const run = await runCliProcessAsync(['sync', '--version', '9.9.9', '--from', `${base}/${kind}/9.9.9.tgz`], { cwd: project, env: { TMPDIR: tmp } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(expected);
    expect(snapshotTree(join(project, 'schemas'))).toEqual(before);
    expect(readdirSync(tmp)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sentBytes).toBeLessThan(256 * 1024 * 1024); // the client hung up near the cap, not at the end
  }, 60_000);
});
