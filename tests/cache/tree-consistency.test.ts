import { describe, expect, it } from 'vitest';
import { parseChecksumFile } from '../../codegen/cache/checksum-file.js';
import { selectSchemaTree } from '../../codegen/cache/schema-root.js';
import { treeConsistencyProblems } from '../../codegen/cache/tree-consistency.js';
import { readTree } from '../../codegen/cache/tree-files.js';
import { sharedSchemas } from './fixtures.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

describe('release tree consistency', () => {
  it.each(['3.0.26', '3.1.19', '3.2.0-beta.5'])('accepts the published %s tree', async (version) => {
    expect(treeConsistencyProblems(await readTree(`${sharedSchemas}/${version}`), version)).toEqual([]);
  });

  it('names each inconsistent file and the cause', () => {
    const tree = new Map([
      ['index.json', json({ adcp_version: '1.0.0', published_version: '1.0.1' })],
      ['core/a.json', json({ $id: '/schemas/1.0.0/core/a.json', properties: { b: { $ref: '/schemas/1.0.0/core/b.json#/x' } } })],
      ['core/c.json', json({ $id: '/schemas/0.9.0/core/c.json', items: { $ref: '../enums/d.json' } })],
      ['core/e.json', Buffer.from('{"oops":')],
    ]);
    expect(treeConsistencyProblems(tree, '1.0.0')).toEqual([
      'index.json: published_version is "1.0.1", expected "1.0.0"',
      'core/a.json: $ref "/schemas/1.0.0/core/b.json#/x" does not resolve',
      'core/c.json: $id "/schemas/0.9.0/core/c.json" is not under /schemas/1.0.0/',
      'core/c.json: $ref "../enums/d.json" does not resolve',
      expect.stringMatching(/^core\/e\.json: not valid JSON/),
    ]);
  });

  it('resolves relative, root-relative and canonical-URL refs; ignores in-document pointers', () => {
    const tree = new Map([
      ['index.json', json({ adcp_version: '2.0.0' })],
      ['enums/d.json', json({ $id: 'https://adcontextprotocol.org/schemas/2.0.0/enums/d.json' })],
      [
        'core/a.json',
        json({
          a: { $ref: '../enums/d.json' },
          b: { $ref: '/schemas/2.0.0/enums/d.json' },
          c: { $ref: 'https://adcontextprotocol.org/schemas/2.0.0/enums/d.json#/x' },
          d: { $ref: '#/definitions/local' },
        }),
      ],
    ]);
    expect(treeConsistencyProblems(tree, '2.0.0')).toEqual([]);
  });
});

describe('schema root inside an archive', () => {
  const files = (paths: string[]): Map<string, Buffer> => new Map(paths.map((path) => [path, Buffer.from('{}')]));

  it.each([
    [['adcp-1.0.0/README.md', 'adcp-1.0.0/manifest.json', 'adcp-1.0.0/schemas/index.json', 'adcp-1.0.0/schemas/core/a.json'], 'adcp-1.0.0/schemas/'],
    [['index.json', 'core/a.json'], ''],
    [['package/schemas/index.json', 'package/schemas/core/a.json'], 'package/schemas/'],
    [['1.0.0/index.json', '1.0.0/core/a.json'], '1.0.0/'],
  ])('finds the tree in %j', (paths, root) => {
    const selected = selectSchemaTree(files(paths), '1.0.0');
    expect(selected?.root).toBe(root);
    expect([...(selected?.tree.keys() ?? [])]).toContain('core/a.json');
  });

  it('finds nothing without an index.json', () => {
    expect(selectSchemaTree(files(['adcp-1.0.0/schemas/core/a.json']), '1.0.0')).toBeUndefined();
  });
});

describe('<v>.tgz.sha256', () => {
  const hex = 'bc3ed510f85b10694b255b576a2de9c9c678bc2ec789d91e979ed00412b2f557';

  it('reads the sha256sum format', () => {
    expect(parseChecksumFile(`${hex}  3.1.19.tgz\n`, '3.1.19.tgz', 'x')).toBe(hex);
    expect(parseChecksumFile(`${hex.toUpperCase()} *dist/3.1.19.tgz`, '3.1.19.tgz', 'x')).toBe(hex);
    expect(parseChecksumFile(hex, '3.1.19.tgz', 'x')).toBe(hex);
  });

  it('rejects garbage and a checksum of another file', () => {
    expect(() => parseChecksumFile('<html>nope</html>', '3.1.19.tgz', 'u.sha256')).toThrow('u.sha256: not a sha256 checksum file');
    expect(() => parseChecksumFile(`${hex}  3.0.0.tgz`, '3.1.19.tgz', 'u.sha256')).toThrow('checksum is for 3.0.0.tgz, not 3.1.19.tgz');
  });
});
