// The caps on a tarball source, through loadRelease on real files and a loopback server: each cap
// refuses just past its value, at the boundary it accepts, and the refusal names the cap with a
// stable code.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CacheError } from '../../codegen/cache/cache-error.js';
import { loadRelease, type ReleaseLimits } from '../../codegen/cache/release-source.js';
import { GiB, MiB, tarHeader, writeGzipBomb } from './bombs.js';
import { makeTempDir, rawTarball, removeTempDirs, sha256 } from './fixtures.js';

afterAll(removeTempDirs);

function tarballFile(bytes: Buffer): string {
  const file = join(makeTempDir(), 'release.tgz');
  writeFileSync(file, bytes);
  return file;
}

function load(path: string, limits: ReleaseLimits) {
  return loadRelease({ kind: 'tarball', path }, { checksum: 'if-published', limits });
}

async function refusal(promise: Promise<unknown>): Promise<CacheError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CacheError);
  return error as CacheError;
}

const entries = [
  { path: 'adcp-1.0.0/a.json', body: 'a'.repeat(1000) },
  { path: 'adcp-1.0.0/b.json', body: 'b'.repeat(3000) },
];

describe('per-entry cap', () => {
  it('accepts an entry of exactly the cap and refuses one byte more, at the header', async () => {
    const file = tarballFile(rawTarball(entries));
    const loaded = await load(file, { maxEntryBytes: 3000 });
    expect(loaded.files.get('adcp-1.0.0/b.json')?.toString()).toBe('b'.repeat(3000));
    const error = await refusal(load(file, { maxEntryBytes: 2999 }));
    expect(error.code).toBe('ADCP_CACHE_ENTRY_TOO_LARGE');
    expect(error.message).toContain('"adcp-1.0.0/b.json" is 3000 bytes, over the per-entry cap of 2999 bytes');
  });

  it('refuses a 1 GiB entry from its header, whatever follows', async () => {
    const file = join(makeTempDir(), 'bomb.tgz');
    await writeGzipBomb(file, 'one-entry', GiB);
    const error = await refusal(load(file, {}));
    expect(error.code).toBe('ADCP_CACHE_ENTRY_TOO_LARGE');
    expect(error.message).toContain(`is ${GiB} bytes, over the per-entry cap of 16 MiB`);
  });
});

describe('total unpacked cap', () => {
  it('counts the whole inflated tar stream: accepted at its size, refused one byte under', async () => {
    const tgz = rawTarball(entries);
    const file = tarballFile(tgz);
    const streamBytes = gunzipSync(tgz).byteLength;
    expect((await load(file, { maxUnpackedBytes: streamBytes })).files.size).toBe(2);
    const error = await refusal(load(file, { maxUnpackedBytes: streamBytes - 1 }));
    expect(error.code).toBe('ADCP_CACHE_UNPACKED_TOO_LARGE');
    expect(error.message).toContain(`tarball unpacks to more than the total unpacked cap of ${streamBytes - 1} bytes`);
  });

  it('refuses entries whose declared sizes add up past the cap before reading their bodies', async () => {
    const file = join(makeTempDir(), 'bomb.tgz');
    await writeGzipBomb(file, 'many-entries', GiB);
    const error = await refusal(load(file, {}));
    expect(error.code).toBe('ADCP_CACHE_UNPACKED_TOO_LARGE');
    expect(error.message).toContain('total unpacked cap of 48 MiB');
  });

  it('counts trailing bytes after the end-of-archive blocks too', async () => {
    const file = join(makeTempDir(), 'zeros.tgz');
    await writeGzipBomb(file, 'raw-zeros', 80 * MiB);
    const error = await refusal(load(file, {}));
    expect(error.code).toBe('ADCP_CACHE_UNPACKED_TOO_LARGE');
  });
});

describe('archive shape', () => {
  it('refuses a compressed stream inside the compressed stream (it would inflate out of sight of the caps)', async () => {
    const inner = gzipSync(Buffer.concat([tarHeader('adcp-1.0.0/zeros.bin', 4096), Buffer.alloc(4096 + 1024)]));
    const error = await refusal(load(tarballFile(gzipSync(inner)), {}));
    expect(error.message).toContain('not a tarball (a compressed stream inside the compressed stream)');
  });

  it('reads an uncompressed tar, streaming it the same way', async () => {
    const tar = gunzipSync(rawTarball(entries));
    const loaded = await load(tarballFile(tar), {});
    expect(loaded.sha256).toBe(sha256(tar));
    expect([...loaded.files.keys()]).toEqual(['adcp-1.0.0/a.json', 'adcp-1.0.0/b.json']);
  });
});

describe('download size cap', () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server?.close();
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('refuses a local tarball larger than the cap before reading it', async () => {
    const tgz = rawTarball(entries);
    const file = tarballFile(tgz);
    expect((await load(file, { maxDownloadBytes: tgz.byteLength })).files.size).toBe(2);
    const error = await refusal(load(file, { maxDownloadBytes: tgz.byteLength - 1 }));
    expect(error.code).toBe('ADCP_CACHE_DOWNLOAD_TOO_LARGE');
    expect(error.message).toContain(`larger than the download size cap of ${tgz.byteLength - 1} bytes`);
  });

  it('refuses a body past the cap while streaming, and a Content-Length past it at once', async () => {
    const tgz = rawTarball(entries);
    const base = await serve((request, response) => {
      if (request.url?.endsWith('.sha256')) response.end(`${sha256(tgz)}  1.0.0.tgz\n`);
      else if (request.url?.startsWith('/chunked/')) {
        response.write(tgz); // write before end: no Content-Length, chunked
        response.end();
      }
      else response.writeHead(200, { 'content-length': tgz.byteLength }).end(tgz);
    });
    const url = (path: string) => ({ kind: 'url' as const, url: new URL(`${base}${path}`) });
    const options = (maxDownloadBytes: number) => ({ checksum: 'required' as const, limits: { maxDownloadBytes } });
    expect((await loadRelease(url('/fixed/1.0.0.tgz'), options(tgz.byteLength))).sha256).toBe(sha256(tgz));
    expect((await loadRelease(url('/chunked/1.0.0.tgz'), options(tgz.byteLength))).sha256).toBe(sha256(tgz));
    const fixed = await refusal(loadRelease(url('/fixed/1.0.0.tgz'), options(tgz.byteLength - 1)));
    expect(fixed.code).toBe('ADCP_CACHE_DOWNLOAD_TOO_LARGE');
    expect(fixed.message).toContain(`(Content-Length ${tgz.byteLength})`);
    const chunked = await refusal(loadRelease(url('/chunked/1.0.0.tgz'), options(tgz.byteLength - 1)));
    expect(chunked.code).toBe('ADCP_CACHE_DOWNLOAD_TOO_LARGE');
    expect(chunked.message).toContain(`more than ${tgz.byteLength - 1} bytes received`);
  });
});
