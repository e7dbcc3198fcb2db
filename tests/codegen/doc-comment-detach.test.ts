// The fast formatting path gives exactly prettier's bytes: JSDoc lifted out, bare code formatted,
// JSDoc put back. Checked on json-schema-to-typescript output with awkward comments.
import { compile } from 'json-schema-to-typescript';
import type { JSONSchema4 } from 'json-schema';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { detachDocComments, formatDetachingDocComments } from '../../codegen/emit/doc-comment-detach.js';
import { PRETTIER_OPTIONS } from '../../codegen/emit/format-worker.js';

const format = (code: string): Promise<string> => prettier.format(code, PRETTIER_OPTIONS);

const schema: JSONSchema4 = {
  title: 'Order',
  description: 'An order.\n  Indented second line with trailing spaces   \nHard break  \nTab then space\t \n\n- a list item',
  type: 'object',
  required: ['id', 'lines'],
  properties: {
    id: { type: 'string', description: 'Identifier (`*` wildcards are not allowed).' },
    'line-items': { type: 'array', items: { type: 'string' }, description: 'Quoted key.' },
    lines: {
      type: 'array',
      description: 'Lines of the order.',
      items: {
        title: 'Order Line',
        type: 'object',
        properties: {
          sku: { type: 'string', description: 'Stock keeping unit.' },
          state: { enum: ['open', 'closed', 'a-very-long-state-name-to-force-the-union-past-the-print-width', 'another-long-state-name'], description: 'State.' },
          nested: { type: 'object', description: 'Nested object.', properties: { deep: { type: 'number', description: 'Deep.' } } },
        },
      },
    },
    status: { deprecated: true, description: 'Old status.', anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
};

describe('formatDetachingDocComments', () => {
  it('produces the same bytes as prettier on json-schema-to-typescript output', async () => {
    const raw = await compile(schema, 'Order', { bannerComment: '', format: false });
    expect(detachDocComments(raw)?.comments.size).toBeGreaterThan(5);
    expect(await formatDetachingDocComments(raw, format)).toBe(await format(raw));
  });

  it('falls back to a plain format when a comment is not followed by a declaration or member', async () => {
    const odd = 'export type A = (\n/**\n * inside a union\n */\n"x" | "y")\n';
    expect(detachDocComments(odd)).toBeUndefined();
    expect(await formatDetachingDocComments(odd, format)).toBe(await format(odd));
  });
});
