/** Upper bound on how much of an untrusted message the rules look at. */
export const MAX_MATCH_INPUT = 4096;
export const MAX_EVIDENCE_MESSAGE = 1000;
export const MAX_SUMMARY_PART = 300;

// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\u001b\[[0-9;]{0,20}[A-Za-z]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** Bounded, single-line, whitespace-collapsed form of a message, used for matching. */
export function normaliseMessage(message: string): string {
  return message
    .slice(0, MAX_MATCH_INPUT)
    .replace(ANSI_ESCAPES, '')
    .replace(CONTROL_CHARS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function boundedMessage(message: string): string {
  return truncate(normaliseMessage(message), MAX_EVIDENCE_MESSAGE);
}
