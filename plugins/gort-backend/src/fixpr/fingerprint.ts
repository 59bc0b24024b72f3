import { createHash } from 'node:crypto';

/**
 * Strips what changes between occurrences of the same failure: commit SHAs,
 * pod and ReplicaSet hashes, durations, timestamps and other numbers.
 */
export function normaliseFailureMessage(message: string): string {
  return message
    .toLowerCase()
    // Pod names first: their ReplicaSet hash would otherwise pass for a short SHA.
    .replace(/\b([a-z0-9]+(?:-[a-z0-9]+)*?)-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g, '$1-<pod>')
    .replace(/\b([a-z0-9]+(?:-[a-z0-9]+)*?)-([a-z0-9]{5})\b(?![a-z0-9-])/g, (match, prefix: string, suffix: string) =>
      /\d/.test(suffix) && /[a-z]/.test(suffix) ? `${prefix}-<pod>` : match,
    )
    .replace(/\b[0-9a-f]{7,64}\b/g, '<sha>')
    .replace(/\d{4}-\d{2}-\d{2}t\d{2}:\d{2}:\d{2}(\.\d+)?z?/g, '<time>')
    .replace(/\d+(\.\d+)?(ms|s|m|h)\b/g, '<duration>')
    .replace(/\d+/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

/** One fingerprint per distinct failure of one entity. */
export function failureFingerprint(entityRef: string, category: string, message: string): string {
  const text = `${entityRef.toLowerCase()}\u0000${category}\u0000${normaliseFailureMessage(message)}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
