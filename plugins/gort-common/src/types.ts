import type { FluxAppKind, GortAiSwitch, GortMode } from './annotations';
import type { FailureCategory } from './taxonomy';

/** A Flux object named by an entity's `gort.io/flux-app` annotation. */
export interface WatchedObject {
  /** Cluster name from GORT's cluster config; undefined means the default. */
  cluster?: string;
  kind: FluxAppKind;
  namespace: string;
  name: string;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

/** An annotation value GORT could not use, with what to write instead. */
export interface AnnotationProblem {
  annotation: string;
  value: string;
  message: string;
}

/** One catalog entity followed by GORT (API shape of `GET /watchers`). */
export interface Watcher {
  entityRef: string;
  /** The entity's owners (entity refs, from its `ownedBy` relations or `spec.owner`). */
  owners?: string[];
  objects: WatchedObject[];
  targetRepo?: RepoRef;
  fixRepo?: RepoRef;
  branch?: string;
  docsPaths: string[];
  reconcileTimeoutMs?: number;
  mode: GortMode;
  /** `off` (`gort.io/ai: off`): nothing of this entity is sent to an AI provider. Absent means on. */
  ai?: GortAiSwitch;
  problems: AnnotationProblem[];
  updatedAt: string;
}

export interface WatcherList {
  items: Watcher[];
}

/** The explicit run state machine of the design contract. */
export const RUN_STATES = [
  'queued',
  'waiting_for_source',
  'reconciling',
  'succeeded',
  'failed',
  'timed_out',
  'diagnosing',
  'validating',
  'done',
  'superseded',
  'error',
] as const;
export type RunState = (typeof RUN_STATES)[number];

/** How a run ended, kept after `done`. */
export const RUN_OUTCOMES = [
  'succeeded',
  'failed',
  'timed_out',
  /** An object was still suspended (`spec.suspend: true`) at the deadline: nothing to diagnose. */
  'suspended',
  /**
   * No verdict is possible for this push: the source carries no commit
   * (Bucket, ExternalArtifact, an OCI artifact without a revision annotation)
   * or follows a tag, semver range, commit or another branch.
   */
  'unobservable',
  /**
   * Every object that could be read landed, but the objects of one or more
   * clusters could not be judged by the deadline (the cluster was unreachable,
   * refused GORT's credentials, or does not serve the Flux kinds).
   */
  'partial',
  'superseded',
  'error',
] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

export interface RunDiagnosisSummary {
  category: FailureCategory;
  object: string;
  summary: string;
  fix: string;
  confidence: number;
}

/** States in which a run is still being worked on. */
export const ACTIVE_RUN_STATES: readonly RunState[] = [
  'queued',
  'waiting_for_source',
  'reconciling',
  'succeeded',
  'failed',
  'timed_out',
  'diagnosing',
  'validating',
];

/** States in which a run still waits for Flux (a newer push supersedes these). */
export const WAITING_RUN_STATES: readonly RunState[] = [
  'queued',
  'waiting_for_source',
  'reconciling',
];

/** What started a run: a push delivery, "Run now", or Flux moving to a commit no run knew (`catch-up`). */
export type RunTrigger = 'push' | 'manual' | 'catch-up';

export interface RunCommit {
  message?: string;
  author?: string;
  url?: string;
  timestamp?: string;
}

export interface RunTimelineEntry {
  at: string;
  state: RunState;
  message: string;
}

/** Where one watched object stood for the run's commit, last time it was read. */
export interface RunObjectVerdict {
  object: string;
  state:
    | 'waiting_for_source'
    | 'reconciling'
    | 'suspended'
    | 'unobservable'
    | 'succeeded'
    | 'failed'
    /** Its cluster could not be read (see `clusterProblem`); the other clusters' verdicts proceed. */
    | 'unreachable'
    | 'unknown';
  detail: string;
  at: string;
  /** The cluster the object was judged in (the default cluster's name for objects named without a prefix). */
  cluster?: string;
  /** For `unreachable`: why its cluster could not be read. */
  clusterProblem?: ClusterProblemKind;
  /** For `succeeded`: `healthy` when Flux also waited for the objects, `applied` when it only applied them. */
  health?: 'healthy' | 'applied';
  /**
   * For `unobservable`: why no verdict is possible. `kind-not-served`: the
   * cluster does not serve the object's kind, or its source's, at any API
   * version GORT reads (e.g. no helm-controller installed).
   */
  because?: 'source-without-commit' | 'source-not-following-branch' | 'kind-not-served';
}

/**
 * Why a cluster could not be read: its API did not answer, refused GORT's
 * credentials (401) or permissions (403), or does not serve the Flux kinds.
 */
export type ClusterProblemKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'kinds-not-served';

/** How a run went in one cluster (`Run.clusters`), from its objects' verdicts there. */
export interface RunClusterVerdict {
  cluster: string;
  /** The worst of its objects: failed, then unreachable, then pending, then succeeded. */
  state: 'succeeded' | 'failed' | 'unreachable' | 'pending';
  /** The objects judged in it, as in `verdicts`. */
  objects: string[];
  /** The failing object's detail, the cluster problem, or what is still awaited. */
  detail: string;
}

export interface RunFailure {
  object: string;
  reason: string;
  message: string;
}

export interface RunEvidenceItem {
  source: string;
  message: string;
}

export interface RunDiagnosis extends RunDiagnosisSummary {
  evidence: RunEvidenceItem[];
  related: string[];
}

/** What the AI made of a failure (absent when no AI is configured). */
export interface RunAiAnalysis {
  provider: string;
  model: string;
  summary?: string;
  rootCause?: string;
  confidence?: number;
  tokens: { input: number; output: number };
  /** Set when the AI could not be used; the rules' diagnosis stands. */
  error?: string;
}

/** One check a proposed fix went through before anything was pushed. */
/**
 * `passed` and `failed` are results; `skipped` means the check could not run
 * (never a pass); `review` means the edit policy found something a person must
 * look at (the PR carries the `needs-security-review` label).
 */
export type FixValidationStatus = 'passed' | 'failed' | 'skipped' | 'review';

export interface FixValidationCheck {
  check: string;
  /** Whether the check lets the PR go ahead (true for `passed`, `skipped` and `review`). */
  ok: boolean;
  detail: string;
  /** Absent in results stored before statuses existed: read `ok` then. */
  status?: FixValidationStatus;
}

export type FixPrStatus =
  | 'opened'
  | 'updated'
  | 'rejected'
  | 'failed'
  | 'skipped'
  | 'escalated'
  | 'commented';

/** The fix pull request of a run, or why there is none. */
export interface RunFixPr {
  status: FixPrStatus;
  message: string;
  url?: string;
  number?: number;
  branch?: string;
  /** Live state on GitHub, refreshed on a schedule. */
  prState?: 'open' | 'merged' | 'closed';
  fingerprint?: string;
  validation: FixValidationCheck[];
  files?: string[];
}

export interface IntentFindingResult {
  expectation: string;
  observed: string;
  status: 'met' | 'not_met' | 'unknown';
}

/** Intent validation after a success. */
export interface RunIntentVerdict {
  met: boolean;
  confidence: number;
  findings: IntentFindingResult[];
  /** `ai` compares with the plan documents; `runtime-health` checks health only. */
  mode: 'ai' | 'runtime-health';
  plans: string[];
  error?: string;
}

/** A run in lists (`GET /runs`). */
export interface RunSummary {
  id: string;
  entityRef: string;
  repo: string;
  branch: string;
  sha: string;
  trigger: RunTrigger;
  state: RunState;
  outcome?: RunOutcome;
  category?: FailureCategory;
  commit?: RunCommit;
  supersededBy?: string;
  /** Whether intent was met, when it was validated. */
  intentMet?: boolean;
  /** The fix pull request, when one was opened or updated. */
  fixPr?: Pick<RunFixPr, 'status' | 'url' | 'number' | 'prState'>;
  createdAt: string;
  updatedAt: string;
  deadlineAt: string;
  finishedAt?: string;
}

/** One run with everything known about it (`GET /runs/:id`). */
export interface Run extends RunSummary {
  objects: WatchedObject[];
  beforeSha?: string;
  timeline: RunTimelineEntry[];
  verdicts: RunObjectVerdict[];
  /** The verdicts grouped by cluster, when the run's objects are in more than one cluster or in a named one. */
  clusters?: RunClusterVerdict[];
  failure?: RunFailure;
  evidence: RunEvidenceItem[];
  diagnosis?: RunDiagnosis;
  ai?: RunAiAnalysis;
  fixPr?: RunFixPr;
  intent?: RunIntentVerdict;
  error?: string;
}

export interface RunList {
  items: RunSummary[];
  nextCursor?: string;
}

/**
 * The runs of one commit (`GET /commits/:sha/runs`), newest first, one or
 * more per entity that follows the pushed repository and branch; only the
 * entities the caller may read. `gort follow` polls this after a push.
 */
export interface CommitRunList {
  /** The full commit SHA, lower case. */
  sha: string;
  items: RunSummary[];
}

/** The live state of one Flux object, as shown on the entity page. */
export type FluxObjectState =
  | 'ready'
  | 'reconciling'
  | 'failed'
  | 'stalled'
  | 'suspended'
  | 'not_found'
  | 'unknown';

export interface FluxSourceStatus {
  kind: string;
  namespace: string;
  name: string;
  revision?: string;
  ready?: boolean;
  message?: string;
}

export interface FluxObjectStatus {
  object: string;
  cluster?: string;
  kind: string;
  namespace: string;
  name: string;
  state: FluxObjectState;
  reason?: string;
  message?: string;
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  /** When the Ready condition last changed. */
  lastTransitionTime?: string;
  /** False while the controller has not looked at the latest spec. */
  observedGenerationCurrent: boolean;
  source?: FluxSourceStatus;
}

/** `GET /entities/:namespace/:kind/:name/status`. */
export interface EntityGortStatus {
  entityRef: string;
  watcher?: Watcher;
  objects: FluxObjectStatus[];
  latestRun?: RunSummary;
}

/** Signals channel on which the backend announces run changes (live updates). */
export const GORT_RUNS_SIGNAL_CHANNEL = 'gort:runs';

/**
 * Message on {@link GORT_RUNS_SIGNAL_CHANNEL} to the owners of the entity
 * whose run changed state.
 */
export type GortRunChangeSignal = {
  type: 'run';
  runId: string;
  entityRef: string;
  state: RunState;
};

/**
 * Message on {@link GORT_RUNS_SIGNAL_CHANNEL} to everyone, with no content:
 * some run changed, so views re-fetch through the authorized endpoints.
 */
export type GortRunsChangedSignal = {
  type: 'runs-changed';
};

export type GortRunSignal = GortRunChangeSignal | GortRunsChangedSignal;

/** `GET /entities/status`: every followed entity, for the org-wide page. */
export interface EntityGortStatusList {
  items: EntityGortStatus[];
}
