import { findCondition, KubeObject } from '../kube/objects';
import { chartVersionMatches, revisionMatches, revisionSha } from './revision';

/** Where a watched Flux object stands with respect to one pushed commit. */
export type LandedVerdict =
  | { state: 'waiting_for_source'; detail: string }
  | {
      state: 'reconciling';
      detail: string;
      waitingOn: 'generation' | 'progress' | 'dependency' | 'suspended';
    }
  | { state: 'succeeded'; detail: string; revision: string }
  | { state: 'failed'; detail: string; reason: string; message: string };

/** Ready=False reasons that end a Kustomization's attempt at a revision. */
export const KUSTOMIZATION_TERMINAL_REASONS: ReadonlySet<string> = new Set([
  'BuildFailed',
  'ReconciliationFailed',
  'HealthCheckFailed',
  'ArtifactFailed',
  'PruneFailed',
]);

/** Ready=False reasons that end a HelmRelease's attempt. */
export const HELM_RELEASE_TERMINAL_REASONS: ReadonlySet<string> = new Set([
  'InstallFailed',
  'UpgradeFailed',
  'TestFailed',
  'RetriesExceeded',
  'ArtifactFailed',
  'ValuesError',
]);

export interface LandedInput {
  /** The watched Kustomization or HelmRelease, as read from the cluster. */
  object: KubeObject;
  /** Its source: GitRepository/OCIRepository, or the HelmChart of a HelmRelease. */
  source?: KubeObject;
  /** The pushed commit (40 hex). */
  sha: string;
  /**
   * For a HelmRelease whose chart does not come from Git: whether the
   * HelmRelease manifest of this push has been applied (its parent
   * Kustomization reports the push as applied). Without it, such a release
   * cannot be tied to the commit and the verdict waits.
   */
  manifestAppliedAtSha?: boolean;
}

function generationObserved(object: KubeObject): boolean {
  const generation = object.metadata?.generation;
  const observed = object.status?.observedGeneration;
  return (
    typeof generation !== 'number' ||
    (typeof observed === 'number' && observed >= generation)
  );
}

function isTrue(object: KubeObject, type: string): boolean {
  return findCondition(object, type)?.status === 'True';
}

function shortRevision(revision: unknown): string {
  const sha = revisionSha(revision);
  return sha ? sha.slice(0, 7) : String(revision ?? 'none');
}

function sourceVerdict(
  input: LandedInput,
  objectAlreadyAtSha: boolean,
): LandedVerdict | undefined {
  const { source, sha } = input;
  if (!source || objectAlreadyAtSha) {
    return undefined;
  }
  const revision = source.status?.artifact?.revision;
  if (source.kind === 'HelmChart') {
    return undefined;
  }
  if (revisionMatches(revision, sha)) {
    return undefined;
  }
  if (isTrue(source, 'Stalled')) {
    const stalled = findCondition(source, 'Stalled');
    return {
      state: 'failed',
      detail: `${source.kind} ${source.metadata?.name} is stalled`,
      reason: stalled?.reason ?? 'Stalled',
      message: stalled?.message ?? '',
    };
  }
  const ready = findCondition(source, 'Ready');
  const why =
    ready?.status === 'False' && ready.message
      ? `; it reports ${ready.reason}: ${ready.message}`
      : '';
  return {
    state: 'waiting_for_source',
    detail: `${source.kind} ${source.metadata?.name} is at ${shortRevision(revision)}, not ${sha.slice(0, 7)}${why}`,
  };
}

function failedOrWaiting(
  object: KubeObject,
  terminal: ReadonlySet<string>,
): LandedVerdict {
  const ready = findCondition(object, 'Ready');
  const stalled = findCondition(object, 'Stalled');
  if (stalled?.status === 'True') {
    return {
      state: 'failed',
      detail: 'the object is stalled',
      reason: stalled.reason ?? ready?.reason ?? 'Stalled',
      message: stalled.message ?? ready?.message ?? '',
    };
  }
  if (ready?.status === 'False' && ready.reason && terminal.has(ready.reason)) {
    return {
      state: 'failed',
      detail: `Ready=False (${ready.reason})`,
      reason: ready.reason,
      message: ready.message ?? '',
    };
  }
  if (ready?.reason === 'DependencyNotReady') {
    return {
      state: 'reconciling',
      detail: ready.message ?? 'a dependency is not ready',
      waitingOn: 'dependency',
    };
  }
  return {
    state: 'reconciling',
    detail: ready?.message ?? 'reconciliation in progress',
    waitingOn: 'progress',
  };
}

