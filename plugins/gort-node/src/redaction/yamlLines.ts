/**
 * A line-level view of YAML-ish text that tolerates what logs and diffs do to
 * it: CRLF endings, unified-diff `+`/`-`/` ` prefixes, list-item dashes.
 * Building it is one linear pass; nothing here parses YAML for real, because
 * evidence is often a fragment (a log tail, a diff hunk) no parser accepts.
 */
export interface YamlLine {
  /** Offset of the line's first character in the text. */
  start: number;
  /** Offset just past its content (before `\r\n` / `\n`). */
  end: number;
  /** Column of the first key or scalar character, after indentation and `- ` markers. */
  col: number;
  /** Offset of that character. */
  at: number;
  /** Column of the innermost `- ` marker, or -1. */
  dashCol: number;
  blank: boolean;
  /** `---` or `...`. */
  separator: boolean;
  key?: string;
  /** Offset where the value after `key:` starts (after spaces), if there is a key. */
  valueStart?: number;
  /** The value as written (without a trailing comment marker check). */
  value?: string;
}

const DIFF_HUNK = /^@@ -[0-9]/m;
const SEPARATOR = /^(?:---|\.\.\.)(?:\s|$)/;
const KEY = /^(["']?)([^\s"'#:{}[\],][^:"'{}]{0,252}?)\1[ \t]*:(?:[ \t]+|$)/;

export function isUnifiedDiff(text: string): boolean {
  return DIFF_HUNK.test(text);
}

export function yamlLines(text: string): YamlLine[] {
  const diff = isUnifiedDiff(text);
  const lines: YamlLine[] = [];
  let start = 0;
  while (start <= text.length) {
    let next = text.indexOf('\n', start);
    if (next < 0) next = text.length;
    let end = next;
    if (end > start && text[end - 1] === '\r') end--;
    lines.push(describe(text, start, end, diff));
    start = next + 1;
  }
  return lines;
}

function describe(text: string, start: number, end: number, diff: boolean): YamlLine {
  let pos = start;
  if (diff && pos < end && (text[pos] === '+' || text[pos] === '-' || text[pos] === ' ')) pos++;
  const contentStart = pos;
  let dashCol = -1;
  for (;;) {
    while (pos < end && text[pos] === ' ') pos++;
    if (pos < end && text[pos] === '-' && (pos + 1 === end || text[pos + 1] === ' ')) {
      dashCol = pos - contentStart;
      pos++;
      continue;
    }
    break;
  }
  const rest = text.slice(pos, end);
  const line: YamlLine = {
    start,
    end,
    col: pos - contentStart,
    at: pos,
    dashCol,
    blank: rest.trim() === '' || rest.startsWith('#'),
    separator: dashCol < 0 && pos === contentStart && SEPARATOR.test(rest),
  };
  const key = KEY.exec(rest);
  if (key) {
    line.key = key[2];
    line.valueStart = pos + key[0].length;
    line.value = text.slice(line.valueStart, end).trimEnd();
  }
  return line;
}

/** Index of the last line of the block that belongs to `lines[index]` (deeper lines, blanks inside). */
export function blockEnd(lines: readonly YamlLine[], index: number, col: number): number {
  let last = index;
  for (let i = index + 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.separator) break;
    if (line.blank) continue;
    if (line.col <= col && !(line.dashCol >= col)) break;
    if (line.dashCol >= 0 && line.dashCol < col) break;
    last = i;
  }
  return last;
}
