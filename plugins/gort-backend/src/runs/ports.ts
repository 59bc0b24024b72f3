import type {
  FailureCategory,
  Run,
  RunAiAnalysis,
  RunDiagnosis,
  RunEvidenceItem,
  RunFailure,
  RunFixPr,
  RunIntentVerdict,
} from '@gort-backstage/plugin-gort-common';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import type { ObjectJudgement } from './combineVerdicts';
import type { ObjectLocation } from './judgeRunObject';
import type { CommitComparison } from './pushOrder';

/** Explains a failed or timed-out run: evidence plus a rules-first diagnosis. */
export interface FailureDiagnoser {
  diagnose(input: {
    run: Run;
    failure?: RunFailure;
    judgements: ObjectJudgement[];
    locations: ObjectLocation[];
  }): Promise<{ category: FailureCategory; diagnosis?: RunDiagnosis; evidence: RunEvidenceItem[] }>;
}

/**
 * Thrown by a {@link SideEffectGuard} (and by progress reports) once this
 * process may no longer hold the run: whoever catches errors to turn them
 * into results must let this one through.
 */
export class LeaseLostError extends Error {
  readonly name = 'LeaseLostError';
}

export function isLeaseLost(error: unknown): error is LeaseLostError {
  return (error as Error)?.name === 'LeaseLostError';
}

/**
 * Called right before each side effect (a push, a pull request, a comment, a
 * reconcile request). Throws {@link LeaseLostError} unless this process
 * renewed its lease on the run less than half a lease ago: a replica that
 * lost a lease never acts, and a call made now ends well before the lease could.
 */
export type SideEffectGuard = (what: string) => Promise<void>;

/**
 * What follows a verdict. Both may take long (AI calls, GitHub); they report
 * progress on the run's timeline and must turn expected failures (AI outage,
 * rejected proposal, GitHub errors) into their result rather than throw.
 */
export interface RunFollowUps {
  /** A failed or timed-out run, after the rules' diagnosis: AI analysis and fix PR. */
  afterDiagnosis?(input: {
    run: Run;
    category: FailureCategory;
    diagnosis?: RunDiagnosis;
    evidence: RunEvidenceItem[];
    progress: (message: string) => Promise<void>;
    guard: SideEffectGuard;
  }): Promise<{ ai?: RunAiAnalysis; fixPr?: RunFixPr; message: string }>;
  /** A successful run: intent validation against the plan documents. */
  validateIntent?(input: {
    run: Run;
    locations: ObjectLocation[];
    progress: (message: string) => Promise<void>;
    guard: SideEffectGuard;
  }): Promise<{ intent: RunIntentVerdict; ai?: RunAiAnalysis; fixPr?: RunFixPr; message: string }>;
}

/** Asks Flux to act at once instead of at its next interval. */
export interface ReconcileRequester {
  request(locations: ObjectLocation[], sha: string): Promise<void>;
}

/**
 * Reads one Flux object from its API server, bypassing the watch cache
 * (undefined when it does not exist). The API server's answer reflects every
 * write that preceded anything the watches already delivered.
 */
export interface LiveObjectReader {
  read(location: ObjectLocation): Promise<KubeObject | undefined>;
}

/** A change to a watched Flux object, as the observer reports it. */
export interface ObservedFluxChange {
  cluster: string;
  kind: string;
  type?: 'add' | 'update' | 'delete';
  object: KubeObject;
  /** When the change reached this process (ms since the epoch). */
  receivedAt: number;
}

/** Where Flux changes come from (the FluxObserver). */
export interface FluxChangeSource {
  subscribe(listener: (change: ObservedFluxChange) => void): () => void;
}

/**
 * Places two commits of a repository relative to each other (GitHub's
 * compare), for pushes whose order before/after cannot decide: a force-push,
 * or a delivery missing in between. Called by the run processor, never on the
 * webhook path. Throws when it cannot tell (the SCM is down, a commit is gone).
 */
export interface CommitComparer {
  compare(input: {
    repo: string;
    base: string;
    head: string;
  }): Promise<CommitComparison>;
  /** The branch's head commit now, to settle a `diverged` compare; optional. */
  branchHead?(input: {
    repo: string;
    branch: string;
  }): Promise<string | undefined>;
}
