import type { FluxAppKind, GortMode } from './annotations';
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
  objects: WatchedObject[];
  targetRepo?: RepoRef;
  fixRepo?: RepoRef;
  branch?: string;
  docsPaths: string[];
  reconcileTimeoutMs?: number;
  mode: GortMode;
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
