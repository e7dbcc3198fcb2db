// Small helpers for writing TypeScript source text.

/** A JSDoc block; `*\/` inside the text is escaped so it cannot end the comment early. */
export function jsDoc(lines: ReadonlyArray<string | undefined>, indent = ''): string {
  const body = lines
    .filter((line): line is string => line !== undefined)
    .flatMap((line) => line.replace(/\*\//g, '*\\/').split('\n'))
    .map((line) => `${indent} * ${line}`.trimEnd());
  return body.length === 0 ? '' : `${indent}/**\n${body.join('\n')}\n${indent} */\n`;
}

/** A TypeScript string literal. */
export function literal(value: string): string {
  return JSON.stringify(value);
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

export function importType(names: readonly string[], module: string): string {
  return names.length === 0 ? '' : `import type { ${[...names].sort().join(', ')} } from './${module}.js';\n`;
}
