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
import type { ObjectJudgement } from './combineVerdicts';
import type { ObjectLocation } from './judgeRunObject';

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
  }): Promise<{ ai?: RunAiAnalysis; fixPr?: RunFixPr; message: string }>;
  /** A successful run: intent validation against the plan documents. */
  validateIntent?(input: {
    run: Run;
    locations: ObjectLocation[];
    progress: (message: string) => Promise<void>;
  }): Promise<{ intent: RunIntentVerdict; ai?: RunAiAnalysis; fixPr?: RunFixPr; message: string }>;
}

/** Asks Flux to act at once instead of at its next interval. */
export interface ReconcileRequester {
  request(locations: ObjectLocation[], sha: string): Promise<void>;
}

/** A change to a watched Flux object, as the observer reports it. */
export interface ObservedFluxChange {
  cluster: string;
  kind: string;
  object: { metadata?: { namespace?: string; name?: string } };
  /** When the change reached this process (ms since the epoch). */
  receivedAt: number;
}

/** Where Flux changes come from (the FluxObserver). */
export interface FluxChangeSource {
  subscribe(listener: (change: ObservedFluxChange) => void): () => void;
}
