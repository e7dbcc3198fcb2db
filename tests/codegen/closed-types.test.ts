// Generated object types are closed where a seller writes them and the validators stay tolerant
// where a buyer reads: tsc over tests/codegen/fixtures/closed-types.ts, and the generated validator
// over a payload carrying fields from a newer release.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { validateMcpWebhookPayload } from '../../src/generated/validators.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/closed-types.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.json', import.meta.url));
const DIRECTIVE = /^\s*\/\/ @ts-expect-error (\S+)\s*$/;

interface Located {
  readonly line: number;
  readonly message: string;
}

/** Diagnostics of the fixture compiled with the repository's compiler options, `text` in place of its source. */
function compile(text: string): Located[] {
  const { config } = ts.readConfigFile(TSCONFIG, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, fileURLToPath(new URL('../..', import.meta.url)));
  const host = ts.createCompilerHost(options);
  const readFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language, onError) =>
    name === FIXTURE ? ts.createSourceFile(name, text, language) : readFile(name, language, onError);
  const program = ts.createProgram([FIXTURE], { ...options, noEmit: true }, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === FIXTURE)
    .map((diagnostic) => ({
      line: diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start ?? 0).line,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
    }));
}

describe('closed where you write, tolerant where you read', () => {
  const source = readFileSync(FIXTURE, 'utf8');
  const lines = source.split('\n');
  const expectations = lines.flatMap((line, index) => {
    const name = DIRECTIVE.exec(line)?.[1];
    return name === undefined ? [] : [{ line: index + 1, name }];
  });

  it('the fixture compiles: every expected error occurs (an unused @ts-expect-error is itself an error)', () => {
    expect(expectations.map(({ name }) => name)).toEqual(['media_buy_statuss', 'media_buy_id', 'percent', 'nope', 'nope']);
    expect(compile(source)).toEqual([]);
  }, 60_000);

  it('without the directives, each line fails naming its property (a typo, a forbidden branch member, an unknown read)', () => {
    const stripped = lines.map((line) => (DIRECTIVE.test(line) ? '' : line)).join('\n');
    const diagnostics = compile(stripped);
    for (const { line, name } of expectations) {
      const onLine = diagnostics.filter((diagnostic) => diagnostic.line === line);
      expect(onLine.map((diagnostic) => diagnostic.message).join('\n'), `line ${line + 1}`).toContain(`'${name}'`);
    }
    expect(diagnostics.every((diagnostic) => expectations.some(({ line }) => line === diagnostic.line))).toBe(true);
  }, 60_000);

  it('a received envelope with fields unknown to this release, at the top and inside result, still validates', () => {
    const payload = {
      idempotency_key: 'whk_01JABCDEFGHJKMNPQRSTVWXYZ0',
      task_id: 'task_1',
      task_type: 'create_media_buy',
      status: 'completed',
      operation_id: 'op_1',
      timestamp: '2026-01-01T00:00:00Z',
      protocol: 'media-buy',
      field_from_a_newer_release: { nested: true },
      result: { status: 'completed', media_buy_id: 'mb_1', confirmed_at: null, revision: 1, packages: [], percent_paced: 50 },
    };
    const verdict = validateMcpWebhookPayload(payload);
    expect(verdict.ok ? 'ok' : verdict.errors).toBe('ok');
  });
});
