import { redact } from '../redaction';

const ZWSP = '\u200b';
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()<>!|~]/g;

/**
 * Makes untrusted text (AI output, cluster messages, log lines) inert in
 * GitHub markdown: it is redacted, and cannot @-mention anyone, reference or
 * close an issue (`Closes #12`, `org/repo#3`, `GH-4`), embed an image, link,
 * autolink a URL or inject HTML. What it says stays readable.
 */
export function neutraliseText(text: string, maxChars = 2000): string {
  const clean = redact(text).replace(CONTROL, '').slice(0, maxChars);
  return clean
    .replace(MARKDOWN_PUNCTUATION, c => `\\${c}`)
    .replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWSP}`)
    .replace(/#(?=[0-9])/g, `#${ZWSP}`)
    .replace(/\b(GH)-(?=[0-9])/gi, `$1-${ZWSP}`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\bwww\./gi, m => `${m.slice(0, 3)}${ZWSP}.`)
    .replace(/^([ \t]*)([#>=+-]|\d+[.)])/gm, '$1\\$2');
}

/** One table cell: neutralised, on one line. */
export function neutraliseCell(text: string, maxChars = 400): string {
  return neutraliseText(text.replace(/\r?\n/g, ' '), maxChars);
}

/**
 * Untrusted text shown verbatim in a fenced block (nothing inside a fence is
 * rendered). Backticks inside become quotes so that the text cannot close it.
 */
export function codeBlock(text: string, maxChars = 600): string {
  const clean = redact(text).replace(CONTROL, '').slice(0, maxChars);
  return `\`\`\`text\n${clean.replace(/`/g, "'")}\n\`\`\``;
}

/** AI prose, quoted and attributed so that a reader never takes it for GORT's own words or for markup. */
export function quoteAiProse(text: string, source: string, maxChars = 3000): string {
  const body = neutraliseText(text, maxChars)
    .split('\n')
    .map(line => `> ${line}`)
    .join('\n');
  return `> *AI-written (${neutraliseCell(source, 100)}), unverified:*\n>\n${body}`;
}
