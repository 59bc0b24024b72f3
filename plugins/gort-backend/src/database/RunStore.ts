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
  /** A forced push: `beforeSha` is then not a parent of `sha`. */
  forced?: boolean;
  trigger: RunTrigger;
  deliveryId?: string;
  commit?: RunCommit;
  timeoutMs: number;
}

export interface CreateRunResult {
  /** The new run, or the existing run that made one unnecessary. */
  runId: string;
  entityRef: string;
  /** False when no run was created; `reason` says why. */
  created: boolean;
  /**
   * `same-commit`: a run for this entity and commit is still active.
   * `older-commit`: a run waiting for Flux was pushed on top of this commit
   * (its `before` is this `sha`), so this push is older and never supersedes it.
   */
  reason?: 'same-commit' | 'older-commit';
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
  /** Only runs of these entities (the ones the caller may read). */
  entityRefs?: string[];
  /** Only runs of this commit (full SHA, lower case). */
  sha?: string;
  state?: RunState;
  outcome?: RunOutcome;
  limit: number;
  cursor?: string;
}

/** A webhook delivery and the runs it starts, stored together. */
export interface DeliveryIngestion {
  deliveryId: string;
  /** Where it came from: `webhook` or `events`. */
  source: string;
  /** sha256 of the payload: the same body under another delivery id is a replay. */
  bodyHash?: string;
  runs: NewRun[];
}

export type DeliveryIngestionResult =
  | { duplicate: true; /** The delivery id that brought the same body first. */ replayOf?: string }
  | { duplicate: false; runs: CreateRunResult[] };

/** Durable runs, shared by every backend replica through the database. */
export interface RunStore {
  /**
   * Stores a delivery and every run it starts in one transaction: either all
   * of it is stored or nothing is, so a redelivery after a failure starts the
   * runs. A delivery id seen before is a duplicate and changes nothing; so
   * is a body hash seen before (a replay under a new delivery id).
   */
  ingestDelivery(delivery: DeliveryIngestion): Promise<DeliveryIngestionResult>;
  /** Removes delivery ids older than `before`, and inbox deliveries that waited that long. */
  pruneDeliveries(before: Date): Promise<number>;
  /** Deletes up to `limit` runs (and their timelines) that finished before `before`; returns how many. */
  pruneRuns(before: Date, limit: number): Promise<number>;
  /** Drops the evidence of up to `limit` runs that finished before `before`; returns how many. */
  pruneEvidence(before: Date, limit: number): Promise<number>;

  /**
   * Creates a queued run unless one is already active for the same entity and
   * commit or the push is older than the run waiting for Flux, and supersedes
   * the entity's runs still waiting for Flux. The database keeps at most one
   * waiting run per entity, whatever races (a push and a "Run now").
   */
  createRun(run: NewRun): Promise<CreateRunResult>;

  /**
   * Claims up to `limit` active runs that nobody holds (or whose lease has
   * expired) for `owner`, for `leaseMs`. Each run is claimed by one owner only.
   * The runs come without their timeline (`getRun` has it).
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

  /** One run; `timeline: false` leaves its timeline empty and saves reading it. */
  getRun(
    runId: string,
    options?: { timeline?: boolean },
  ): Promise<Run | undefined>;
  /**
   * One run without its timeline, and how many entities have runs for its
   * commit in its repository (what decides between per-entity checks and an
   * aggregate one), in one query.
   */
  getRunForCheck(
    runId: string,
  ): Promise<{ run: Run; commitEntities: number } | undefined>;
  /** Whether the entity has had a run, in any state, for commit `sha`. */
  hasRunForCommit(entityRef: string, sha: string): Promise<boolean>;
  /** The newest run of every entity that has one, in one query. */
  latestRunPerEntity(): Promise<Map<string, RunSummary>>;
  listRuns(query: RunListQuery): Promise<RunList>;
  /** Every entity ref that has at least one run. */
  runEntityRefs(): Promise<string[]>;
  /**
   * Updates the fix pull request of a finished run (its live GitHub state
   * is refreshed on a schedule, after the run is done).
   */
  updateFixPr(runId: string, fixPr: RunFixPr): Promise<void>;
  /** Number of runs in each active state (queue depth). */
  countActive(): Promise<Partial<Record<RunState, number>>>;

  /**
   * What deciding the order of a push needs: the run, and the entity's run
   * before it (the newest earlier run, unless another run than this one
   * superseded it). Undefined when there is no such run.
   */
  pushOrderContext(runId: string): Promise<PushOrderContext | undefined>;
  /**
   * Ends `runId` (if `owner` holds it and it is active) as superseded by
   * `newerRunId`: it turned out to be an older commit. When `runId` had
   * superseded `newerRunId` and no other run of the entity waits for Flux,
   * `newerRunId` is put back in the queue (its deadline kept), with
   * `restoredMessage` on its timeline. One transaction.
   */
  endAsOlderCommit(
    runId: string,
    owner: string,
    input: { newerRunId: string; message: string; restoredMessage: string },
  ): Promise<{ ended: boolean; restored: boolean }>;
  /** Which of these delivery ids (`X-GitHub-Delivery`) are stored, with their runs or in the inbox. */
  knownDeliveryIds(deliveryIds: string[]): Promise<Set<string>>;
}

/** A run as the push order sees it. */
export interface PushOrderRun {
  id: string;
  sha: string;
  beforeSha?: string;
  forced: boolean;
  trigger: RunTrigger;
  state: RunState;
  supersededBy?: string;
}

export interface PushOrderContext {
  run: PushOrderRun;
  previous?: PushOrderRun;
}
