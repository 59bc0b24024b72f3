/** Catalog annotations understood by GORT (the user-facing contract). */
export const ANNOTATION_FLUX_APP = 'gort.io/flux-app';
export const ANNOTATION_DOCS_PATHS = 'gort.io/docs-paths';
export const ANNOTATION_TARGET_REPO = 'gort.io/target-repo';
export const ANNOTATION_FIX_REPO = 'gort.io/fix-repo';
export const ANNOTATION_BRANCH = 'gort.io/branch';
export const ANNOTATION_RECONCILE_TIMEOUT = 'gort.io/reconcile-timeout';
export const ANNOTATION_MODE = 'gort.io/mode';
/**
 * What GORT posts on the pushed commit for this entity (check run or commit
 * status): `on` (default: verdict, category, stage and link), `evidence`
 * (also redacted evidence summaries) or `off`.
 */
export const ANNOTATION_VERDICTS = 'gort.io/verdicts';
/** `off` stops Backstage notifications about this entity's runs (default `on`). */
export const ANNOTATION_NOTIFICATIONS = 'gort.io/notifications';
/** `off`: nothing of this entity (logs, files, diffs, plans) is ever sent to an AI provider. */
export const ANNOTATION_AI = 'gort.io/ai';

/** Backstage's GitHub annotation, used when `gort.io/target-repo` is absent. */
export const ANNOTATION_GITHUB_PROJECT_SLUG = 'github.com/project-slug';

export const GORT_ANNOTATIONS = [
  ANNOTATION_FLUX_APP,
  ANNOTATION_DOCS_PATHS,
  ANNOTATION_TARGET_REPO,
  ANNOTATION_FIX_REPO,
  ANNOTATION_BRANCH,
  ANNOTATION_RECONCILE_TIMEOUT,
  ANNOTATION_MODE,
  ANNOTATION_VERDICTS,
  ANNOTATION_NOTIFICATIONS,
  ANNOTATION_AI,
] as const;

export const DEFAULT_DOCS_PATHS = ['docs/plans/'];

export const GORT_MODES = ['fix-pr', 'diagnose-only', 'off'] as const;
export type GortMode = (typeof GORT_MODES)[number];
export const DEFAULT_MODE: GortMode = 'fix-pr';

/** The per-entity AI switch (`gort.io/ai`). */
export const GORT_AI_SWITCHES = ['on', 'off'] as const;
export type GortAiSwitch = (typeof GORT_AI_SWITCHES)[number];

export const FLUX_APP_KINDS = ['Kustomization', 'HelmRelease'] as const;
export type FluxAppKind = (typeof FLUX_APP_KINDS)[number];
