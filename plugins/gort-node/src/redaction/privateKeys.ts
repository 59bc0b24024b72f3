import { Finding } from './findings';

const LABEL = 'private-key';
const MARKER = /-----(BEGIN|END) ([A-Z0-9 ]{0,60})-----/g;
/** What may follow a BEGIN line whose END was cut off: base64, PEM headers, escaped newlines. */
const TAILLESS_BODY = /[A-Za-z0-9+/=\s\\:-]*/y;
const BASE64_CHAR = /[A-Za-z0-9+/=\\]/;
const BASE64_LINE = /^[ \t+-]?[ \t]*[A-Za-z0-9+/=]{4,}(?:\\[nr])*[ \t\r]*$/;
const MAX_BODY = 20000;

/**
 * Finds private keys, scanning PEM markers once and pairing them in order
 * (linear, unlike a lazy `BEGIN…END` regex that rescans from every BEGIN):
 * BEGIN…END, a BEGIN whose END was cut off (the body that follows), and an
 * END whose BEGIN a log tail cut off (the base64 lines before it).
 */
export function findPrivateKeys(text: string): Finding[] {
  if (!text.includes('PRIVATE KEY')) return [];
  const out: Finding[] = [];
  let open: number | undefined;
  let consumed = 0;
  MARKER.lastIndex = 0;
  for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) {
    if (!m[2].includes('PRIVATE KEY')) continue;
    const end = m.index + m[0].length;
    if (m[1] === 'BEGIN') {
      if (open !== undefined) out.push(tailless(text, open, m.index));
      open = m.index;
      continue;
    }
    const start = open ?? headlessStart(text, m.index, consumed);
    out.push({ start, end, label: LABEL });
    consumed = end;
    open = undefined;
  }
  if (open !== undefined) out.push(tailless(text, open, text.length));
  return out;
}

function tailless(text: string, begin: number, limit: number): Finding {
  const afterBegin = text.indexOf('-----', begin + 11) + 5;
  // Scanning only up to the next BEGIN keeps the scans disjoint (linear).
  const body = text.slice(afterBegin, Math.min(limit, afterBegin + MAX_BODY));
  TAILLESS_BODY.lastIndex = 0;
  TAILLESS_BODY.exec(body);
  return { start: begin, end: afterBegin + TAILLESS_BODY.lastIndex, label: LABEL };
}

/** Start of the base64 body right before an END line: the same line, then whole base64 lines above. */
function headlessStart(text: string, endMarker: number, floor: number): number {
  const lowest = Math.max(floor, endMarker - MAX_BODY);
  let start = endMarker;
  while (start > lowest && BASE64_CHAR.test(text[start - 1])) start--;
  if (start > lowest && text[start - 1] !== '\n') return start;
  for (;;) {
    const lineEnd = start - 1;
    if (lineEnd <= lowest) return start;
    const lineStart = Math.max(lowest, text.lastIndexOf('\n', lineEnd - 1) + 1);
    if (!BASE64_LINE.test(text.slice(lineStart, lineEnd))) return start;
    start = lineStart;
  }
}
