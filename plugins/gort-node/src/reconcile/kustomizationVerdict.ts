import { Condition, findCondition, KubeObject } from '../kube/objects';
import { conditionIsCurrent, currentCondition, isFalse, isTrue, timeOf } from './freshness';
import type { LandedInput, LandedVerdict } from './landed';
import { revisionMatches } from './revision';
import { shortRevision, SourceAtSha, sourceAtSha, sourceStalled } from './sources';

// upstream: fluxcd/kustomize-controller@186fb3b29138ce82ff61ba1a9370b96a3dd598fe:internal/controller/kustomization_controller.go

/** Ready=False reasons written after `lastAttemptedRevision` is set: the attempt at that revision failed. */
export const KUSTOMIZATION_TERMINAL_REASONS: ReadonlySet<string> = new Set([
  'BuildFailed',
  'ReconciliationFailed',
  'HealthCheckFailed',
  'PruneFailed',
  'ArtifactFailed',
]);

/**
 * ArtifactFailed written before `lastAttemptedRevision` is set (L366-L379):
 * the artifact of S was fetched but `spec.path` is not in it. Other
 * ArtifactFailed messages before the attempt ("Source artifact not found,
 * retrying", "Source is not ready, artifact not found") are retried by the
 * controller.
 */
const PATH_NOT_FOUND = /kustomization path not found|no such file or directory|securejoin/i;

/** Stalled reasons kustomize-controller writes (terminal: no requeue until the spec changes). */
function stalledFailure(object: KubeObject): LandedVerdict | undefined {
  const stalled = findCondition(object, 'Stalled');
  if (!isTrue(stalled) || !conditionIsCurrent(object, stalled)) return undefined;
  return {
    state: 'failed',
    detail: `the Kustomization is stalled (${stalled!.reason})`,
    reason: stalled!.reason ?? 'Stalled',
    message: stalled!.message ?? findCondition(object, 'Ready')?.message ?? '',
  };
}

/** Whether a Ready condition written before the attempt belongs to an attempt at the artifact of S. */
function newerThanArtifact(ready: Condition, at: SourceAtSha, sha: string): boolean {
  if (at.at !== 'sha') return false;
  if ((ready.message ?? '').includes(sha) || (ready.message ?? '').includes(at.artifactRevision)) return true;
  const readyTime = timeOf(ready.lastTransitionTime);
  return readyTime !== undefined && at.artifactTime !== undefined && readyTime >= at.artifactTime;
}

function appliedAt(object: KubeObject, source: KubeObject | undefined, at: SourceAtSha | undefined, sha: string): boolean {
  const status = object.status ?? {};
  if (revisionMatches(status.lastAppliedRevision, sha) || revisionMatches(status.lastAppliedOriginRevision, sha)) {
    return true;
  }
  if (at?.at !== 'sha' || status.lastAppliedRevision !== at.artifactRevision) return false;
  if (at.via === 'origin') return true; // Flux < 2.5 writes no lastAppliedOriginRevision.
  // An included repository at S rebuilds the artifact under the same revision:
  // the apply must be newer than the artifact.
  const ready = findCondition(object, 'Ready');
  const history = Array.isArray(status.history) ? status.history[0] : undefined;
  const appliedTime = timeOf(history?.lastReconciled) ?? timeOf(ready?.lastTransitionTime);
  return appliedTime !== undefined && at.artifactTime !== undefined && appliedTime >= at.artifactTime && source !== undefined;
}

function attemptedAt(object: KubeObject, at: SourceAtSha | undefined, sha: string): boolean {
  const attempted = object.status?.lastAttemptedRevision;
  return revisionMatches(attempted, sha) || (at?.at === 'sha' && attempted === at.artifactRevision && at.via !== 'include');
}

