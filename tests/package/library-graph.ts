// The library entry's module graph (src/index.ts and every project file it reaches), read with the
// TypeScript compiler API, and the constructs that cannot be compiled to CommonJS.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

export interface Finding {
  readonly file: string;
  readonly line: number;
  readonly what: string;
}

export function libraryGraph(repoRoot: string): readonly ts.SourceFile[] {
  const program = ts.createProgram([join(repoRoot, 'src/index.ts')], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    noEmit: true,
    types: [],
  });
  return program.getSourceFiles().filter((file) => !file.fileName.includes('/node_modules/') && !file.isDeclarationFile);
}

/** `import.meta` anywhere, and `await` outside any function (top-level await). */
export function commonJsBlockers(files: readonly ts.SourceFile[], repoRoot: string): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const visit = (node: ts.Node, insideFunction: boolean): void => {
      if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
        findings.push(finding(file, node, 'import.meta', repoRoot));
      }
      const topLevelAwait =
        !insideFunction && (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined));
      if (topLevelAwait) findings.push(finding(file, node, 'top-level await', repoRoot));
      const entersFunction = insideFunction || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);
      ts.forEachChild(node, (child) => visit(child, entersFunction));
    };
    visit(file, false);
  }
  return findings;
}

/** Bare imports (static, or dynamic with a string literal) that CommonJS cannot `require` on Node 20.18. */
export function esmOnlyDependencies(files: readonly ts.SourceFile[], repoRoot: string): Finding[] {
  const resolver = createRequire(join(repoRoot, 'package.json'));
  const findings: Finding[] = [];
  for (const file of files) {
    const visit = (node: ts.Node): void => {
      const specifier = importedSpecifier(node);
      if (specifier !== undefined && !specifier.text.startsWith('.') && !specifier.text.startsWith('node:')) {
        const problem = requireProblem(resolver, specifier.text);
        if (problem !== undefined) findings.push(finding(file, node, `${specifier.text}: ${problem}`, repoRoot));
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return findings;
}

function importedSpecifier(node: ts.Node): ts.StringLiteral | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined) {
    const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.isTypeOnly === true : node.isTypeOnly;
    if (!typeOnly && ts.isStringLiteral(node.moduleSpecifier)) return node.moduleSpecifier;
  }
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    const [argument] = node.arguments;
    if (argument !== undefined && ts.isStringLiteral(argument)) return argument;
  }
  return undefined;
}

function requireProblem(resolver: NodeRequire, specifier: string): string | undefined {
  let resolved: string;
  try {
    resolved = resolver.resolve(specifier);
  } catch {
    return 'has no CommonJS (require) entry';
  }
  if (resolved.endsWith('.mjs')) return 'resolves to an ES module (.mjs) under require';
  if (resolved.endsWith('.js') && nearestPackageType(resolved) === 'module') return 'resolves to an ES module under require';
  return undefined;
}

function nearestPackageType(path: string): string | undefined {
  for (let dir = dirname(path); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type?: string }).type ?? 'commonjs';
    } catch {
      // no package.json at this level
    }
  }
  return undefined;
}

function finding(file: ts.SourceFile, node: ts.Node, what: string, repoRoot: string): Finding {
  const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return { file: relative(repoRoot, file.fileName), line: line + 1, what };
}
