/**
 * Failure taxonomy. The ids are part of GORT's public API: they are stored
 * with runs, returned by the HTTP API and used in fix-PR fingerprints.
 */
export const FAILURE_CATEGORIES = [
  'source-auth',
  'source-not-found',
  'source-unavailable',
  'path-not-found',
  'kustomize-build',
  'invalid-yaml',
  'invalid-manifest',
  'immutable-field',
  'missing-crd',
  'missing-dependency-object',
  'dependency-not-ready',
  'health-check-timeout',
  'workload-failed',
  'image-pull',
  'oom-killed',
  'unschedulable',
  'rbac-forbidden',
  'admission-webhook',
  'decryption',
  'substitution',
  'helm-values',
  'helm-hook-or-test',
  'helm-release-state',
  'ownership-conflict',
  'prune-failed',
  'retries-exhausted',
  'unknown',
] as const;

export type FailureCategory = (typeof FAILURE_CATEGORIES)[number];

const categorySet: ReadonlySet<string> = new Set(FAILURE_CATEGORIES);

export function isFailureCategory(value: unknown): value is FailureCategory {
  return typeof value === 'string' && categorySet.has(value);
}

/** Categories that can never be fixed by a change in Git alone. */
export const CATEGORIES_OUTSIDE_GIT: ReadonlySet<FailureCategory> = new Set([
  'source-auth',
  'source-unavailable',
  'rbac-forbidden',
  'unschedulable',
]);
