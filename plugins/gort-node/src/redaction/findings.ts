/** A stretch of the input that holds a secret: `[start, end)` is replaced by the marker. */
export interface Finding {
  start: number;
  end: number;
  /** Used in the marker: `[REDACTED:<label>]`. */
  label: string;
  /** The rule that found it, for findings of an external rule set. */
  rule?: string;
}

export const marker = (label: string) => `[REDACTED:${label}]`;

/** Shifts findings found in a slice of a larger text back to that text's offsets. */
export function shifted(findings: readonly Finding[], offset: number): Finding[] {
  return findings.map(f => ({ ...f, start: f.start + offset, end: f.end + offset }));
}

/**
 * Replaces every finding by its marker. Overlapping or touching findings are
 * merged and keep the label of the one that starts first.
 */
export function applyFindings(text: string, findings: readonly Finding[]): string {
  const sorted = findings
    .filter(f => f.end > f.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: string[] = [];
  let cursor = 0;
  let current: Finding | undefined;
  for (const f of sorted) {
    if (current && f.start <= current.end) {
      current.end = Math.max(current.end, f.end);
      continue;
    }
    if (current) {
      parts.push(text.slice(cursor, current.start), marker(current.label));
      cursor = current.end;
    }
    current = { ...f };
  }
  if (current) {
    parts.push(text.slice(cursor, current.start), marker(current.label));
    cursor = current.end;
  }
  parts.push(text.slice(cursor));
  return parts.join('');
}

/** Findings for every match of a global regex with the `d` flag; `group` picks the secret part. */
export function regexFindings(
  text: string,
  pattern: RegExp,
  label: string,
  group = 0,
): Finding[] {
  const out: Finding[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const span = m.indices?.[group];
    if (span) out.push({ start: span[0], end: span[1], label });
    if (m[0].length === 0) pattern.lastIndex++;
  }
  return out;
}