function judgeKustomization(input: LandedInput): LandedVerdict {
  const { object, sha } = input;
  const status = object.status ?? {};
  const attempted = revisionMatches(status.lastAttemptedRevision, sha);
  const applied = revisionMatches(status.lastAppliedRevision, sha);
  const waitingForSource = sourceVerdict(input, attempted || applied);
  if (waitingForSource) {
    return waitingForSource;
  }
  if (object.spec?.suspend === true) {
    return { state: 'reconciling', detail: 'the Kustomization is suspended', waitingOn: 'suspended' };
  }
  if (!generationObserved(object)) {
    return {
      state: 'reconciling',
      detail: 'the controller has not observed the latest generation yet',
      waitingOn: 'generation',
    };
  }
  if (applied && isTrue(object, 'Ready')) {
    return {
      state: 'succeeded',
      detail: `applied revision ${status.lastAppliedRevision}`,
      revision: status.lastAppliedRevision,
    };
  }
  if (!attempted) {
    return {
      state: 'reconciling',
      detail: `last attempted ${shortRevision(status.lastAttemptedRevision)}, waiting for ${sha.slice(0, 7)}`,
      waitingOn: 'progress',
    };
  }
  return failedOrWaiting(object, KUSTOMIZATION_TERMINAL_REASONS);
}

function judgeHelmRelease(input: LandedInput): LandedVerdict {
  const { object, source, sha } = input;
  const status = object.status ?? {};
  const latest = Array.isArray(status.history) ? status.history[0] : undefined;
  const chartBoundToGit =
    chartVersionMatches(source?.status?.artifact?.revision, sha) ||
    [status.lastAttemptedRevision, latest?.chartVersion].some(v =>
      chartVersionMatches(v, sha),
    );
  const attemptedAtSha = chartBoundToGit
    ? chartVersionMatches(status.lastAttemptedRevision, sha)
    : input.manifestAppliedAtSha === true;
  if (!attemptedAtSha && chartBoundToGit) {
    return {
      state: 'reconciling',
      detail: `chart ${status.lastAttemptedRevision ?? 'none'} attempted, waiting for ${sha.slice(0, 7)}`,
      waitingOn: 'progress',
    };
  }
  if (!attemptedAtSha) {
    return {
      state: 'waiting_for_source',
      detail: `the HelmRelease manifest of ${sha.slice(0, 7)} has not been applied yet`,
    };
  }
  if (object.spec?.suspend === true) {
    return { state: 'reconciling', detail: 'the HelmRelease is suspended', waitingOn: 'suspended' };
  }
  if (!generationObserved(object)) {
    return {
      state: 'reconciling',
      detail: 'the controller has not observed the latest generation yet',
      waitingOn: 'generation',
    };
  }
  const deployed =
    latest?.status === 'deployed' &&
    (!chartBoundToGit || chartVersionMatches(latest?.chartVersion, sha));
  if (isTrue(object, 'Ready') && deployed) {
    return {
      state: 'succeeded',
      detail: `release ${latest.name ?? ''} v${latest.version ?? '?'} deployed with chart ${latest.chartVersion ?? '?'}`,
      revision: String(latest.chartVersion ?? status.lastAttemptedRevision ?? ''),
    };
  }
  return failedOrWaiting(object, HELM_RELEASE_TERMINAL_REASONS);
}

/**
 * The design's "has this push landed?" rule for one watched object. Pure: the
 * caller reads the objects (by watch or list) and calls this on each change.
 */
export function judgeLanded(input: LandedInput): LandedVerdict {
  return input.object.kind === 'HelmRelease'
    ? judgeHelmRelease(input)
    : judgeKustomization(input);
}
