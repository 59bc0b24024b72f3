import type {
  Run,
  RunAiAnalysis,
  RunCommit,
  RunFixPr,
  RunIntentVerdict,
  RunDiagnosis,
  RunEvidenceItem,
  RunFailure,
  RunList,
  RunObjectVerdict,
  RunOutcome,
  RunState,
  RunSummary,
  RunTrigger,
  WatchedObject,
} from '@gort-backstage/plugin-gort-common';
import type { FailureCategory } from '@gort-backstage/plugin-gort-common';

export interface NewRun {
  entityRef: string;
  objects: WatchedObject[];
  repo: string;
  branch: string;
  sha: string;
  beforeSha?: string;
  trigger: RunTrigger;
  deliveryId?: string;
  commit?: RunCommit;
  timeoutMs: number;
}

export interface CreateRunResult {
  runId: string;
  /** False when an active run for the same entity and commit already existed. */
  created: boolean;
  /** Older runs of the entity that this run supersedes. */
  superseded: string[];
  /** When the run (new or existing) was created, ISO time. */
  createdAt: string;
}

/** What a state change may record besides the state itself. */
export interface RunTransition {
  state: RunState;
  message: string;
  outcome?: RunOutcome;
  category?: FailureCategory;
  verdicts?: RunObjectVerdict[];
  failure?: RunFailure;
  evidence?: RunEvidenceItem[];
  diagnosis?: RunDiagnosis;
  ai?: RunAiAnalysis;
  fixPr?: RunFixPr;
  intent?: RunIntentVerdict;
  error?: string;
}

export interface RunListQuery {
  entityRef?: string;
  state?: RunState;
  outcome?: RunOutcome;
  limit: number;
  cursor?: string;
}

export type DeliveryResult = 'accepted' | 'ignored';

/** Durable runs, shared by every backend replica through the database. */
export interface RunStore {
  /**
   * Records a webhook delivery id. Returns false when it was seen before
   * (a redelivery), in which case nothing else must happen.
   */
  recordDelivery(deliveryId: string, source: string): Promise<boolean>;
  finishDelivery(deliveryId: string, result: DeliveryResult, runIds: string[]): Promise<void>;
  /** Removes delivery ids older than `before`. */
  pruneDeliveries(before: Date): Promise<number>;

  /**
   * Creates a queued run unless one is already active for the same entity and
   * commit, and supersedes the entity's older runs still waiting for Flux.
   */
  createRun(run: NewRun): Promise<CreateRunResult>;

  /**
   * Claims up to `limit` active runs that nobody holds (or whose lease has
   * expired) for `owner`, for `leaseMs`. Each run is claimed by one owner only.
   */
  claimRuns(owner: string, leaseMs: number, limit: number): Promise<Run[]>;
  /** Extends the leases `owner` still holds; returns the ids still held. */
  renewLeases(owner: string, runIds: string[], leaseMs: number): Promise<string[]>;
  releaseLease(owner: string, runId: string): Promise<void>;

  /**
   * Applies a state change if `owner` still holds the run's lease and the run
   * has not ended; returns false otherwise (another replica took over, or a
   * newer push superseded it).
   */
  transition(runId: string, owner: string, change: RunTransition): Promise<boolean>;
  /** Records verdicts without a state change (progress while waiting). */
  recordVerdicts(runId: string, owner: string, verdicts: RunObjectVerdict[]): Promise<boolean>;

  getRun(runId: string): Promise<Run | undefined>;
  /** The newest run of every entity that has one, in one query. */
  latestRunPerEntity(): Promise<Map<string, RunSummary>>;
  listRuns(query: RunListQuery): Promise<RunList>;
  /**
   * Updates the fix pull request of a finished run (its live GitHub state
   * is refreshed on a schedule, after the run is done).
   */
  updateFixPr(runId: string, fixPr: RunFixPr): Promise<void>;
  /** Number of runs in each active state (queue depth). */
  countActive(): Promise<Partial<Record<RunState, number>>>;
}
