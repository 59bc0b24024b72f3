const SHA1_AT_END = /(?:^|[@/:+])(?:sha1:)?([0-9a-f]{40})$/i;
const FULL_SHA = /^[0-9a-f]{40}$/i;

/**
 * The commit SHA at the end of a Flux revision: `main@sha1:<sha>` (Flux v2.x),
 * `main/<sha>` (older source-controller), `sha1:<sha>` or a bare SHA.
 */
export function revisionSha(revision: unknown): string | undefined {
  if (typeof revision !== 'string' || revision.length > 512) {
    return undefined;
  }
  const match = SHA1_AT_END.exec(revision.trim());
  return match ? match[1].toLowerCase() : undefined;
}

/** True when a Flux revision names exactly the commit `sha`. */
export function revisionMatches(revision: unknown, sha: string): boolean {
  return FULL_SHA.test(sha) && revisionSha(revision) === sha.toLowerCase();
}

/**
 * True when a Helm chart version carries the commit, as helm-controller does
 * for charts built from a Git source (`6.5.0+<first 12 hex of the sha>`).
 */
export function chartVersionMatches(version: unknown, sha: string): boolean {
  if (typeof version !== 'string' || !FULL_SHA.test(sha)) {
    return false;
  }
  const plus = version.lastIndexOf('+');
  if (plus < 0) {
    return false;
  }
  const build = version.slice(plus + 1).toLowerCase();
  return build.length >= 7 && sha.toLowerCase().startsWith(build);
}
