// Formats json-schema-to-typescript output with prettier at a fraction of the cost: prettier spends
// most of its time attaching comments (thousands of JSDoc blocks in result-types.ts), so the JSDoc
// blocks are lifted out, the bare code is formatted, and each block is put back before the same
// declaration or member, laid out exactly as prettier lays out an indentable block comment (every
// line re-indented, ` * ` continuation lines trimmed). json-schema-to-typescript only writes JSDoc
// before declarations and interface members, whose formatting a preceding comment does not change;
// tests check the result is a prettier fixpoint.

/** A line that starts a declaration or an interface member — the only places JSDoc is written. */
const ANCHOR = /^[ \t]*(?:export |(?:[A-Za-z_$][\w$]*|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[k: string\])\??:)/;
const DOC_COMMENT = /^\/\*\*\n(?:.*\n)*? \*\/\n/gm;

interface Detached {
  readonly code: string;
  /** comment text by the index of the anchor line it precedes */
  readonly comments: ReadonlyMap<number, string>;
}

export async function formatDetachingDocComments(source: string, format: (code: string) => Promise<string>): Promise<string> {
  const detached = detachDocComments(source);
  if (!detached) return format(source);
  const formatted = await format(detached.code);
  return reattachDocComments(formatted, detached.comments) ?? format(source);
}

/** Undefined when a comment is not followed by an anchor line (then the caller formats as is). */
export function detachDocComments(source: string): Detached | undefined {
  const comments = new Map<number, string>();
  let anchors = 0;
  let pending: string | undefined;
  const lines: string[] = [];
  for (const chunk of splitComments(source)) {
    if (chunk.comment) {
      if (pending !== undefined) return undefined;
      pending = chunk.text;
      continue;
    }
    for (const line of linesOf(chunk.text)) {
      if (ANCHOR.test(line)) {
        if (pending !== undefined) comments.set(anchors, pending);
        pending = undefined;
        anchors += 1;
      } else if (pending !== undefined && line !== '') {
        return undefined;
      }
      lines.push(line);
    }
  }
  return pending === undefined ? { code: lines.join('\n') + '\n', comments } : undefined;
}

/** Undefined when the formatted code's anchors no longer line up with the comments. */
export function reattachDocComments(formatted: string, comments: ReadonlyMap<number, string>): string | undefined {
  let anchors = 0;
  const out: string[] = [];
  for (const line of formatted.split('\n')) {
    if (ANCHOR.test(line)) {
      const comment = comments.get(anchors);
      if (comment !== undefined) out.push(layoutBlockComment(comment, /^[ \t]*/.exec(line)![0]));
      anchors += 1;
    }
    out.push(line);
  }
  const lastCommented = Math.max(-1, ...comments.keys());
  return lastCommented < anchors ? out.join('\n') : undefined;
}

/** Complete lines of a chunk (every chunk but the last ends with a newline). */
function linesOf(text: string): string[] {
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

function* splitComments(source: string): Generator<{ comment: boolean; text: string }> {
  let at = 0;
  for (const match of source.matchAll(DOC_COMMENT)) {
    if (match.index > at) yield { comment: false, text: source.slice(at, match.index) };
    yield { comment: true, text: match[0].slice(0, -1) };
    at = match.index + match[0].length;
  }
  if (at < source.length) yield { comment: false, text: source.slice(at) };
}

/**
 * prettier's layout of a JSDoc-style block comment at indentation `indent` (prettier 3 printComment):
 * each line after the first is re-indented as " " + the line without its edge whitespace, except that a
 * line ending in two or more spaces keeps exactly two (a markdown hard break).
 */
function layoutBlockComment(comment: string, indent: string): string {
  const lines = comment.split('\n').map((line) => line.trimStart());
  return lines
    .map((line, index) => {
      if (index === 0) return `${indent}${line.trimEnd()}`;
      const trimmed = line.trimEnd();
      const hardBreak = index < lines.length - 1 && trimmed !== '*' && line.endsWith('  ') ? '  ' : '';
      return `${indent} ${trimmed}${hardBreak}`;
    })
    .join('\n');
}
