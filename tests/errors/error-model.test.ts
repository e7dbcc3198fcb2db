// One error model: every error class the runtime, the generator and the CLI define derives from
// AdcpError, every code is one `ADCP_<AREA>_<CAUSE>` listed in ADCP_ERROR_CODES, and every error
// class a runtime module exports is reachable from the package root.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as root from '../../src/index.js';
import { AdcpError, isAdcpError } from '../../src/runtime/errors/adcp-error.js';
import { ADCP_ERROR_CODES, isAdcpErrorCode } from '../../src/runtime/errors/error-codes.js';
import { CacheError } from '../../codegen/cache/cache-error.js';
import { CodegenError } from '../../codegen/errors.js';
import { OutputError } from '../../codegen/output/output-error.js';
import { SnapshotError } from '../../codegen/diff/schema-files.js';
import { CliError } from '../../src/cli/cli-error.js';

const REPO = join(import.meta.dirname, '../..');
const SOURCE_DIRS = ['src/runtime', 'src/cli', 'codegen', 'bin'];

/** Abort reasons handed to undici: they never reach a caller, so the root does not export them. */
const INTERNAL_CLASSES = new Set(['AttemptTimeoutError', 'ResponseBodyLimitError', 'BodyLimitError', 'DeadlineError']);

/**
 * Plain built-in throws still allowed, each with its reason. webhooks/assert-never.ts is an
 * exhaustiveness guard for a value the type system says cannot exist; webhooks/replay-dedup.ts
 * keeps its RangeError constructor checks until the task-webhook module adopts DeliveryConfigError.
 */
const BUILTIN_THROW_ALLOWLIST = new Set(['src/runtime/webhooks/assert-never.ts', 'src/runtime/webhooks/replay-dedup.ts']);

function sourceFiles(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) out.push({ path: relative(REPO, full), text: readFileSync(full, 'utf8') });
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(REPO, dir));
  return out;
}

const files = sourceFiles();

describe('error classes', () => {
  it('none extends Error directly except AdcpError itself', () => {
    const direct = files.flatMap(({ path, text }) =>
      [...text.matchAll(/class\s+(\w+)(?:<[^>]*>)?\s+extends\s+(Error|TypeError|RangeError)\b/g)]
        .map((match) => `${path}: ${match[1]}`)
        .filter((entry) => entry !== 'src/runtime/errors/adcp-error.ts: AdcpError'),
    );
    expect(direct).toEqual([]);
  });

  it('the runtime throws no plain Error, TypeError or RangeError outside a justified allowlist', () => {
    const plain = files
      .filter(({ path }) => path.startsWith('src/runtime/') && !BUILTIN_THROW_ALLOWLIST.has(path))
      .flatMap(({ path, text }) => [...text.matchAll(/throw new (Error|TypeError|RangeError)\(/g)].map(() => path));
    expect(plain).toEqual([]);
  });

  it('every error class a runtime module exports is exported from the package root and derives from AdcpError', () => {
    const declared = files
      .filter(({ path }) => path.startsWith('src/runtime/'))
      .flatMap(({ text }) => [...text.matchAll(/export class (\w+Error)\b/g)].map((match) => match[1]!))
      .filter((name) => !INTERNAL_CLASSES.has(name));
    expect(declared.length).toBeGreaterThan(10);
    const exported = root as unknown as Record<string, unknown>;
    const missing = declared.filter((name) => typeof exported[name] !== 'function');
    expect(missing).toEqual([]);
    for (const name of declared) {
      const ctor = exported[name] as { prototype: object };
      expect(ctor === AdcpError || AdcpError.prototype.isPrototypeOf(ctor.prototype), name).toBe(true);
    }
  });

  it('the generator and CLI errors are AdcpErrors with their documented codes', () => {
    expect(new CodegenError('bad', 'x.json')).toMatchObject({ code: 'ADCP_CODEGEN_INPUT_INVALID', message: 'x.json: bad', file: 'x.json' });
    expect(new CacheError('gone')).toMatchObject({ code: 'ADCP_CACHE_INVALID', name: 'CacheError' });
    expect(new CacheError('404', { httpStatus: 404 })).toMatchObject({ code: 'ADCP_CACHE_DOWNLOAD_FAILED', httpStatus: 404 });
    expect(new OutputError('ro')).toMatchObject({ code: 'ADCP_OUTPUT_INVALID' });
    expect(new SnapshotError('none')).toMatchObject({ code: 'ADCP_DIFF_SNAPSHOT_INVALID', name: 'SnapshotError' });
    expect(new CliError('usage')).toMatchObject({ code: 'ADCP_CLI_INPUT_INVALID', exitCode: 2 });
    expect(new CliError('drift', 1)).toMatchObject({ code: 'ADCP_CLI_CHECK_FAILED', exitCode: 1 });
    for (const error of [new CodegenError('a'), new CacheError('b'), new OutputError('c'), new SnapshotError('d'), new CliError('e')]) {
      expect(error).toBeInstanceOf(AdcpError);
      expect(error).toBeInstanceOf(Error);
    }
    expect(new CacheError('x')).not.toBeInstanceOf(OutputError);
  });
});

describe('the code catalogue', () => {
  it('spells every code ADCP_<AREA>_<CAUSE> and documents it', () => {
    for (const [code, description] of Object.entries(ADCP_ERROR_CODES)) {
      expect(code).toMatch(/^ADCP_[A-Z0-9]+(?:_[A-Z0-9]+)+$/);
      expect(description.length, code).toBeGreaterThan(20);
    }
  });

  it('lists every ADCP_ code literal the sources use', () => {
    // A code appears as a constructor argument, a type argument or union member, or a comparison.
    const inCodePosition = /(?:super\(\s*|Error\(\s*|Error<|\|\s*|code === |code !== |code: )'(ADCP_[A-Z0-9_]+)'/g;
    const used = new Set(files.flatMap(({ text }) => [...text.matchAll(inCodePosition)].map((match) => match[1]!)));
    expect(used.size).toBeGreaterThan(20);
    expect([...used].filter((code) => !isAdcpErrorCode(code))).toEqual([]);
  });

  it('is exported from the package root with its guards', () => {
    expect(root.ADCP_ERROR_CODES).toBe(ADCP_ERROR_CODES);
    expect(root.isAdcpErrorCode('ADCP_SSRF_BLOCKED')).toBe(true);
    expect(root.isAdcpErrorCode('ssrf_blocked')).toBe(false);
    expect(root.isAdcpErrorCode('toString')).toBe(false);
    expect(isAdcpError(new root.SsrfBlockedError(), 'ADCP_SSRF_BLOCKED')).toBe(true);
    expect(isAdcpError(new root.SsrfBlockedError(), 'ADCP_DNS_FAILURE')).toBe(false);
  });
});

describe('spec codes stay separate from package codes', () => {
  it('DuplicateKeyInputError keeps the normative duplicate_key_input as specCode', () => {
    const error = new root.DuplicateKeyInputError('a');
    expect(error.code).toBe('ADCP_JSON_DUPLICATE_KEY');
    expect(error.specCode).toBe('duplicate_key_input');
  });
});
