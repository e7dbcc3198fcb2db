// ANSI styling that turns into the identity when colour is off, so call sites never branch.
import { terminalCapabilities, type Environment, type OutputStream } from './terminal.js';

export type Style = (text: string) => string;

export interface Palette {
  readonly enabled: boolean;
  readonly bold: Style;
  readonly dim: Style;
  readonly red: Style;
  readonly green: Style;
  readonly yellow: Style;
  readonly cyan: Style;
}

const plain: Style = (text) => text;

function sgr(open: number, close: number): Style {
  return (text) => `\u001b[${open}m${text}\u001b[${close}m`;
}

export function createPalette(enabled: boolean): Palette {
  if (!enabled) {
    return { enabled, bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  }
  return {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    cyan: sgr(36, 39),
  };
}

/** The palette for text written to `stream` (colour only on a TTY, never with NO_COLOR). */
export function paletteFor(stream: OutputStream, env: Environment = process.env): Palette {
  return createPalette(terminalCapabilities(stream, env).color);
}
