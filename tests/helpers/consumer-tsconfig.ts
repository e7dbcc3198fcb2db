// Compiler options of a consumer project as the package-level tests write them: strict NodeNext
// ES2022 with Node's types and no output; each test adds what it checks (skipLibCheck off, …).

/** `compilerOptions` of a strict NodeNext consumer, with `overrides` applied on top. */
export function consumerCompilerOptions(overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return {
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    lib: ['ES2023'],
    strict: true,
    noEmit: true,
    types: ['node'],
    ...overrides,
  };
}
