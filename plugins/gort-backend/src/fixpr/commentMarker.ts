import { createHash } from 'node:crypto';

/**
 * A hidden marker (an HTML comment, invisible on GitHub) that identifies one
 * comment GORT posts, so a retry finds it instead of posting it twice. The
 * parts are hashed: entity refs may hold `--`, which ends an HTML comment.
 */
export function commentMarker(kind: 'findings' | 'escalation' | 'proposal', ...parts: string[]): string {
  return `<!-- ${markerKey(kind, ...parts)} -->`;
}

/** The marker's text without the HTML comment around it (`gort:<kind>:<digest>`). */
export function markerKey(kind: 'findings' | 'escalation' | 'proposal', ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
  return `gort:${kind}:${digest}`;
}

/** `body` with `marker` on its own last line. */
export function withMarker(body: string, marker: string): string {
  return `${body.trimEnd()}\n\n${marker}\n`;
}
