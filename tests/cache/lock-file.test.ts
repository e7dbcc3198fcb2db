import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildLock, parseLock, serializeLock } from '../../codegen/cache/lock-file.js';
import { hashTreeOnDisk } from '../../codegen/cache/tree-files.js';
import { verifyCacheAgainstLock } from '../../codegen/cache/verify-cache.js';
import { repoRoot } from '../helpers/cli.js';

const lockPath = join(repoRoot, 'schemas', 'adcp-schemas.lock.json');
const cacheDir = join(repoRoot, 'schemas', 'cache');

describe('schema lock', () => {
  it('is the committed lock, byte for byte, when rebuilt from the cache', async () => {
    const committed = readFileSync(lockPath, 'utf8');
    const lock = parseLock(committed, lockPath);
    const rebuilt = buildLock({ adcpVersion: '3.1.19', source: lock.source, hashes: await hashTreeOnDisk(cacheDir) });
    expect(serializeLock(rebuilt)).toBe(committed);
    expect(Object.keys(lock.sha256)).toHaveLength(672);
    expect(await verifyCacheAgainstLock(cacheDir, lock)).toEqual([]);
  });

  it('serializes the same content identically whatever order it was built in', () => {
    const hashes = [
      ['enums/task-type.json', 'a'.repeat(64)],
      ['Core/x.json', 'b'.repeat(64)],
      ['core/a.json', 'c'.repeat(64)],
    ] as const;
    const forward = buildLock({ adcpVersion: '1.2.3', source: 'dir:/x', hashes: new Map(hashes) });
    const backward = buildLock({ adcpVersion: '1.2.3', source: 'dir:/x', hashes: new Map([...hashes].reverse()) });
    expect(serializeLock(forward)).toBe(serializeLock(backward));
    expect(Object.keys(forward.sha256)).toEqual(['Core/x.json', 'core/a.json', 'enums/task-type.json']);
    expect(serializeLock(forward).endsWith('}\n')).toBe(true);
  });

  it.each([
    ['not JSON', '{', /lock file is not valid JSON/],
    ['a wrong lockfileVersion', '{"lockfileVersion":2}', /unsupported lockfileVersion 2/],
    ['a bad hash', '{"lockfileVersion":1,"adcpVersion":"1.0.0","source":"x","sha256":{"a.json":"xyz"}}', /sha256 of a\.json is not a sha256 hex/],
  ])('rejects %s naming the lock file', (_name, text, message) => {
    expect(() => parseLock(text, '/p/lock.json')).toThrow(message);
    expect(() => parseLock(text, '/p/lock.json')).toThrow(/^\/p\/lock\.json: /);
  });
});
