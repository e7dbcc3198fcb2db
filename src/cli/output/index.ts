// Shared output helpers for CLI commands: colour, progress and `--json`, all TTY-aware.
export { terminalCapabilities, type Environment, type OutputStream, type TerminalCapabilities } from './terminal.js';
export { createPalette, paletteFor, type Palette, type Style } from './palette.js';
export { createProgress, formatBytes, progressLine, type Progress, type ProgressOptions } from './progress.js';
export { writeJson } from './json-output.js';