function dependencyFailure(input: LandedInput): LandedVerdict | undefined {
  for (const dep of input.dependencies ?? []) {
    const stalled = sourceStalled(dep);
    const ready = currentCondition(dep, 'Ready');
    const failed =
      stalled ??
      (isFalse(ready) && KUSTOMIZATION_TERMINAL_REASONS.has(ready!.reason ?? '') ? ready : undefined);
    if (failed) {
      return {
        state: 'failed',
        detail: `dependency ${dep.kind} ${dep.metadata?.namespace}/${dep.metadata?.name} failed (${failed.reason})`,
        reason: 'DependencyNotReady',
        message: `dependency '${dep.metadata?.namespace}/${dep.metadata?.name}' failed: ${failed.reason}: ${failed.message ?? ''}`,
      };
    }
  }
  return undefined;
}

export function judgeKustomization(input: LandedInput): LandedVerdict {
  const { object, source, sha } = input;
  const status = object.status ?? {};
  if (object.spec?.suspend === true) {
    return { state: 'suspended', detail: 'the Kustomization is suspended (spec.suspend: true): Flux will not apply anything until it is resumed' };
  }
  const at = source ? sourceAtSha(source, sha, input.branch) : undefined;
  if (at?.at === 'unobservable') {
    return { state: 'unobservable', detail: at.detail, because: at.because };
  }
  const stalled = stalledFailure(object);
  if (stalled) return stalled;

  const applied = appliedAt(object, source, at, sha);
  const attempted = applied || attemptedAt(object, at, sha);
  const ready = currentCondition(object, 'Ready');

  if (applied && isTrue(ready)) {
    const waits = object.spec?.wait === true || (Array.isArray(object.spec?.healthChecks) && object.spec.healthChecks.length > 0);
    return {
      state: 'succeeded',
      detail: `applied revision ${status.lastAppliedRevision}${waits ? ' and its health checks passed' : ' (no health checks: applied, not health-checked)'}`,
      revision: String(status.lastAppliedOriginRevision ?? status.lastAppliedRevision),
      health: waits ? 'healthy' : 'applied',
    };
  }

  if (source && at?.at !== 'sha' && !attempted) {
    const sourceFailure = sourceStalled(source);
    if (sourceFailure) {
      return {
        state: 'failed',
        detail: `${source.kind} ${source.metadata?.name} is stalled`,
        reason: sourceFailure.reason ?? 'Stalled',
        message: sourceFailure.message ?? '',
      };
    }
    const sourceReady = findCondition(source, 'Ready');
    const why = isFalse(sourceReady) && sourceReady!.message ? `; it reports ${sourceReady!.reason}: ${sourceReady!.message}` : '';
    return {
      state: 'waiting_for_source',
      detail: `${source.kind} ${source.metadata?.name} is at ${shortRevision(at?.at === 'other' ? at.revision : undefined)}, not ${sha.slice(0, 7)}${why}`,
    };
  }

  if (!ready) {
    return {
      state: 'reconciling',
      detail: 'the controller has not reported on the current generation yet',
      waitingOn: 'generation',
    };
  }
  if (isFalse(ready)) {
    const reason = ready.reason ?? '';
    if (attempted && KUSTOMIZATION_TERMINAL_REASONS.has(reason)) {
      return { state: 'failed', detail: `Ready=False (${reason}) for ${sha.slice(0, 7)}`, reason, message: ready.message ?? '' };
    }
    if (!attempted && reason === 'ArtifactFailed' && PATH_NOT_FOUND.test(ready.message ?? '') && at && newerThanArtifact(ready, at, sha)) {
      return { state: 'failed', detail: `Ready=False (${reason}) for the artifact of ${sha.slice(0, 7)}`, reason, message: ready.message ?? '' };
    }
    if (reason === 'DependencyNotReady') {
      return dependencyFailure(input) ?? { state: 'reconciling', detail: ready.message ?? 'a dependency is not ready', waitingOn: 'dependency' };
    }
  }
  if (!attempted) {
    return {
      state: 'reconciling',
      detail: `last attempted ${shortRevision(status.lastAttemptedRevision)}, waiting for ${sha.slice(0, 7)}`,
      waitingOn: 'progress',
    };
  }
  return { state: 'reconciling', detail: ready.message ?? 'reconciliation in progress', waitingOn: 'progress' };
}
