import { describe, expect, it } from 'vitest';
import {
  createPalette,
  createProgress,
  formatBytes,
  paletteFor,
  progressLine,
  terminalCapabilities,
  writeJson,
} from '../../src/cli/output/index.js';

function fakeStream(isTTY: boolean): { isTTY: boolean; written: string[]; write(chunk: string): boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (chunk: string) => written.push(chunk) > 0 };
}

describe('terminalCapabilities', () => {
  it('enables colour and progress on a TTY with a clean environment', () => {
    expect(terminalCapabilities(fakeStream(true), {})).toEqual({ color: true, progress: true });
  });

  it('disables both when the stream is not a TTY', () => {
    expect(terminalCapabilities(fakeStream(false), {})).toEqual({ color: false, progress: false });
  });

  it('NO_COLOR turns colour off but leaves progress on', () => {
    expect(terminalCapabilities(fakeStream(true), { NO_COLOR: '1' })).toEqual({ color: false, progress: true });
  });

  it('an empty NO_COLOR is ignored, as no-color.org says', () => {
    expect(terminalCapabilities(fakeStream(true), { NO_COLOR: '' }).color).toBe(true);
  });

  it('CI keeps progress quiet but leaves colour alone', () => {
    expect(terminalCapabilities(fakeStream(true), { CI: 'true' })).toEqual({ color: true, progress: false });
  });
});

describe('palette', () => {
  it('wraps text in SGR codes when enabled', () => {
    expect(createPalette(true).red('x')).toBe('\u001b[31mx\u001b[39m');
  });

  it('is the identity when disabled', () => {
    const palette = createPalette(false);
    expect([palette.red('x'), palette.bold('y'), palette.green('z')]).toEqual(['x', 'y', 'z']);
  });

  it('paletteFor honours NO_COLOR on a TTY', () => {
    expect(paletteFor(fakeStream(true), { NO_COLOR: '1' }).red('x')).toBe('x');
    expect(paletteFor(fakeStream(false), {}).enabled).toBe(false);
  });
});

describe('progress', () => {
  it('draws nothing when the stream is not a TTY', () => {
    const stream = fakeStream(false);
    const progress = createProgress('downloading', { stream, env: {} });
    progress.update(5, 10);
    progress.finish('done');
    expect(stream.written).toEqual([]);
  });

  it('draws nothing under CI', () => {
    const stream = fakeStream(true);
    createProgress('downloading', { stream, env: { CI: '1' } }).update(5, 10);
    expect(stream.written).toEqual([]);
  });

  it('redraws in place, throttled, and always draws completion', () => {
    const stream = fakeStream(true);
    let clock = 0;
    const progress = createProgress('extracting', { stream, env: {}, intervalMs: 100, now: () => clock });
    progress.update(1, 4);
    clock = 50;
    progress.update(2, 4); // throttled
    clock = 60;
    progress.update(4, 4); // completion is never throttled
    progress.finish();
    expect(stream.written).toEqual([
      '\r\u001b[2Kextracting  25% (1 / 4)',
      '\r\u001b[2Kextracting 100% (4 / 4)',
      '\r\u001b[2K',
    ]);
  });

  it('formats byte counts and unknown totals', () => {
    expect(progressLine('downloading', 1536, 3 * 1024 * 1024, formatBytes)).toBe('downloading   0% (1.5 kB / 3.0 MB)');
    expect(progressLine('downloading', 512, undefined, formatBytes)).toBe('downloading 512 B');
  });
});

describe('writeJson', () => {
  it('writes exactly one JSON document and a newline', () => {
    const stream = fakeStream(false);
    writeJson({ ok: true }, stream);
    expect(stream.written.join('')).toBe('{\n  "ok": true\n}\n');
    expect(JSON.parse(stream.written.join(''))).toEqual({ ok: true });
  });
});
